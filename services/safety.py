"""Safety signals in answers: the crisis resources the patient must see at once."""

from clinical.safety import crisis_resources, has_safety_signal
from models import CheckInRevision, User


def checkin_crisis_resources(actor: User, revision: CheckInRevision) -> list[dict] | None:
    """Crisis resources for a check-in that reports self-harm thoughts, else None."""
    if not has_safety_signal(self_harm_thoughts=revision.self_harm_thoughts):
        return None
    clinic = actor.clinic
    return crisis_resources(clinic.name, clinic.phone)
