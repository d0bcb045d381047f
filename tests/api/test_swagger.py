"""The Swagger document is generated from the marshmallow schemas and documents every operation."""

from api.schemas.checkins import CheckInCreateSchema


def _resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/definitions/"), ref
    name = ref.removeprefix("#/definitions/")
    assert name in spec["definitions"], f"dangling $ref {ref}"
    return spec["definitions"][name]


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_every_operation_documents_its_request_and_response(client):
    response = client.get("/api/v1/swagger.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["swagger"] == "2.0"
    operations = 0
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations += 1
            success = {code: r for code, r in op["responses"].items() if code.startswith("2")}
            assert success, f"{method} {path} documents no success response"
            for code, answer in success.items():
                if code != "204":
                    assert "schema" in answer, f"{method} {path} {code} has no schema"
            if method in {"post", "put", "patch"} and not path.endswith(
                ("/logout", "/invitations", "/sign-out", "/clicked")  # bodiless actions
            ):
                bodies = [p for p in op.get("parameters", []) if p["in"] == "body"]
                assert bodies and "schema" in bodies[0], f"{method} {path} documents no body"
            assert any(code.startswith("4") for code in op["responses"]), (
                f"{method} {path}: no errors"
            )
    assert operations >= 9
    for ref in _refs(spec):
        _resolve(spec, ref)


def test_the_documented_body_is_the_validating_schema(client):
    spec = client.get("/api/v1/swagger.json").json
    documented = spec["definitions"]["CheckInCreate"]
    assert set(documented["properties"]) == set(CheckInCreateSchema().fields)
    assert documented["properties"]["mood"]["minimum"] == 0
    assert documented["properties"]["mood"]["maximum"] == 10
    assert set(documented["required"]) == {"submit_id", "local_date", "mood", "anxiety", "pain"}


def test_swagger_ui_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.data.lower()


def test_no_two_schemas_share_a_name():
    """Swagger's definitions are keyed by the schema's class name: two `ClinicSchema`s in two
    modules would document one operation with the other's fields, and nothing else would say."""
    import importlib
    import pkgutil

    from marshmallow import Schema

    import api.schemas

    seen: dict[str, str] = {}
    clashes = []
    for info in pkgutil.iter_modules(api.schemas.__path__):
        module = importlib.import_module(f"api.schemas.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                where = f"{value.__module__}.{value.__qualname__}"
                if seen.setdefault(value.__name__, where) != where:
                    clashes.append((seen[value.__name__], where))
    assert clashes == []
