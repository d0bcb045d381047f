"""SQLAlchemy entities, one module per aggregate. Imports no application code."""

from models.appointments import Appointment
from models.audit import AuditEvent
from models.auth import AuthToken, Invitation, SignInLockout
from models.base import Base, UTCDateTime, db, utcnow
from models.checkin import CheckIn, CheckInRevision
from models.clinic import ROLES, STAFF_ROLES, Clinic, Patient, User
from models.clinical import (
    Alert,
    QuestionnaireRequest,
    QuestionnaireResponse,
    TreatmentSession,
    TreatmentSessionRevision,
)
from models.engine import begin_write, configure_engine
from models.reminders import PushSubscription, ReminderDelivery, ReminderSettings

__all__ = [
    "ROLES",
    "begin_write",
    "configure_engine",
    "STAFF_ROLES",
    "Alert",
    "Appointment",
    "AuditEvent",
    "AuthToken",
    "Base",
    "CheckIn",
    "CheckInRevision",
    "Clinic",
    "Invitation",
    "Patient",
    "PushSubscription",
    "QuestionnaireRequest",
    "QuestionnaireResponse",
    "ReminderDelivery",
    "ReminderSettings",
    "SignInLockout",
    "TreatmentSession",
    "TreatmentSessionRevision",
    "UTCDateTime",
    "User",
    "db",
    "utcnow",
]
