"""How secrets are kept: tokens as SHA-256, invitation codes as an HMAC keyed by SECRET_KEY."""

import hashlib
import hmac

from flask import current_app


def token_digest(raw: str) -> str:
    """SHA-256 of a 256-bit random token (a plain hash suffices: nothing to guess)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def invitation_digest(code: str) -> str:
    """Keyed hash of a normalised invitation code (case, spaces and dashes do not matter)."""
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()
