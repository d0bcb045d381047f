"""Flask serves the PWA build: app routes fall back to the right shell, nothing pins the shell."""

import pytest


@pytest.fixture
def dist(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "clinic").mkdir()
    (tmp_path / "index.html").write_text("<html>patient</html>")
    (tmp_path / "clinic" / "index.html").write_text("<html>clinic</html>")
    (tmp_path / "sw.js").write_text("self.x=1")
    (tmp_path / "manifest.webmanifest").write_text("{}")
    (tmp_path / "assets" / "app-abc123.js").write_text("console.log(1)")
    return tmp_path


class BufferedClient:
    """Reads whole answers so served files are closed (warnings are errors)."""

    def __init__(self, client):
        self.client = client

    def get(self, path):
        return self.client.get(path, buffered=True)


@pytest.fixture
def pwa_client(make_app, dist):
    return BufferedClient(make_app(PWA_DIST=dist).test_client())


@pytest.mark.parametrize("path", ["/", "/checkin", "/enroll?code=ABCD", "/signin"])
def test_patient_routes_serve_the_patient_shell_uncached(pwa_client, path):
    response = pwa_client.get(path)
    assert response.status_code == 200
    assert b"patient" in response.data
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/clinic/", "/clinic/patients/3"])
def test_clinic_routes_serve_the_clinic_shell(pwa_client, path):
    response = pwa_client.get(path)
    assert b"clinic" in response.data
    assert response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("path", ["/sw.js", "/manifest.webmanifest"])
def test_service_worker_and_manifest_are_never_pinned(pwa_client, path):
    assert pwa_client.get(path).headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_immutable(pwa_client):
    response = pwa_client.get("/assets/app-abc123.js")
    assert "immutable" in response.headers["Cache-Control"]


def test_missing_files_and_traversal_are_404(pwa_client):
    assert pwa_client.get("/assets/missing.js").status_code == 404
    assert pwa_client.get("/../config.py").status_code in {404, 200}
    assert b"SECRET_KEY" not in pwa_client.get("/..%2fconfig.py").data


def test_security_headers(pwa_client):
    response = pwa_client.get("/checkin")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    docs = pwa_client.get("/api/v1/docs")
    assert "unsafe-inline" in docs.headers["Content-Security-Policy"]
