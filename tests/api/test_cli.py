"""The command line: create-clinician and seed-demo."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import (
    Alert,
    CheckIn,
    Clinic,
    Patient,
    QuestionnaireResponse,
    TreatmentSession,
    User,
    db,
)
from services import demo
from tests.conftest import _empty_all_tables


def test_seed_demo_is_idempotent_and_the_demo_clinician_signs_in(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    counts = (
        db.session.scalar(select(func.count()).select_from(Patient)),
        db.session.scalar(select(func.count()).select_from(CheckIn)),
    )

    second = runner.invoke(args=["seed-demo"])

    assert second.exit_code == 0 and "already" in second.output
    assert counts[0] == 5
    assert counts[1] > 5 * 60  # months of daily history, with some missed days
    assert (
        db.session.scalar(select(func.count()).select_from(Patient)),
        db.session.scalar(select(func.count()).select_from(CheckIn)),
    ) == counts
    zones = set(db.session.scalars(select(Patient.timezone)))
    assert len(zones) >= 3
    login = client.post(
        "/api/v1/auth/login", json={"email": demo.CLINICIAN_EMAIL, "password": demo.DEMO_PASSWORD}
    )
    assert login.status_code == 200
    roster = client.get(
        "/api/v1/patients", headers={"Authorization": f"Bearer {login.json['token']}"}
    )
    assert len(roster.json["items"]) == 5


def test_seed_demo_is_refused_in_production(make_app):
    app = make_app(ENV_NAME="production")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused in production" in result.output


def test_create_clinician(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-clinician",
            "--clinic",
            "East Clinic",
            "--email",
            "Lead@East.test",
            "--password",
            "a-long-passphrase",
            "--admin",
            "--name",
            "Dr. Lee Lead",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User).where(User.email == "lead@east.test")).one()
    assert user.role == "admin"
    assert user.display_name == "Dr. Lee Lead"
    assert db.session.get(Clinic, user.clinic_id).name == "East Clinic"
    weak = runner.invoke(
        args=[
            "create-clinician",
            "--clinic",
            "East Clinic",
            "--email",
            "b@east.test",
            "--password",
            "short",
        ]
    )
    assert weak.exit_code != 0 and "10 characters" in weak.output
    too_long = runner.invoke(
        args=[
            "create-clinician",
            "--clinic",
            "East Clinic",
            "--email",
            "c@east.test",
            "--password",
            "a-long-passphrase",
            "--name",
            "N" * 121,
        ]
    )
    assert too_long.exit_code != 0 and "120 characters" in too_long.output
    assert db.session.scalar(select(User.id).where(User.email == "c@east.test")) is None
    taken = runner.invoke(
        args=[
            "create-clinician",
            "--clinic",
            "East Clinic",
            "--email",
            "d@east.test",
            "--password",
            "a-long-passphrase",
            "--name",
            " dr. lee LEAD ",
        ]
    )
    assert taken.exit_code != 0 and "goes by this name" in taken.output
    assert db.session.scalar(select(User.id).where(User.email == "d@east.test")) is None
    with_phone = runner.invoke(
        args=[
            "create-clinician",
            "--clinic",
            "East Clinic",
            "--email",
            "e@east.test",
            "--password",
            "a-long-passphrase",
            "--phone",
            "+1 555 0177",
        ]
    )
    assert with_phone.exit_code == 0, with_phone.output
    db.session.expire_all()
    assert db.session.get(Clinic, user.clinic_id).phone == "+1 555 0177"  # the clinic existed


def _demo_headers(client) -> dict[str, str]:
    login = client.post(
        "/api/v1/auth/login", json={"email": demo.CLINICIAN_EMAIL, "password": demo.DEMO_PASSWORD}
    )
    assert login.status_code == 200
    return {"Authorization": f"Bearer {login.json['token']}"}


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_has_a_course_per_patient_and_alerts_to_triage(app, client):
    assert demo.seed_demo()
    headers = _demo_headers(client)
    patients = {p.external_id: p for p in db.session.scalars(select(Patient))}

    for p in demo.DEMO_PATIENTS:
        patient = patients[p.external_id]
        sessions = db.session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.patient_id == patient.id)
            .order_by(TreatmentSession.started_at)
        ).all()
        assert len(sessions) == len(demo.infusion_days(p))
        assert [s.phase for s in sessions[:6]] == ["induction"] * 6
        assert {s.phase for s in sessions[6:]} <= {"maintenance"}
        for session in sessions:
            local = session.started_at.astimezone(ZoneInfo(p.timezone))
            assert (local.hour, local.minute) == (10, 0)
            assert session.dose_mg == round(0.5 * demo.WEIGHT_KG[p.external_id], 1)
            assert session.bp_peak_systolic > session.bp_peak_diastolic
            assert session.modality == "iv_infusion" and session.duration_min == 40
        responses = db.session.scalars(
            select(QuestionnaireResponse)
            .where(QuestionnaireResponse.patient_id == patient.id)
            .order_by(QuestionnaireResponse.submitted_at)
        ).all()
        first_session = sessions[0].started_at
        for instrument in ("phq9", "gad7"):
            mine = [r for r in responses if r.instrument == instrument]
            assert mine[0].local_date == patient.enrolled_at.astimezone(ZoneInfo(p.timezone)).date()
            assert any(r.submitted_at < first_session for r in mine)  # a baseline
            assert len(mine) >= 6
            for response in mine:
                assert sum(response.answers) == response.total
        item9 = [r for r in responses if r.instrument == "phq9" and r.answers[8] > 0]
        assert len(item9) == (1 if p.external_id == demo.ITEM9_PATIENT else 0)

        outcomes = client.get(f"/api/v1/patients/{patient.id}/outcomes", headers=headers)
        assert outcomes.status_code == 200
        assert len(outcomes.json["sessions"]) == len(sessions)
        for session in outcomes.json["sessions"]:
            assert set(session["durability"]) == set(outcomes.json["durability_scales"])
        phq9 = next(m for m in outcomes.json["measures"] if m["measure"] == "phq9")
        assert phq9["baseline"] is not None and phq9["latest"] is not None

    statuses = [
        d["status"]
        for pid in (p.id for p in patients.values())
        for s in client.get(f"/api/v1/patients/{pid}/outcomes", headers=headers).json["sessions"]
        for d in s["durability"].values()
    ]
    assert {"faded", "ongoing"} & set(statuses)

    inbox = client.get("/api/v1/alerts?status=open", headers=headers).json["items"]
    open_kinds = {(a["patient_name"], a["kind"]) for a in inbox}
    assert inbox[0]["severity"] == "urgent"
    assert ("Jordan Patel", "urgent") in open_kinds
    assert ("Sam Chen", "side_effect") in open_kinds
    assert ("Morgan Lee", "missed") in open_kinds  # adherence fades in the last days
    resolved = client.get("/api/v1/alerts?status=resolved", headers=headers).json["items"]
    assert resolved and all(a["resolution_note"] for a in resolved)


def test_the_demo_is_deterministic_and_nothing_is_dated_after_its_clock(app):
    today = date(2026, 3, 15)
    now = datetime.combine(today, time(12), UTC)

    def fingerprint():
        return (
            db.session.execute(
                select(CheckIn.local_date, CheckIn.mood, CheckIn.anxiety, CheckIn.pain)
                .join(Patient)
                .order_by(Patient.external_id, CheckIn.local_date)
            ).all(),
            db.session.execute(
                select(TreatmentSession.started_at, TreatmentSession.bp_peak_systolic)
                .join(Patient)
                .order_by(Patient.external_id, TreatmentSession.started_at)
            ).all(),
            db.session.execute(
                select(QuestionnaireResponse.submitted_at, QuestionnaireResponse.answers)
                .join(Patient)
                .order_by(Patient.external_id, QuestionnaireResponse.submitted_at)
            ).all(),
            db.session.execute(
                select(Alert.kind, Alert.status, Alert.raised_at)
                .join(Patient)
                .order_by(Patient.external_id, Alert.raised_at, Alert.kind)
            ).all(),
        )

    assert demo.seed_demo(today)
    first = fingerprint()
    assert max(c[0] for c in first[0]) <= today
    assert max(s[0] for s in first[1]) <= now
    assert max(q[0] for q in first[2]) <= now
    assert max(a[2] for a in first[3]) <= now
    assert _count(CheckIn, CheckIn.submitted_at > now) == 0
    assert _count(Alert, Alert.resolved_at > now) == 0

    _empty_all_tables()
    assert demo.seed_demo(today)

    assert fingerprint() == first


def test_alerts_missed_opens_each_alert_once(app, world):
    runner = app.test_cli_runner()
    later = "2030-01-10T12:00:00+00:00"
    first = runner.invoke(args=["alerts", "missed", "--now", later])
    again = runner.invoke(args=["alerts", "missed", "--now", later])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("2 missed")  # both enrolled patients never checked in
    assert again.output.startswith("0 missed")
    naive = runner.invoke(args=["alerts", "missed", "--now", "2030-01-10T12:00:00"])
    assert naive.exit_code != 0 and "offset" in naive.output
