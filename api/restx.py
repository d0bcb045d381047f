"""flask-restx wired to marshmallow: restx routes and serves Swagger UI, marshmallow validates.

One definition per payload: each marshmallow schema is converted to JSON Schema by apispec
and registered with restx as a schema model, so the Swagger document and the validation can
never disagree (shared/reference/pitfalls.md, "flask-restx with marshmallow").
"""

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import request
from flask_restx import Api, Namespace
from marshmallow import Schema, validate
from marshmallow import ValidationError as MarshmallowValidationError
from werkzeug.routing import IntegerConverter

from api.errors import (
    PROBLEM_MEDIA_TYPE,
    Problem,
    ValidationProblem,
    problem_from_exception,
    problem_response,
)


class ProblemApi(Api):
    """An Api whose every error, on its own routes, is an RFC 9457 problem."""

    def handle_error(self, e):  # noqa: D102 - restx hook
        return problem_response(problem_from_exception(e))

    @property
    def __schema__(self):
        """The Swagger document, completed with what every operation may answer.

        Swagger 2.0 names media types per operation, not per response, so the errors' media
        type is added to each operation's list (and the document's default); an operation
        with a body also documents 400, 413 and 415.
        """
        schema = super().__schema__
        for produces in _produces_lists(schema):
            if PROBLEM_MEDIA_TYPE not in produces:
                produces.append(PROBLEM_MEDIA_TYPE)
        for operation in _operations(schema):
            if any(p.get("in") == "body" for p in operation.get("parameters", [])):
                for code, description in BODY_PROBLEMS.items():
                    operation["responses"].setdefault(
                        code, {"description": description, "schema": PROBLEM_REF}
                    )
        return schema


# What any operation taking a JSON body may answer, whatever its own documentation says.
BODY_PROBLEMS = {
    "400": "Unreadable request (not JSON, or not a JSON object)",
    "413": "Body too large",
    "415": "Not JSON",
}
PROBLEM_REF = {"$ref": "#/definitions/Problem"}


def _operations(schema: dict) -> list[dict]:
    return [
        operation
        for item in schema.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "responses" in operation
    ]


def _produces_lists(schema: dict) -> list[list]:
    lists = [schema.setdefault("produces", [])]
    for operation in _operations(schema):
        if isinstance(operation.get("produces"), list):
            lists.append(operation["produces"])
    return lists


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: 1 to 2**31 - 1 (a PostgreSQL integer).

    A number no row can have does not match the route (404) instead of overflowing the query.
    """

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _schema_name(schema: Schema | type[Schema]) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[: -len("Schema")] if name.endswith("Schema") and name != "Schema" else name


def _exclusive_bounds(self, field, ret, **kwargs) -> dict:
    """apispec documents `Range(min_inclusive=False)` as an inclusive minimum: say it is not."""
    bounds = {}
    for validator in field.validators:
        if isinstance(validator, validate.Range):
            if validator.min is not None and not validator.min_inclusive:
                bounds["exclusiveMinimum"] = True
            if validator.max is not None and not validator.max_inclusive:
                bounds["exclusiveMaximum"] = True
    return bounds


class _SchemaConverter:
    """Turns marshmallow schemas into JSON Schema definitions with apispec (Swagger 2.0)."""

    def __init__(self) -> None:
        self.plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
        self.spec = APISpec(
            title="bridge", version="1", openapi_version="2.0", plugins=[self.plugin]
        )
        self.plugin.converter.add_attribute_function(_exclusive_bounds)

    def definitions(self, schema_cls: type[Schema]) -> dict[str, dict]:
        """The definition of `schema_cls` and of every schema nested in it, by name."""
        name = _schema_name(schema_cls)
        found = dict(self.spec.to_dict().get("definitions", {}))
        if name not in found:
            found[name] = self.plugin.converter.schema2jsonschema(schema_cls())
            found.update(self.spec.to_dict().get("definitions", {}))
        return found

    def query_params(self, schema_cls: type[Schema]) -> dict[str, dict]:
        params = {}
        for item in self.plugin.converter.schema2parameters(schema_cls(), location="query"):
            doc = {
                key: item[key] for key in ("type", "format", "enum", "description") if key in item
            }
            doc["in"] = "query"
            if item.get("required"):
                doc["required"] = True
            params[item["name"]] = doc
        return params


_converter = _SchemaConverter()


def model(ns: Namespace, schema_cls: type[Schema]) -> Any:
    """The restx model documenting `schema_cls`, registered on `ns` with its nested schemas."""
    definitions = _converter.definitions(schema_cls)
    name = _schema_name(schema_cls)
    for other, definition in definitions.items():
        if other != name and other not in ns.models:
            ns.schema_model(other, definition)
    return ns.models.get(name) or ns.schema_model(name, definitions[name])


def query_params(schema_cls: type[Schema]) -> dict[str, dict]:
    """Swagger `params` for a query-string schema, for `@ns.doc(params=...)`."""
    return _converter.query_params(schema_cls)


@cache
def schema_for(schema_cls: type[Schema], many: bool = False) -> Schema:
    """One instance per schema class, shared by every request: a marshmallow schema keeps no
    per-call state, and building one (its fields, their copies) costs more than a small load."""
    return schema_cls(many=many)


def load(schema_cls: type[Schema], data: Any) -> Any:
    """Validate `data` with the schema, raising a 422 problem (field names only, never values)."""
    try:
        return schema_for(schema_cls).load(data)
    except MarshmallowValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise ValidationProblem(messages) from None


def json_body(schema_cls: type[Schema]) -> Any:
    """The request's JSON object, validated."""
    if not request.is_json:
        raise Problem(415, "Send a JSON object with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Problem(400, "The body must be a JSON object.")
    return load(schema_cls, data)


def query_args(schema_cls: type[Schema]) -> Any:
    """The query string, validated."""
    return load(schema_cls, request.args.to_dict(flat=True))
