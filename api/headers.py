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


def init_app(app: Flask) -> None:
    production = app.config.get("ENV_NAME") == "production"
    cors_origins = tuple(app.config.get("CORS_ORIGINS", ()))

    @app.after_request
    def _headers(response: Response) -> Response:
        _cors(response, cors_origins)
        headers = response.headers
        path = request.path
        docs = path in DOCS_PATHS or path.startswith(("/api/v1/docs/", "/swaggerui/"))
        headers.setdefault("Content-Security-Policy", DOCS_CSP if docs else APP_CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
        )
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.path.startswith("/api/"):
            headers.setdefault("Cache-Control", "no-store")
        if production:
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
