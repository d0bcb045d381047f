"""The one error shape: RFC 9457 problem details (`application/problem+json`).

Every error leaves the API through `problem_response`. Nothing from the request body is
ever put into a problem: validation errors carry field names and fixed messages only.
"""

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from services import errors as service_errors

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "/api/v1/problems/"


class Problem(Exception):
    """An error the API answers with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        title: str | None = None,
        type_: str | None = None,
        errors: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title or str(status))
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.type = type_ or _default_type(status)
        self.errors = errors
        self.headers = headers or {}


class ValidationProblem(Problem):
    """422: the body or query failed validation; `errors` maps each field to its messages."""

    def __init__(
        self, errors: dict[str, Any], detail: str = "The request has invalid fields."
    ) -> None:
        super().__init__(
            422,
            detail,
            title="Validation failed",
            type_=PROBLEM_TYPE_BASE + "validation",
            errors=errors,
        )


class NotFound(Problem):
    def __init__(self, detail: str = "Not found.") -> None:
        super().__init__(404, detail)


class Forbidden(Problem):
    def __init__(self, detail: str = "You may not do this.") -> None:
        super().__init__(403, detail)


class Unauthorized(Problem):
    def __init__(self, detail: str = "Sign in to continue.") -> None:
        super().__init__(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})


class Conflict(Problem):
    def __init__(self, detail: str) -> None:
        super().__init__(409, detail)


def _default_type(status: int) -> str:
    return PROBLEM_TYPE_BASE + HTTPStatus(status).phrase.lower().replace(" ", "-")


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = Response(json.dumps(body), status=problem.status, mimetype=PROBLEM_MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


def problem_from_exception(exc: BaseException) -> Problem:
    """Map any exception to a problem; unexpected ones become a generic 500 and are logged."""
    if isinstance(exc, Problem):
        return exc
    if isinstance(exc, service_errors.ServiceError):
        return _from_service_error(exc)
    if isinstance(exc, HTTPException) and exc.code:
        headers = {}
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            headers["Allow"] = ", ".join(exc.valid_methods)
        if exc.code == 429:
            return Problem(429, "Too many requests: wait a little and try again.", headers=headers)
        if exc.code == 413:
            return Problem(413, "The request body is too large.")
        return Problem(exc.code, _http_detail(exc.code), headers=headers)
    # Log the type and where, never the request body or arguments (they may hold PHI).
    log.error(
        "unhandled %s on %s %s", type(exc).__name__, request.method, request.path, exc_info=exc
    )
    return Problem(500, "Something went wrong on our side. Nothing was saved.")


def _from_service_error(exc: service_errors.ServiceError) -> Problem:
    if isinstance(exc, service_errors.InvalidInput):
        return ValidationProblem(exc.errors, exc.detail)
    if isinstance(exc, service_errors.NotFoundError):
        return NotFound(exc.detail)
    if isinstance(exc, service_errors.PermissionDenied):
        return Forbidden(exc.detail)
    if isinstance(exc, service_errors.AuthenticationFailed):
        return Unauthorized(exc.detail)
    if isinstance(exc, service_errors.ConflictError):
        return Conflict(exc.detail)
    if isinstance(exc, service_errors.Throttled):
        return Problem(429, exc.detail, headers={"Retry-After": str(exc.retry_after)})
    return Problem(400, exc.detail)


def _http_detail(status: int) -> str:
    return {
        400: "The request could not be read.",
        401: "Sign in to continue.",
        403: "You may not do this.",
        404: "Not found.",
        405: "This method is not allowed here.",
        415: "Send JSON (Content-Type: application/json).",
    }.get(status, HTTPStatus(status).phrase + ".")


def _only_the_pwa_matches(exc: HTTPException) -> bool:
    """A 405 for an unknown /api/ path: only the PWA's GET catch-all matched it (no such API)."""
    if not set(getattr(exc, "valid_methods", None) or ()) <= {"GET", "HEAD", "OPTIONS"}:
        return False
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        endpoint, _ = adapter.match(method="GET")
    except HTTPException:
        return False
    return endpoint == "pwa_path"


def init_app(app: Flask) -> None:
    """Answer problems for API paths (the restx Api handles its own routes, see api.restx)."""

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            if exc.code == 405 and _only_the_pwa_matches(exc):
                return problem_response(NotFound())
            return problem_response(problem_from_exception(exc))
        return exc

    @app.errorhandler(Problem)
    def _problem(exc: Problem):
        return problem_response(exc)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http_error(exc)
        return problem_response(problem_from_exception(exc))
