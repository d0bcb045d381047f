"""What every namespace uses: the problem model and response helpers."""

from typing import Any

from flask_restx import Namespace
from marshmallow import Schema

from api.restx import model, schema_for
from api.schemas.problem import ProblemSchema


def problem(ns: Namespace) -> Any:
    return model(ns, ProblemSchema)


def document_problems(ns: Namespace, *codes: int):
    """Decorator documenting the problem answers an operation can give."""
    descriptions = {
        400: "Unreadable request",
        401: "Not signed in",
        403: "Not allowed for this role",
        404: "Not found (or not yours)",
        409: "Conflicts with the current state",
        413: "Body too large",
        415: "Not JSON",
        422: "Invalid fields",
        429: "Too many requests",
    }

    def decorate(func):
        for code in codes:
            func = ns.response(code, descriptions[code], problem(ns))(func)
        return func

    return decorate


def dump(schema_cls: type[Schema], obj: Any, many: bool = False) -> Any:
    return schema_for(schema_cls, many).dump(obj)
