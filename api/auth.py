"""Bearer-token authentication for the API and the role gate."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from api.errors import Unauthorized
from models import User
from services import auth as auth_service
from services.patients import resolve_patient


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_user() -> User:
    return g.current_user


def authenticated(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a valid bearer token; the user is then `current_user()`.

    A route with a `{pid}` checks that the user may reach that patient before anything else,
    so another patient's or clinic's id answers 404 whatever the body holds.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        token = bearer_token()
        if token is None:
            raise Unauthorized()
        g.current_user = auth_service.authenticate(token)
        g.current_token = token
        if "pid" in kwargs:
            resolve_patient(g.current_user, kwargs["pid"])
        return view(*args, **kwargs)

    return wrapper
