"""pwa_bundle: the initial JavaScript of each app (gzip), and Lighthouse on the patient app's
/checkin as a signed-in patient, in mobile emulation, with Debian's Chromium.

The initial JavaScript is the entry module of dist/index.html (dist/clinic/index.html) and
every module it imports statically, transitively; chunks loaded by `import()` come later and
are not counted. Sizes are gzip -9, in kB of 1,000 bytes (as Vite prints them).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench.common import REDIS_URL, ROOT, fresh_database, make_app
from bench.context import Context
from bench.results import Result
from bench.servers import gunicorn

DIST = ROOT / "pwa" / "dist"
BENCH = ROOT / "bench"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
ENTRY = re.compile(r'<script type="module"[^>]*\bsrc="([^"]+)"')
# import{a as b}from"./x.js"  import"./x.js"  export{a}from"./x.js"  (not import(`./x.js`))
STATIC_IMPORT = re.compile(
    r"(?<![\w$.])(?:import|export)(?![\w$])\s*(?:[\w$*{},\s]+?\s*from\s*)?[\"']([^\"']+\.js)[\"']"
)
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu"]
BUDGETS = {"patient": 80.0, "clinic": 250.0}
LIGHTHOUSE_GOALS = {"performance": 90, "accessibility": 95}


def initial_modules(html: Path) -> list[Path]:
    """The entry chunk of a page and its static imports, transitively, in discovery order."""
    entry = ENTRY.search(html.read_text())
    if entry is None:
        raise ValueError(f"no module script in {html}")
    pending = [DIST / entry[1].lstrip("/")]
    seen: list[Path] = []
    while pending:
        module = pending.pop(0).resolve()
        if module in seen:
            continue
        seen.append(module)
        for target in STATIC_IMPORT.findall(module.read_text()):
            pending.append(module.parent / target if target.startswith(".") else DIST / target)
    return seen


def gzip_kb(files: list[Path]) -> float:
    return sum(len(gzip.compress(f.read_bytes(), 9)) for f in files) / 1000


def measure_bundles() -> list[Result]:
    results = []
    for app, html in (("patient", DIST / "index.html"), ("clinic", DIST / "clinic" / "index.html")):
        modules = initial_modules(html)
        size = gzip_kb(modules)
        raw = sum(m.stat().st_size for m in modules) / 1000
        results.append(
            Result(
                f"pwa_bundle.{app}_initial_js",
                size,
                "kB gzip",
                goal=f"<= {BUDGETS[app]:.0f} kB",
                holds=size <= BUDGETS[app],
                note=(
                    f"{', '.join(m.name for m in modules)} ({raw:.1f} kB raw), gzip -9; "
                    f"lazy chunks (import()) not counted"
                ),
            )
        )
    return results


# -- Lighthouse ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _invitation(url: str, ctx: Context, secret_key: str) -> str:
    """A clinic, a clinician and a patient invited: the enrolment code (an HMAC keyed by the
    server's SECRET_KEY, so made with the same key)."""
    from models import Clinic, db
    from services import auth, patients

    app = make_app(url, ctx.instance, SECRET_KEY=secret_key)
    with app.app_context():
        clinic = Clinic(name="Lighthouse clinic", phone="+1 555 0100")
        db.session.add(clinic)
        db.session.commit()
        clinician = auth.create_staff(clinic.id, "lh@clinic.example", secrets.token_urlsafe(16))
        db.session.commit()
        patient = patients.create_patient(clinician, "Robin Phone", timezone="America/New_York")
        code = patients.create_invitation(clinician, patient.id, "http://unused").code
        db.session.remove()
        db.engine.dispose()
    return code


def _enrol(debug_port: int, base: str, code: str) -> None:
    """Sign the patient in through the app, in the browser Lighthouse will use; then forget
    the service worker, its caches and the HTTP cache, so the audited load is a cold one with
    only the session (IndexedDB) kept."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.flows import enroll

    with sync_playwright() as playwright:
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{debug_port}")
        context = browser.contexts[0]
        page = context.new_page()
        enroll(page, base, code)
        page.goto(f"{base}/checkin")
        page.get_by_role("slider", name="Mood").wait_for()
        page.evaluate(
            """async () => {
                const workers = await navigator.serviceWorker.getRegistrations();
                for (const r of workers) await r.unregister();
                for (const k of await caches.keys()) await caches.delete(k);
            }"""
        )
        cdp = context.new_cdp_session(page)
        cdp.send("Network.clearBrowserCache")
        page.close()
        browser.close()  # disconnects; the browser process stays for Lighthouse


def _why_not() -> str | None:
    if shutil.which("chromium") is None:
        return "no Debian chromium on PATH"
    if not (DIST / "index.html").is_file():
        return "no PWA build (make pwa)"
    if not LIGHTHOUSE.exists():
        npm = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=BENCH, capture_output=True, text=True
        )
        if npm.returncode != 0 or not LIGHTHOUSE.exists():
            return f"npm ci in bench/ failed: {npm.stderr.strip()[-200:]}"
    return None


def measure_lighthouse(ctx: Context) -> list[Result]:
    version = ""
    reason = _why_not()
    scores: dict[str, float] = {}
    metrics = ""
    if reason is None:
        try:
            scores, version, metrics = _lighthouse(ctx)
        except Exception as exc:  # reported in the table, never faked
            reason = f"{type(exc).__name__}: {str(exc)[:300]}"
    results = []
    for category, goal in LIGHTHOUSE_GOALS.items():
        value = scores.get(category)
        results.append(
            Result(
                f"pwa_lighthouse.{category}",
                value,
                "score",
                goal=f">= {goal}",
                holds=None if value is None else value >= goal,
                note=(
                    f"Lighthouse {version} (npm, pinned in bench/package.json), Debian Chromium "
                    f"{_chromium_version()} {' '.join(CHROMIUM_FLAGS)}, mobile emulation and "
                    f"simulated throttling (Lighthouse's defaults), on /checkin served by gunicorn "
                    f"as in production, signed in as a patient, service worker and caches "
                    f"cleared first (a cold load); {metrics}"
                    if value is not None
                    else f"not measured: {reason}"
                ),
            )
        )
    return results


def _chromium_version() -> str:
    try:
        out = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout
    except OSError:
        return ""
    match = re.search(r"\d+\.\d+\.\d+\.\d+", out)
    return match[0] if match else ""


def _lighthouse(ctx: Context) -> tuple[dict[str, float], str, str]:
    url = ctx.sqlite_url("lighthouse")
    fresh_database(url, ctx.instance)
    secret_key = secrets.token_urlsafe(48)
    code = _invitation(url, ctx, secret_key)
    env = {
        "APP_ENV": "production",
        "SECRET_KEY": secret_key,
        "DATABASE_URL": url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "INSTANCE_PATH": str(ctx.instance),
        "WEB_CONCURRENCY": "2",
    }
    profile = ctx.work / "chromium-profile"
    shutil.rmtree(profile, ignore_errors=True)
    debug_port = _free_port()
    report = ctx.work / "lighthouse.json"
    with gunicorn("wsgi:app", env, ctx.work / "gunicorn-lighthouse.log", 2) as server:
        base = f"http://127.0.0.1:{server.port}"
        chromium = subprocess.Popen(
            [
                "chromium",
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={debug_port}",
                f"--user-data-dir={profile}",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_for_devtools(debug_port)
            _enrol(debug_port, base, code)
            run = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    f"{base}/checkin",
                    f"--port={debug_port}",
                    "--disable-storage-reset",
                    "--only-categories=performance,accessibility",
                    "--output=json",
                    f"--output-path={report}",
                    "--quiet",
                    f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}",
                ],
                cwd=BENCH,
                env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "chromium"},
                capture_output=True,
                text=True,
                timeout=300,
            )
        finally:
            chromium.terminate()
            try:
                chromium.wait(timeout=20)
            except subprocess.TimeoutExpired:
                chromium.kill()
    if run.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse exited {run.returncode}: {run.stderr.strip()[-300:]}")
    data = json.loads(report.read_text())
    final = data.get("finalDisplayedUrl") or data.get("finalUrl", "")
    if not final.rstrip("/").endswith("/checkin"):
        raise RuntimeError(f"Lighthouse audited {final}, not /checkin (the session was lost)")
    scores = {k: round(100 * v["score"]) for k, v in data["categories"].items()}
    metrics = ", ".join(
        f"{label} {data['audits'][audit]['displayValue']}"
        for label, audit in (
            ("FCP", "first-contentful-paint"),
            ("LCP", "largest-contentful-paint"),
            ("TBT", "total-blocking-time"),
            ("CLS", "cumulative-layout-shift"),
        )
    )
    return scores, data.get("lighthouseVersion", ""), metrics


def _wait_for_devtools(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("Chromium's DevTools port never opened")
