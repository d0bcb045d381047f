"""Rate limits (flask-limiter): per client address, and per account on sign-in.

The client address is what rate limits and the audit trail see: behind a reverse proxy set
PROXY_FIX_HOPS to the number of proxies, and ProxyFix takes it from X-Forwarded-For; with 0
(the default) that header is ignored, so a client cannot pick a fresh address per request.
"""

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from services.auth import email_digest

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def login_account_key() -> str:
    """Key sign-in attempts by the email tried, so one account cannot be guessed from many IPs.

    Every email gets a key, whether it has an account or not (the count cannot tell them
    apart); the key holds the email's keyed hash, so the limiter's storage (Redis) never holds
    an address."""
    data = request.get_json(silent=True)
    email = data.get("email") if isinstance(data, dict) else None
    return f"login:{email_digest(str(email))}" if email else "login:-"


def init_app(app: Flask) -> None:
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    limiter.init_app(app)
