"""No cookie sessions. Every API request is authenticated by its bearer token, and the apps keep
their token themselves, so nothing is ever kept in a Flask session. Flask's default session
would still build a signing serializer and parse the cookies on every request; this interface
hands Flask its read-only null session instead: no cookie is read or set, and writing to
`flask.session` fails loudly rather than leaving patient data in a browser cookie."""

from flask import Flask, Request, Response
from flask.sessions import NullSession, SessionInterface, SessionMixin


class NoCookieSessions(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> NullSession:
        return self.make_null_session(app)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def init_app(app: Flask) -> None:
    app.session_interface = NoCookieSessions()
