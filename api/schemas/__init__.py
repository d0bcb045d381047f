"""marshmallow schemas: the only way data enters or leaves the API, and the Swagger source."""
