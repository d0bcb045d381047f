"""Security headers on every answer (OWASP secure headers; shared/reference/pitfalls.md)."""

from flask import Flask, Response, request

APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI ships inline scripts and styles: a looser policy on its own route only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)

DOCS_PATHS = ("/api/v1/docs",)

CORS_METHODS = "GET, POST, PUT, DELETE"
CORS_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE = "600"


def _cors(response: Response, allowed: tuple[str, ...]) -> None:
    """Closed unless CORS_ORIGINS lists the caller's origin (bearer tokens: no credentials)."""
    if not allowed or not request.path.startswith("/api/"):
        return
    response.vary.add("Origin")
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin not in allowed:
        return
    headers = response.headers
    headers["Access-Control-Allow-Origin"] = origin
    headers["Access-Control-Expose-Headers"] = "Retry-After, Content-Disposition"
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = CORS_METHODS
        headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        headers["Access-Control-Max-Age"] = CORS_MAX_AGE


def _defaults(csp: str, api: bool, production: bool) -> tuple[tuple[str, str], ...]:
    """The headers an answer gets unless its view set them."""
    headers = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]
    if api:
        headers.append(("Cache-Control", "no-store"))
    if production:
        headers.append(("Strict-Transport-Security", "max-age=63072000; includeSubDomains"))
    return tuple(headers)


def init_app(app: Flask) -> None:
    production = app.config.get("ENV_NAME") == "production"
    cors_origins = tuple(app.config.get("CORS_ORIGINS", ()))
    # (docs page, API path) -> its defaults, made once.
    defaults = {
        (docs, api): _defaults(DOCS_CSP if docs else APP_CSP, api, production)
        for docs in (False, True)
        for api in (False, True)
    }

    @app.after_request
    def _headers(response: Response) -> Response:
        _cors(response, cors_origins)
        path = request.path
        docs = path in DOCS_PATHS or path.startswith(("/api/v1/docs/", "/swaggerui/"))
        headers = response.headers
        # One pass over what the view set, not a scan of every header per default.
        present = {name.lower() for name, _ in headers.items()}
        headers.extend(
            [
                (name, value)
                for name, value in defaults[docs, path.startswith("/api/")]
                if name.lower() not in present
            ]
        )
        return response
