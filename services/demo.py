"""The demo clinic: staff accounts and patients with months of realistic history.

Each demo patient follows a ketamine course: a pre-treatment baseline, an induction of six
infusions over about two weeks that lifts mood and eases anxiety and pain, and boosters when
the effect fades (clinical.md "Ketamine course facts"). Each infusion is recorded as a treatment
session with its monitoring; PHQ-9 and GAD-7 are answered at enrolment, at the evaluation the
day before the first infusion, and every 14 days, with totals that follow the daily scores; and
the real alert rules run over the history in time order, the clinic handling what is older than
a week, so the inbox holds the last week's alerts. Deterministic for a given `today`.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clinical.daily import SIDE_EFFECTS
from clinical.instruments import score
from clinical.schedule import DEFAULT_INTERVAL_DAYS
from models import (
    Alert,
    CheckIn,
    CheckInRevision,
    Clinic,
    Patient,
    QuestionnaireRequest,
    QuestionnaireResponse,
    TreatmentSession,
    User,
    db,
)
from services import alerts
from services.passwords import hash_password

DEMO_CLINIC = "Demo Ketamine Clinic"
DEMO_PHONE = "+1 555 0100"
DEMO_PASSWORD = "demo-password-123"  # noqa: S105 - documented demo account, refused in production
CLINICIAN_EMAIL = "demo@clinic.example"
CLINICIAN_NAME = "Dr. Dana Demo"
ADMIN_NAME = "Alex Admin"
ADMIN_EMAIL = "admin@clinic.example"
HISTORY_DAYS = 120


@dataclass(frozen=True)
class DemoPatient:
    display_name: str
    external_id: str
    timezone: str
    email: str
    # Day (0 = first day of history) of the first infusion, and the patient's profile.
    first_infusion_day: int
    responder: float  # 0 none .. 1 strong
    pain_patient: bool
    adherence: float  # chance of checking in on a given day


DEMO_PATIENTS = (
    DemoPatient(
        "Alex Rivera", "MRN-1001", "America/New_York", "alex@patient.example", 30, 0.9, False, 0.95
    ),
    DemoPatient(
        "Sam Chen", "MRN-1002", "America/Los_Angeles", "sam@patient.example", 45, 0.6, True, 0.85
    ),
    DemoPatient(
        "Jordan Patel",
        "MRN-1003",
        "America/Chicago",
        "jordan@patient.example",
        60,
        0.3,
        False,
        0.75,
    ),
    DemoPatient(
        "Taylor Brooks", "MRN-1004", "Europe/London", "taylor@patient.example", 20, 0.8, True, 0.9
    ),
    DemoPatient(
        "Morgan Lee", "MRN-1005", "America/Denver", "morgan@patient.example", 75, 0.0, False, 0.6
    ),
)


# A realistic weight per patient, for the 0.5 mg/kg dose (clinical.md "Ketamine course facts").
WEIGHT_KG = {
    "MRN-1001": 78.0,
    "MRN-1002": 64.0,
    "MRN-1003": 92.0,
    "MRN-1004": 58.5,
    "MRN-1005": 71.0,
}
DOSE_MG_PER_KG = 0.5
INFUSION_MINUTES = 40
INDUCTION_INFUSIONS = 6
# The one recent PHQ-9 with item 9 answered 1 (an open urgent alert), and the patient whose
# most recent check-in reports a severe side effect (bladder pain: ketamine cystitis).
ITEM9_PATIENT = "MRN-1003"
SEVERE_SIDE_EFFECT_PATIENT = "MRN-1002"
# Alerts raised more than a week before the seed's clock were handled by the clinic.
HANDLED_AFTER = timedelta(days=7)
RESOLUTION_NOTES = {
    "urgent": "Same-day call; C-SSRS screen; safety plan reviewed with the patient.",
    "worsening": "Reviewed with the patient by phone; discussed at the next visit.",
    "decline": "Trend reviewed with the patient; booster timing discussed.",
    "missed": "Reached the patient; check-ins resumed.",
    "side_effect": "Called the patient; advice given; symptoms settled.",
}
# Items in the order they are most often endorsed (PHQ-9 items 1-8; item 9 stays 0).
PHQ9_ITEM_ORDER = (1, 0, 3, 2, 6, 5, 4, 7)
GAD7_ITEM_ORDER = (0, 1, 2, 3, 5, 4, 6)


def infusion_days(p: DemoPatient) -> list[int]:
    """Induction: 6 infusions over about 2 weeks; then boosters every 3-4 weeks."""
    days = [p.first_infusion_day + offset for offset in (0, 2, 4, 7, 9, 11)]
    day = days[-1] + 24
    while day < HISTORY_DAYS - 3:
        days.append(day)
        day += 26
    return days


def _effect(p: DemoPatient, day: int, infusions: list[int]) -> float:
    """Relief 0..1 on `day`: rises after each infusion, fades over about a week or more."""
    relief = 0.0
    for index, start in enumerate(d for d in infusions if d <= day):
        age = day - start
        half_life = 6 + 2 * min(index, 5)  # effects last longer as the course goes on
        relief = max(relief, 0.5 ** (age / half_life) + 0.08 * min(index, 5))
    return min(1.0, relief * p.responder)


def daily_scores(p: DemoPatient, day: int, rng: random.Random) -> tuple[int, int, int]:
    infusions = infusion_days(p)
    relief = _effect(p, day, infusions)
    mood = 3 + 5 * relief + rng.gauss(0, 0.8)
    anxiety = 7 - 4.5 * relief + rng.gauss(0, 0.8)
    pain = (7 - 4 * relief if p.pain_patient else 2 - relief) + rng.gauss(0, 0.7)
    clamp = lambda v: max(0, min(10, round(v)))  # noqa: E731
    return clamp(mood), clamp(anxiety), clamp(pain)


def questionnaire_days(p: DemoPatient) -> list[int]:
    """Enrolment (baseline), every 14 days, and the evaluation the day before the first infusion
    (asked for by the clinician); a scheduled one in the week before the evaluation is skipped."""
    evaluation = p.first_infusion_day - 1
    before = [d for d in range(0, evaluation, DEFAULT_INTERVAL_DAYS) if evaluation - d >= 7]
    after = range(evaluation + DEFAULT_INTERVAL_DAYS, HISTORY_DAYS, DEFAULT_INTERVAL_DAYS)
    return [*before, evaluation, *after]


def seed_demo(today: date | None = None) -> bool:
    """Create the demo clinic once; answers False when it already exists (idempotent).

    `today` is the last day of history in every patient's zone. By default it is the latest
    date that has begun in all of them, and nothing is dated after the clock (`now`); with a
    given `today` the clock is noon UTC of that day.
    """
    if db.session.scalar(select(Clinic.id).where(Clinic.name == DEMO_CLINIC)) is not None:
        return False
    now = datetime.now(UTC) if today is None else datetime.combine(today, time(12), UTC)
    today = today or min(now.astimezone(ZoneInfo(p.timezone)).date() for p in DEMO_PATIENTS)
    clinic = Clinic(name=DEMO_CLINIC, phone=DEMO_PHONE, timezone="America/New_York")
    db.session.add(clinic)
    db.session.flush()
    password_hash = hash_password(DEMO_PASSWORD)
    clinician, admin = (
        User(
            clinic_id=clinic.id,
            role=role,
            email=email,
            display_name=name,
            password_hash=password_hash,
        )
        for role, email, name in (
            ("clinician", CLINICIAN_EMAIL, CLINICIAN_NAME),
            ("admin", ADMIN_EMAIL, ADMIN_NAME),
        )
    )
    db.session.add_all([clinician, admin])
    db.session.flush()
    start = today - timedelta(days=HISTORY_DAYS - 1)
    for index, p in enumerate(DEMO_PATIENTS):
        rng = random.Random(index)  # noqa: S311 - demo data
        patient, checkins = _seed_patient(
            clinic, clinician, p, start, today, now, password_hash, rng
        )
        course_rng = random.Random(1000 + index)  # noqa: S311 - demo data
        _seed_course(patient, clinician, p, start, now, checkins, course_rng)
    alerts.raise_missed_checkins(now, clinic_id=clinic.id)
    db.session.commit()
    return True


def _seed_patient(
    clinic: Clinic,
    clinician: User,
    p: DemoPatient,
    start: date,
    today: date,
    now: datetime,
    password_hash: str,
    rng: random.Random,
) -> tuple[Patient, list[tuple[CheckInRevision, CheckIn]]]:
    zone = ZoneInfo(p.timezone)
    checkins: list[tuple[CheckInRevision, CheckIn]] = []
    enrolled_at = datetime.combine(start, time(10), zone).astimezone(UTC)
    user = User(clinic_id=clinic.id, role="patient", email=p.email, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    patient = Patient(
        clinic_id=clinic.id,
        user_id=user.id,
        display_name=p.display_name,
        external_id=p.external_id,
        timezone=p.timezone,
        enrolled_at=enrolled_at,
        created_at=enrolled_at - timedelta(days=1),
        created_by_id=clinician.id,
    )
    db.session.add(patient)
    db.session.flush()
    last_day = (today - start).days
    for day in range(last_day + 1):
        # Adherence fades in the last days for the least adherent patient (a missed-check-in case).
        if rng.random() > p.adherence or (p.adherence < 0.7 and day > last_day - 4):
            continue
        local_date = start + timedelta(days=day)
        mood, anxiety, pain = daily_scores(p, day, rng)
        side_effects = []
        if day in infusion_days(p) or (day - 1) in infusion_days(p):
            name = rng.choice(["nausea", "dizziness", "dissociation", "headache", "drowsiness"])
            side_effects.append(
                {"name": name, "severity": rng.choice(["mild", "mild", "moderate"])}
            )
        assert all(item["name"] in SIDE_EFFECTS for item in side_effects)
        submitted = datetime.combine(local_date, time(19, rng.randrange(60)), zone).astimezone(UTC)
        if submitted > now:  # this evening's check-in has not happened yet
            continue
        revision = CheckInRevision(
            patient_id=patient.id,
            submit_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            local_date=local_date,
            mood=mood,
            anxiety=anxiety,
            pain=pain,
            side_effects=side_effects,
            submitted_at=submitted,
            revision=1,
        )
        db.session.add(revision)
        db.session.flush()
        checkin = CheckIn(
            patient_id=patient.id,
            local_date=local_date,
            mood=mood,
            anxiety=anxiety,
            pain=pain,
            side_effects=side_effects,
            submitted_at=submitted,
            current_revision_id=revision.id,
        )
        db.session.add(checkin)
        checkins.append((revision, checkin))
    return patient, checkins


def _seed_course(
    patient: Patient,
    clinician: User,
    p: DemoPatient,
    start: date,
    now: datetime,
    checkins: list[tuple[CheckInRevision, CheckIn]],
    rng: random.Random,
) -> None:
    """Sessions, questionnaires, a recent severe side effect, then the alert rules in order."""
    if p.external_id == SEVERE_SIDE_EFFECT_PATIENT and checkins:
        revision, checkin = checkins[-1]
        severe = {"name": "bladder_pain", "severity": "severe"}
        revision.side_effects = [*revision.side_effects, severe]
        checkin.side_effects = [*checkin.side_effects, severe]
    _seed_sessions(patient, clinician, p, start, rng)
    responses = _seed_questionnaires(patient, clinician, p, start, now, checkins, rng)
    db.session.flush()
    _replay_alert_rules(patient, clinician, now, checkins, responses)


def _seed_sessions(
    patient: Patient, clinician: User, p: DemoPatient, start: date, rng: random.Random
) -> None:
    """One IV infusion on each of `infusion_days(p)`, at 10:00 local, with its monitoring."""
    zone = ZoneInfo(p.timezone)
    weight = WEIGHT_KG[p.external_id]
    for number, day in enumerate(infusion_days(p), start=1):
        local_date = start + timedelta(days=day)
        started = datetime.combine(local_date, time(10), zone).astimezone(UTC)
        induction = number <= INDUCTION_INFUSIONS
        pre_sys, pre_dia, hr_pre = rng.randint(112, 134), rng.randint(68, 84), rng.randint(62, 84)
        side_effects = []
        roll = rng.random()
        if roll < 0.2:
            side_effects.append({"name": "nausea", "severity": "mild"})
        elif roll < 0.3:
            side_effects.append({"name": "dizziness", "severity": "mild"})
        elif roll < 0.35:
            side_effects.append({"name": "headache", "severity": "moderate"})
        discharged = started + timedelta(minutes=INFUSION_MINUTES + rng.randint(50, 80))
        db.session.add(
            TreatmentSession(
                patient_id=patient.id,
                started_at=started,
                local_date=local_date,
                modality="iv_infusion",
                route="iv",
                phase="induction" if induction else "maintenance",
                dose_mg=round(DOSE_MG_PER_KG * weight, 1),
                dose_mg_per_kg=DOSE_MG_PER_KG,
                duration_min=INFUSION_MINUTES,
                bp_pre_systolic=pre_sys,
                bp_pre_diastolic=pre_dia,
                bp_peak_systolic=pre_sys + rng.randint(8, 26),
                bp_peak_diastolic=pre_dia + rng.randint(4, 12),
                bp_discharge_systolic=pre_sys + rng.randint(-4, 8),
                bp_discharge_diastolic=pre_dia + rng.randint(-3, 5),
                hr_pre=hr_pre,
                hr_peak=hr_pre + rng.randint(4, 18),
                hr_discharge=hr_pre + rng.randint(-4, 6),
                spo2_min=rng.randint(94, 99),
                # CADSS total: more dissociation early in the course.
                dissociation_score=rng.randint(12, 30) if number <= 3 else rng.randint(4, 18),
                dissociation_scale="CADSS",
                side_effects=side_effects,
                discharged_at=discharged,
                notes=(
                    f"Induction infusion {number} of {INDUCTION_INFUSIONS}."
                    if induction
                    else "Maintenance booster."
                ),
                recorded_by_id=clinician.id,
                created_at=discharged,
                updated_at=discharged,
            )
        )


def _recent_mean(
    checkins: list[tuple[CheckInRevision, CheckIn]], scale: str, on: date, fallback: float
) -> float:
    """Mean daily score over the 14 days ending on `on` (the instruments' recall period)."""
    values = [
        getattr(c, scale) for _, c in checkins if on - timedelta(days=13) <= c.local_date <= on
    ]
    return sum(values) / len(values) if values else fallback


def _spread(total: int, order: tuple[int, ...], items: int, rng: random.Random) -> list[int]:
    """Item answers (0-3) adding up to `total`, the most often endorsed items first."""
    answers = [0] * items
    ranked = list(order)
    swap = rng.randrange(len(ranked) - 1)
    ranked[swap], ranked[swap + 1] = ranked[swap + 1], ranked[swap]
    step = 0
    while total > 0:
        item = ranked[step % len(ranked)]
        if answers[item] < 3:
            answers[item] += 1
            total -= 1
        step += 1
    return answers


def _seed_questionnaires(
    patient: Patient,
    clinician: User,
    p: DemoPatient,
    start: date,
    now: datetime,
    checkins: list[tuple[CheckInRevision, CheckIn]],
    rng: random.Random,
) -> list[QuestionnaireResponse]:
    """PHQ-9 and GAD-7 on `questionnaire_days(p)`, their totals following the daily scores."""
    zone = ZoneInfo(p.timezone)
    evaluation = p.first_infusion_day - 1
    last_day = HISTORY_DAYS - 1
    days = [d for d in questionnaire_days(p) if not (p.adherence < 0.7 and d > last_day - 4)]
    responses = []
    for day in days:
        local_date = start + timedelta(days=day)
        if day == 0:
            at = datetime.combine(local_date, time(10, 30), zone)  # at enrolment
        elif day == evaluation:
            at = datetime.combine(local_date, time(18), zone)
        else:
            at = datetime.combine(local_date, time(20, 15 + rng.randrange(30)), zone)
        submitted = at.astimezone(UTC)
        if submitted > now:
            continue
        relief = _effect(p, day, infusion_days(p))
        mood = _recent_mean(checkins, "mood", local_date, 3 + 5 * relief)
        anxiety = _recent_mean(checkins, "anxiety", local_date, 7 - 4.5 * relief)
        # Mood 3 (the untreated level) reads as PHQ-9 ~17, mood 8 as ~2; anxiety 7 as GAD-7 ~13.
        phq9_total = max(0, min(24, round(17 - 3 * (mood - 3) + rng.gauss(0, 0.8))))
        gad7_total = max(0, min(21, round(13 - 2.2 * (7 - anxiety) + rng.gauss(0, 0.8))))
        phq9 = _spread(phq9_total, PHQ9_ITEM_ORDER, 9, rng)
        if p.external_id == ITEM9_PATIENT and day == days[-1]:
            phq9[8] = 1  # thoughts of being better off dead, several days
        gad7 = _spread(gad7_total, GAD7_ITEM_ORDER, 7, rng)
        for instrument, answers in (("phq9", phq9), ("gad7", gad7)):
            scored = score(instrument, answers)
            if day == evaluation:
                requested = datetime.combine(local_date, time(9), zone).astimezone(UTC)
                db.session.add(
                    QuestionnaireRequest(
                        patient_id=patient.id,
                        instrument=instrument,
                        requested_at=requested,
                        requested_by_id=clinician.id,
                        fulfilled_at=submitted,
                    )
                )
            response = QuestionnaireResponse(
                patient_id=patient.id,
                instrument=instrument,
                answers=answers,
                total=scored.total,
                severity=scored.severity,
                # The unscored difficulty follow-up, asked when any item is above 0.
                difficulty=(
                    min(3, scored.total // 7) if instrument == "phq9" and scored.total else None
                ),
                submit_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                submitted_at=submitted,
                local_date=local_date,
            )
            db.session.add(response)
            responses.append(response)
    return responses


def _replay_alert_rules(
    patient: Patient,
    clinician: User,
    now: datetime,
    checkins: list[tuple[CheckInRevision, CheckIn]],
    responses: list[QuestionnaireResponse],
) -> None:
    """Run the alert rules over the history as the answers arrived; the clinic acknowledges and
    resolves (with a note) each alert within a day, except those of the last week."""
    events: list[tuple[datetime, int, CheckInRevision | QuestionnaireResponse]] = [
        (revision.submitted_at, revision.id, revision) for revision, _ in checkins
    ]
    events += [(r.submitted_at, r.id, r) for r in responses]
    events.sort(key=lambda event: (event[0], isinstance(event[2], QuestionnaireResponse), event[1]))
    cutoff = now - HANDLED_AFTER
    previous: dict[str, int] = {}
    for at, _, item in events:
        _handle_alerts(patient, clinician, min(at - timedelta(days=1), cutoff))
        if isinstance(item, CheckInRevision):
            alerts.evaluate_checkin(patient, item, at)
        else:
            alerts.evaluate_questionnaire(
                patient,
                item.instrument,
                item.answers,
                item.total,
                previous.get(item.instrument),
                item.id,
                at,
            )
            previous[item.instrument] = item.total
    _handle_alerts(patient, clinician, cutoff)


def _handle_alerts(patient: Patient, clinician: User, raised_before: datetime) -> None:
    """The clinician acknowledges within 2 hours and resolves within the day, with a note."""
    for alert in db.session.scalars(
        select(Alert).where(
            Alert.patient_id == patient.id,
            Alert.open_kind.is_not(None),
            Alert.raised_at <= raised_before,
        )
    ):
        alert.status = "resolved"
        alert.open_kind = None
        alert.acknowledged_at = alert.raised_at + timedelta(hours=2)
        alert.acknowledged_by_id = clinician.id
        alert.resolved_at = alert.raised_at + timedelta(hours=20)
        alert.resolved_by_id = clinician.id
        alert.resolution_note = RESOLUTION_NOTES[alert.kind]
    db.session.flush()  # the next rule's INSERT ... ON CONFLICT must see the alert closed
