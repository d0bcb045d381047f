"""Serving the PWA build: the patient app at /, the clinician app at /clinic/.

`index.html`, `sw.js` and the manifest must never be pinned by an HTTP cache (a new
version must reach the phone); hashed assets under /assets/ are immutable.
"""

from pathlib import Path

from flask import Flask, Response, abort, send_from_directory

NO_CACHE_FILES = {"index.html", "sw.js", "manifest.webmanifest", "registerSW.js"}

FALLBACK_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Ketamine clinic outcomes</title></head><body><main><h1>Ketamine clinic outcomes</h1>
<p>The web app has not been built yet. Run <code>make run</code>, which builds it.</p>
<p>The API and its documentation are at <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</main></body></html>"""


def _send(dist: Path, relative: str) -> Response:
    response = send_from_directory(dist, relative, max_age=0)
    name = Path(relative).name
    if name in NO_CACHE_FILES or name.endswith(".html"):
        response.headers["Cache-Control"] = "no-cache"
    elif relative.startswith("assets/"):
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def init_app(app: Flask) -> None:
    dist = Path(app.config["PWA_DIST"])

    def shell(index: str) -> Response:
        if not (dist / index).is_file():
            response = Response(FALLBACK_PAGE, mimetype="text/html")
            response.headers["Cache-Control"] = "no-cache"
            return response
        return _send(dist, index)

    @app.get("/", endpoint="pwa_root")
    @app.get("/<path:path>", endpoint="pwa_path")
    def pwa(path: str = "") -> Response:
        if path.startswith("api/"):
            abort(404)
        if path and (dist / path).is_file() and dist in (dist / path).resolve().parents:
            return _send(dist, path)
        if path == "clinic" or path.startswith("clinic/"):
            return shell("clinic/index.html")
        if "." in Path(path).name:  # a missing file, not an app route
            abort(404)
        return shell("index.html")
