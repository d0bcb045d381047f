"""The clinician app on the demo data, in Debian's Chromium: sign in, triage roster, patient
course chart, sessions recorded and corrected, alerts handled, invitations, the printable
summary, exports; nothing of the patients left in the browser; no axe violations."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

EMAIL = "demo@clinic.example"
PASSWORD = "demo-password-123"
SESSION_KEY = "clinic.session"


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/clinic/signin")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/clinic/")
    expect(page.locator(".roster-body [role=row]").first).to_be_visible()


def api_get(page, base: str, path: str):
    token = page.evaluate(f"() => JSON.parse(sessionStorage.getItem('{SESSION_KEY}')).token")
    answer = page.request.get(f"{base}/api/v1{path}", headers={"Authorization": f"Bearer {token}"})
    assert answer.ok, answer.text()
    return answer.json()


def open_patient(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.locator(".course-chart canvas").first).to_be_visible()


def roster_names(page) -> list[str]:
    return page.locator(".roster-body [role=rowheader] a").all_inner_texts()


def test_sign_in_roster_in_triage_order_search_and_filter(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    # The header names who is signed in as colleagues know them; the email is its title.
    account = page.locator(".account-email")
    expect(account).to_have_text("Dr. Dana Demo")
    expect(account).to_have_attribute("title", EMAIL)

    expected = [row["patient"]["display_name"] for row in api_get(page, demo, "/patients")["items"]]
    assert len(expected) == 5
    assert roster_names(page) == expected
    first = page.locator(".roster-body [role=row]").first
    expect(first).to_contain_text("Urgent alert")
    # Trends are in clinical words, never bare arrows.
    expect(page.locator(".roster .trend").first).to_have_text(
        re.compile(r"(improving|worsening|stable|trend unknown)$")
    )

    page.get_by_label("Show").select_option("urgent_alert")
    assert len(roster_names(page)) == sum(
        1 for row in api_get(page, demo, "/patients")["items"] if row["attention"] == "urgent_alert"
    )
    page.get_by_label("Show").select_option("")
    page.get_by_label("Search patients").fill("chen")
    expect(page.locator(".roster-body [role=row]")).to_have_count(1)
    expect(page.locator(".roster-body [role=rowheader] a")).to_have_text("Sam Chen")
    page.get_by_label("Search patients").fill("MRN-100")
    expect(page.locator(".roster-body [role=row]")).to_have_count(5)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/clinic/signin"))
    assert page.evaluate("() => sessionStorage.length") == 0


def test_patient_page_draws_the_course_with_sessions_outcomes_and_history(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    name = roster_names(page)[0]
    open_patient(page, name)

    canvases = page.locator(".course-chart canvas")
    assert canvases.count() == 5  # mood, anxiety, pain, PHQ-9, GAD-7
    box = canvases.first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80
    for label in ("higher is better", "higher is worse", "shaded by severity band"):
        expect(page.locator(".chart-panel-title").filter(has_text=label).first).to_be_visible()

    # Every session in the period is in the table synced with the chart; focus shows its details.
    rows = page.locator(".sessions-table tbody tr")
    assert rows.count() >= 1
    rows.first.get_by_role("link", name=re.compile("Correct")).focus()
    tooltip = page.locator(".chart-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("Dose")
    expect(tooltip).to_contain_text("BP pre")
    expect(tooltip).to_contain_text("Dissociation")

    expect(page.get_by_role("heading", name="Outcomes")).to_be_visible()
    expect(page.locator(".outcome").first).to_contain_text("Baseline")
    expect(page.locator(".definition summary").first).to_have_text("Definition used")
    expect(page.get_by_role("heading", name="Durability per session")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Lasted \d+ days")).first).to_be_visible()
    expect(page.get_by_text(re.compile(r"Yes: \d of 3"))).to_have_count(1)  # item 9 marked
    expect(page.get_by_role("heading", name="Reminders and push")).to_be_visible()
    expect(page.get_by_text("No device has push turned on")).to_be_visible()

    page.get_by_text("All", exact=True).click()
    expect(page.locator(".course-chart canvas")).to_have_count(5)
    assert "days=all" in page.url


def test_record_a_session_and_see_its_marker_then_correct_it(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Alex Rivera")
    before = page.locator(".sessions-table tbody tr").count()

    page.get_by_role("link", name="Record a session").click()
    started = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Started at").fill(started)
    page.get_by_label("Phase").select_option("maintenance")
    page.get_by_label("Dose (mg)").fill("41.5")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Systolic pre (mmHg)").fill("124")
    page.get_by_label("Diastolic pre (mmHg)").fill("78")
    page.get_by_label("Systolic peak (mmHg)").fill("141")
    page.get_by_label("Diastolic peak (mmHg)").fill("88")
    page.get_by_label("Dissociation score").fill("9")
    page.get_by_label("Nausea").select_option("mild")
    page.get_by_role("button", name="Record session").click()

    expect(page.get_by_text("Session recorded.")).to_be_visible()
    expect(page.locator(".sessions-table tbody tr")).to_have_count(before + 1)
    newest = page.locator(".sessions-table tbody tr").first
    expect(newest).to_contain_text("41.5 mg")
    expect(newest).to_contain_text("Nausea (mild)")
    newest.hover()
    expect(page.locator(".chart-tooltip")).to_contain_text("BP pre 124/78, peak 141/88")

    newest.get_by_role("link", name=re.compile("Correct")).click()
    expect(page.get_by_label("Dose (mg)")).to_have_value("41.5")
    page.get_by_label("Dose (mg)").fill("43")
    page.get_by_role("button", name="Save correction").click()
    expect(page.get_by_text("Correction saved")).to_be_visible()
    expect(page.locator(".sessions-table tbody tr").first).to_contain_text("43 mg")

    newest = page.locator(".sessions-table tbody tr").first
    newest.get_by_role("link", name=re.compile("Correct")).click()
    earlier = page.get_by_role("table", name="Earlier versions, kept on the audit trail")
    expect(earlier).to_contain_text("41.5 mg")


def test_session_form_says_what_is_wrong(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Sam Chen")
    page.get_by_role("link", name="Record a session").click()
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Started at").fill(future)
    page.get_by_label("Dose (mg)").fill("-5")
    page.get_by_label("Systolic pre (mmHg)").fill("400")
    page.get_by_label("Diastolic pre (mmHg)").fill("20")
    page.get_by_label("Systolic peak (mmHg)").fill("90")
    page.get_by_label("Diastolic peak (mmHg)").fill("100")
    page.get_by_role("button", name="Record session").click()

    expect(page.get_by_text("The session was not saved")).to_be_visible()
    dose = page.get_by_label("Dose (mg)")
    expect(dose).to_have_attribute("aria-invalid", "true")
    expect(dose).to_be_focused()
    expect(page.get_by_text("Enter more than 0 and at most 1000 mg.")).to_be_visible()
    expect(page.get_by_text("A session cannot start in the future.")).to_be_visible()
    expect(page.get_by_text("Enter a whole number from 60 to 260 mmHg.")).to_be_visible()
    expect(page.get_by_text("Enter a whole number from 30 to 160 mmHg.")).to_be_visible()
    expect(page.get_by_text("Systolic must be above diastolic.")).to_be_visible()

    # What only the server knows comes back as a 422 and lands on its field.
    page.get_by_label("Started at").fill("2020-01-01T10:00")
    page.get_by_label("Dose (mg)").fill("40")
    for label in ("Systolic pre", "Diastolic pre", "Systolic peak", "Diastolic peak"):
        page.get_by_label(f"{label} (mmHg)").fill("")
    page.get_by_role("button", name="Record session").click()
    started = page.get_by_label("Started at")
    expect(started).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("A session cannot be before the patient's enrolment.")).to_be_visible()


def test_plan_a_visit_see_it_on_the_roster_then_cancel_it(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Sam Chen")
    visits = page.get_by_role("region", name="Planned visits")
    expect(visits).to_contain_text("PHQ-9 and GAD-7 become due the day before an evaluation")
    expect(visits.get_by_text("No visits planned.")).to_be_visible()
    when = visits.get_by_label("Date and time")
    zone = page.evaluate("() => Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(visits.get_by_text(f"Date and time ({zone})")).to_be_visible()

    # Checked on the device: not in the past.
    when.fill((datetime.now(UTC) - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    visits.get_by_role("button", name="Plan visit").click()
    expect(visits.get_by_text("A visit cannot be planned in the past.")).to_be_visible()
    expect(when).to_have_attribute("aria-invalid", "true")
    expect(when).to_be_focused()

    # The server's 422 lands on its field.
    page.route(
        re.compile(r".*/api/v1/patients/\d+/appointments$"),
        lambda route: (
            route.fulfill(
                status=422,
                content_type="application/problem+json",
                body=json.dumps(
                    {
                        "title": "Invalid input",
                        "errors": {"scheduled_at": ["Plan at most a year ahead."]},
                    }
                ),
            )
            if route.request.method == "POST"
            else route.continue_()
        ),
    )
    when.fill((datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT10:00"))
    visits.get_by_role("button", name="Plan visit").click()
    expect(visits.get_by_text("Plan at most a year ahead.")).to_be_visible()
    expect(when).to_have_attribute("aria-invalid", "true")
    page.unroute(re.compile(r".*/api/v1/patients/\d+/appointments$"))

    visits.get_by_label("Kind of visit").select_option(label="Treatment session")
    visits.get_by_role("button", name="Plan visit").click()
    expect(visits.get_by_text("Planned: treatment session")).to_be_visible()
    rows = visits.locator(".appointments-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Treatment session")
    expect(rows.first).to_contain_text(re.compile(rf"10:00( AM)? \({re.escape(zone)}\)"))
    expect(rows.first).to_contain_text("you")
    expect(when).not_to_have_attribute("aria-invalid", "true")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    # The roster's "Next session" shows it, in the viewer's zone.
    pid = re.search(r"/clinic/patients/(\d+)", page.url).group(1)
    [item] = api_get(page, demo, f"/patients/{pid}/appointments")["items"]
    [row] = [r for r in api_get(page, demo, "/patients")["items"] if str(r["patient"]["id"]) == pid]
    assert row["next_session_at"] is not None
    shown = page.evaluate(
        """iso => new Intl.DateTimeFormat(undefined, {day: 'numeric', month: 'short',
        year: 'numeric', hour: '2-digit', minute: '2-digit'}).format(new Date(iso))""",
        item["scheduled_at"],
    )
    page.get_by_role("link", name="Patients").first.click()
    roster_row = page.locator(".roster-body [role=row]").filter(has_text="Sam Chen")
    expect(roster_row).to_contain_text(shown)

    # Cancel, with a confirm step; "Keep it" keeps it.
    open_patient(page, "Sam Chen")
    visits = page.get_by_role("region", name="Planned visits")
    visits.get_by_role("button", name=re.compile(r"^Cancel the treatment session")).click()
    expect(visits.get_by_role("button", name="Yes, cancel it")).to_be_focused()
    visits.get_by_role("button", name="Keep it").click()
    expect(visits.locator(".appointments-table tbody tr")).to_have_count(1)
    visits.get_by_role("button", name=re.compile(r"^Cancel the treatment session")).click()
    visits.get_by_role("button", name="Yes, cancel it").click()
    expect(visits.get_by_text("No visits planned.")).to_be_visible()
    expect(visits.get_by_text("stays on record as cancelled")).to_be_visible()
    assert api_get(page, demo, f"/patients/{pid}/appointments")["items"] == []
    page.get_by_role("link", name="Patients").first.click()
    roster_row = page.locator(".roster-body [role=row]").filter(has_text="Sam Chen")
    expect(roster_row).to_contain_text("None planned")


def test_acknowledge_and_resolve_an_alert_with_a_note(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    card = page.locator("article.alert-card").filter(has_text="PHQ-9 item 9")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Open")
    card.get_by_label("Acknowledgment note (optional)").fill("Calling the patient now.")
    card.get_by_role("button", name="Acknowledge").click()
    card = page.locator("article.alert-card").filter(has_text="PHQ-9 item 9")
    expect(card).to_contain_text(re.compile(r"Acknowledged by you on"))
    expect(card).to_contain_text("Calling the patient now.")
    expect(card.get_by_label("Acknowledgment note (optional)")).to_have_count(0)

    card.get_by_role("button", name="Resolve").click()
    expect(card.get_by_text("a resolution note is required")).to_be_visible()
    expect(card.get_by_label("Resolution note")).to_have_attribute("aria-invalid", "true")

    card.get_by_label("Resolution note").fill("Called the patient; safety plan reviewed.")
    card.get_by_role("button", name="Resolve").click()
    card = page.locator("article.alert-card").filter(has_text="PHQ-9 item 9")
    expect(card).to_contain_text(re.compile(r"Resolved by you on"))
    expect(card).to_contain_text("Called the patient; safety plan reviewed.")

    page.get_by_label("Show").select_option("resolved")
    resolved = page.locator("article.alert-card").filter(has_text="PHQ-9 item 9")
    expect(resolved).to_contain_text("safety plan reviewed")
    alert = next(
        a for a in api_get(page, demo, "/alerts?status=resolved")["items"] if a["kind"] == "urgent"
    )
    me = api_get(page, demo, "/me")["id"]
    assert alert["acknowledged_by_id"] == me and alert["resolved_by_id"] == me
    assert alert["acknowledgment_note"] == "Calling the patient now."


def test_invite_a_patient_shows_code_link_and_qr(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    page.get_by_role("link", name="Invite a patient").first.click()
    page.get_by_role("button", name="Create patient and invitation").click()
    expect(page.get_by_text("Enter the patient’s name.")).to_be_visible()

    page.get_by_label("Name").fill("Riley Invitee")
    page.get_by_label("MRN or external id (optional)").fill("MRN-2001")
    page.get_by_role("button", name="Create patient and invitation").click()
    code = page.locator(".invite-code")
    expect(code).to_be_visible()
    assert len(code.inner_text().strip()) >= 4
    link = page.locator("a.invite-link")
    assert "/enroll?code=" in link.get_attribute("href")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150


def test_lost_phone_sign_out_everywhere_then_a_new_device_invitation(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Jordan Patel")
    page.get_by_text("Lost or new phone").click()
    sign_out = page.get_by_role("button", name="Sign out all devices")
    sign_out.click()  # the first click only asks to confirm
    expect(page.get_by_role("button", name="Confirm: sign out all devices")).to_be_visible()
    page.get_by_role("button", name="Confirm: sign out all devices").click()
    expect(page.get_by_role("status").filter(has_text="Signed out:")).to_be_visible()

    page.get_by_role("button", name="New-device invitation").click()
    expect(page.locator(".invite-code")).to_be_visible()
    expect(page.get_by_text("A new-device invitation: the patient keeps")).to_be_visible()


def test_summary_prints_on_one_or_two_pages(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Jordan Patel")
    page.get_by_role("link", name="Since-last-visit summary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Since last visit")
    since = (datetime.now(UTC) - timedelta(days=45)).strftime("%Y-%m-%d")
    page.get_by_label("Since").fill(since)
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(rf"since={since}"))
    for heading in ("Treatment sessions", "Daily scores", "Questionnaires", "Alerts and how"):
        expect(page.get_by_role("heading", name=re.compile(heading))).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".app-header")).to_be_hidden()
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages in (1, 2), pages
    letter = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page[^s]", letter)) in (1, 2)


def test_exports_download_through_the_api_client(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    open_patient(page, "Taylor Brooks")
    with page.expect_download() as info:
        page.get_by_role("button", name="Check-ins (CSV)").click()
    assert info.value.suggested_filename.endswith(".csv")
    with page.expect_download() as info:
        page.get_by_role("button", name="FHIR R4 bundle (JSON)").click()
    assert info.value.suggested_filename.endswith(".json")


def test_nothing_of_the_patients_is_left_in_browser_storage(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    names = roster_names(page)
    for name in names[:2]:
        page.goto(f"{demo}/clinic/")
        open_patient(page, name)
    page.goto(f"{demo}/clinic/alerts")
    expect(page.locator("article.alert-card").first).to_be_visible()
    page.goto(f"{demo}/clinic/patients/3/summary")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Since last visit")

    storage = page.evaluate(
        """async () => {
            const session = {};
            for (let i = 0; i < sessionStorage.length; i++) {
                const key = sessionStorage.key(i);
                session[key] = sessionStorage.getItem(key);
            }
            const cached = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) cached.push(request.url);
            }
            const databases = indexedDB.databases ? await indexedDB.databases() : [];
            return { local: localStorage.length, session, cached, databases };
        }"""
    )
    assert storage["local"] == 0
    assert list(storage["session"]) == [SESSION_KEY]
    kept = json.loads(storage["session"][SESSION_KEY])
    assert set(kept) == {"token", "expires_at", "user"}
    assert kept["user"]["email"] == EMAIL and kept["user"]["patient"] is None
    blob = json.dumps(storage["session"])
    for name in names:
        assert name not in blob
    assert storage["databases"] == []
    assert storage["cached"], "the service worker precached the shell"
    assert not [url for url in storage["cached"] if "/api/" in url]


SCREENS = {
    "roster": "/clinic/",
    "patient": "/clinic/patients/3",
    "alerts": "/clinic/alerts",
    "session form": "/clinic/patients/3/sessions/new",
    "session correction": "/clinic/patients/3/sessions/{session_id}",
    "invite": "/clinic/invite",
    "summary": "/clinic/patients/3/summary",
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_clinic_screens_have_no_axe_violations(demo, desk, screen):
    page = desk.new_page()
    sign_in(page, demo)
    path = SCREENS[screen]
    if "{session_id}" in path:
        session_id = api_get(page, demo, "/patients/3/treatment-sessions")["items"][0]["id"]
        path = path.format(session_id=session_id)
    page.goto(f"{demo}{path}")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_be_visible()
    if screen == "patient":
        expect(page.locator(".course-chart canvas").first).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_invitation_and_form_errors_have_no_axe_violations(demo, desk):
    page = desk.new_page()
    sign_in(page, demo)
    page.goto(f"{demo}/clinic/invite")
    page.get_by_label("Name").fill("Axe Check")
    page.get_by_role("button", name="Create patient and invitation").click()
    expect(page.locator(".invite-code")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()

    page.goto(f"{demo}/clinic/patients/3/sessions/new")
    page.get_by_label("Dose (mg)").fill("-5")
    page.get_by_role("button", name="Record session").click()
    expect(page.get_by_text("The session was not saved")).to_be_visible()
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def _roster_rows(count: int) -> list[dict]:
    attention = ["urgent_alert", "open_alert", "missed_checkins", "worsening", "none"]
    trends = ["improving", "stable", "worsening", "unknown"]
    rows = []
    for i in range(count):
        scale = {"latest": i % 11, "mean_7d": (i % 97) / 10, "trend": trends[i % 4]}
        rows.append(
            {
                "patient": {
                    "id": 10_000 + i,
                    "display_name": f"Synthetic Patient {i:03d}",
                    "external_id": f"MRN-{i:05d}",
                    "timezone": "America/New_York",
                    "enrolled": True,
                    "enrolled_at": "2025-01-01T15:00:00+00:00",
                    "created_at": "2025-01-01T15:00:00+00:00",
                },
                "attention": attention[min(i // 100, 4)],
                "last_checkin_on": "2026-11-20",
                "days_since_checkin": i % 6,
                "adherence_14d": (i % 15) / 14,
                "scales": {"mood": scale, "anxiety": scale, "pain": scale},
                "questionnaires": {
                    "phq9": {"total": i % 28, "severity": "moderate", "local_date": "2026-11-10"},
                    "gad7": {"total": i % 22, "severity": "mild", "local_date": "2026-11-10"},
                },
                "last_session_at": "2026-11-01T15:00:00+00:00",
                "open_alerts": [
                    {
                        "id": i,
                        "kind": "decline",
                        "severity": "medium",
                        "status": "open",
                        "summary": "3-day mean mood down 2.1.",
                        "raised_at": "2026-11-20T15:00:00+00:00",
                    }
                ]
                if i < 400
                else [],
            }
        )
    return rows


def _two_years_of_trends(pid: int) -> tuple[dict, dict]:
    start = datetime(2024, 11, 25)
    days = [(start + timedelta(days=n)).strftime("%Y-%m-%d") for n in range(731)]
    scales = []
    for code, label, direction in (
        ("mood", "Mood", "higher_is_better"),
        ("anxiety", "Anxiety", "higher_is_worse"),
        ("pain", "Pain", "higher_is_worse"),
    ):
        points = [
            {"local_date": d, "value": float((n * 7 + len(code)) % 11), "mean_7d": 5.0}
            for n, d in enumerate(days)
        ]
        scales.append({"code": code, "label": label, "direction": direction, "points": points})
    sessions = []
    for n in range(0, 731, 12):
        sessions.append(
            {
                "id": 50_000 + n,
                "patient_id": pid,
                "started_at": f"{days[n]}T15:00:00+00:00",
                "local_date": days[n],
                "modality": "iv_infusion",
                "route": "iv",
                "phase": "maintenance",
                "dose_mg": 40.0,
                "dose_mg_per_kg": 0.5,
                "bp_pre_systolic": 120,
                "bp_pre_diastolic": 80,
                "bp_peak_systolic": 140,
                "bp_peak_diastolic": 88,
                "dissociation_score": 10,
                "dissociation_scale": "CADSS",
                "side_effects": [],
                "revision": 1,
            }
        )
    questionnaires = [
        {"instrument": code, "local_date": d, "total": n % 20, "severity": "moderate"}
        for n, d in enumerate(days)
        if n % 14 == 0
        for code in ("phq9", "gad7")
    ]
    trends = {
        "from": days[0],
        "to": days[-1],
        "scales": scales,
        "sessions": sessions,
        "questionnaires": questionnaires,
    }
    return trends, {"items": sessions}


def _json(route, body) -> None:
    route.fulfill(status=200, content_type="application/json", body=json.dumps(body))


def test_roster_of_500_and_two_years_of_chart_stay_smooth(demo, browser):
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, service_workers="block", timezone_id="UTC"
    )
    page = context.new_page()
    sign_in(page, demo)

    rows = _roster_rows(500)
    page.route(
        re.compile(r".*/api/v1/patients(\?.*)?$"), lambda route: _json(route, {"items": rows})
    )
    page.goto(f"{demo}/clinic/")
    page.wait_for_function(
        "() => document.querySelectorAll('.roster-body [role=row]').length === 500"
    )
    roster_ms = page.evaluate("() => performance.getEntriesByName('clinic:roster').at(-1).duration")
    filter_ms = page.evaluate(
        """() => {
            const select = document.querySelector('select[name=attention]');
            const started = performance.now();
            select.value = 'none';
            select.dispatchEvent(new Event('change'));
            document.body.offsetHeight;
            const shown = document.querySelectorAll('.roster-body [role=row]').length;
            select.value = '';
            select.dispatchEvent(new Event('change'));
            document.body.offsetHeight;
            return [performance.now() - started, shown];
        }"""
    )
    assert filter_ms[1] == 100

    pid = api_get(page, demo, "/patients/3")["id"]
    trends, sessions = _two_years_of_trends(pid)
    page.route(re.compile(rf".*/api/v1/patients/{pid}/trends\?.*"), lambda r: _json(r, trends))
    page.route(
        re.compile(rf".*/api/v1/patients/{pid}/treatment-sessions$"), lambda r: _json(r, sessions)
    )
    page.goto(f"{demo}/clinic/patients/{pid}?days=all")
    expect(page.locator(".course-chart canvas")).to_have_count(5)
    chart_ms = page.evaluate("() => performance.getEntriesByName('clinic:chart').at(-1).duration")
    expect(page.locator(".sessions-table tbody tr")).to_have_count(len(sessions["items"]))

    # Sweeping the pointer over two years of data: every frame's work stays small.
    box = page.locator(".course-chart canvas").first.bounding_box()
    page.evaluate(
        """() => { window.__frames = []; let last = performance.now();
            const tick = (t) => { window.__frames.push(t - last); last = t;
              if (window.__frames.length < 400) requestAnimationFrame(tick); };
            requestAnimationFrame(tick); }"""
    )
    for step in range(60):
        page.mouse.move(
            box["x"] + 5 + step * (box["width"] - 10) / 60, box["y"] + box["height"] / 2
        )
    frames = page.evaluate("() => window.__frames.slice(1)")
    worst_frame = max(frames) if frames else 0.0
    print(
        f"\nroster 500 rows: build {roster_ms:.1f} ms, filter {filter_ms[0]:.1f} ms; "
        f"chart 2 years (731 days x 5 panels, {len(sessions['items'])} sessions): "
        f"{chart_ms:.1f} ms; worst frame while hovering {worst_frame:.1f} ms"
    )
    assert roster_ms < 1500
    assert filter_ms[0] < 500
    assert chart_ms < 1000
    context.close()
