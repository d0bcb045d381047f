"""Sign-in, enrolment, bearer tokens and sign-out."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from models import (
    AuthToken,
    Invitation,
    Patient,
    PushSubscription,
    SignInLockout,
    User,
    begin_write,
    db,
    utcnow,
)
from services import audit
from services.digests import invitation_digest, token_digest
from services.errors import AuthenticationFailed, ConflictError, InvalidInput, Throttled
from services.passwords import hash_password, needs_rehash, policy_problems, verify_password
from services.patients import require_staff, resolve_patient
from services.reminders.settings import recompute_next_due
from services.upsert import insert_for

# Failed sign-ins before the account locks; each further failure doubles the lock.
LOCK_AFTER_FAILURES = 5
LOCK_BASE = timedelta(minutes=1)
LOCK_MAX = timedelta(hours=1)
# How stale last_used_at may get before a request writes it again.
TOUCH_EVERY = timedelta(minutes=1)
# Every request's token lookup, built once: its user, clinic and patient come joined with it.
# The patient's clinic is the user's: it comes from the identity map when asked for, not from
# a second join of clinics.
_TOKEN_BY_DIGEST = (
    select(AuthToken)
    .where(AuthToken.token_hash == bindparam("digest"))
    .options(joinedload(AuthToken.user).joinedload(User.patient).lazyload(Patient.clinic))
)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    user: User


def _token_ttl(user: User) -> timedelta:
    cfg = current_app.config
    return cfg["STAFF_TOKEN_TTL"] if user.is_staff else cfg["PATIENT_TOKEN_TTL"]


def issue_token(user: User, now: datetime) -> IssuedToken:
    """Create a token for `user` in the current transaction; only its digest is stored."""
    raw = secrets.token_urlsafe(32)
    expires_at = now + _token_ttl(user)
    db.session.add(
        AuthToken(
            user_id=user.id, token_hash=token_digest(raw), expires_at=expires_at, last_used_at=now
        )
    )
    return IssuedToken(raw, expires_at, user)


def email_digest(email: str) -> str:
    """Keyed hash (HMAC-SHA-256 with SECRET_KEY) of a normalised email: how the sign-in
    lockout of an unknown email and the per-account rate limit name an email without keeping
    it (emails are guessable, so a plain hash would not hide them)."""
    key = current_app.config["SECRET_KEY"].encode()
    normal = email.strip().lower().encode()
    return hmac.new(key, b"sign-in:" + normal, hashlib.sha256).hexdigest()


def login(email: str, password: str, now: datetime | None = None) -> IssuedToken:
    """Check an email and password; the same answers whether the email has an account or not.

    An email without an account counts failures and locks exactly as an account does (a
    SignInLockout row keyed by `email_digest`), so a run of wrong passwords answers the same
    401s, then the same 429s with the same Retry-After, for both. The password is verified
    (argon2id, ~0.1 s of CPU; a dummy verification for an unknown email) before the write lock
    is taken, so on SQLite no check-in of the clinic waits for it; the account or the lockout
    record is read again under the lock, where the lockout and the hash that was checked are
    confirmed."""
    now = now or utcnow()
    email = email.strip().lower()
    digest = email_digest(email)
    found = db.session.scalar(select(User).where(User.email == email))
    checked = found.password_hash if found is not None else None
    seen: User | SignInLockout | None = (
        found if found is not None else db.session.get(SignInLockout, digest)
    )
    # Hash even for an unknown email (verify_password does with no hash): same time either way;
    # neither is verified while locked.
    valid = not _locked(seen, now) and verify_password(checked, password)
    rehashed = hash_password(password) if valid and needs_rehash(checked or "") else None
    begin_write()
    # The row is locked (FOR UPDATE OF users: its clinic and patient come outer-joined) so that
    # on PostgreSQL racing failures are all counted, as an unknown email's are.
    user = (
        db.session.get(User, found.id, populate_existing=True, with_for_update={"of": User})
        if found is not None
        else None
    )
    lockout = user if user is not None else _email_lockout(digest)
    if _locked(lockout, now):
        audit.record("auth.login_locked", actor=user, outcome="refused")
        db.session.commit()
        retry = int((lockout.locked_until - now).total_seconds()) + 1
        raise Throttled("Too many failed sign-ins: try again later.", retry_after=retry)
    if user is None or not user.active or not valid or user.password_hash != checked:
        _register_failure(lockout, now)
        audit.record("auth.login_failed", actor=user, outcome="refused")
        db.session.commit()
        raise AuthenticationFailed("Wrong email or password.")
    user.failed_logins = 0
    user.locked_until = None
    if rehashed is not None:
        user.password_hash = rehashed
    issued = issue_token(user, now)
    audit.record("auth.login", actor=user)
    db.session.commit()
    return issued


def _email_lockout(digest: str) -> SignInLockout:
    """The lockout record of an email without an account, created at its first failure and
    locked for the rest of the transaction (on PostgreSQL two workers racing on one email both
    count: the second waits for the first's row)."""
    db.session.execute(
        insert_for(SignInLockout.__table__)
        .values(email_digest=digest, failed_logins=0)
        .on_conflict_do_nothing(index_elements=["email_digest"])
    )
    return db.session.get(SignInLockout, digest, populate_existing=True, with_for_update=True)


def _locked(record: User | SignInLockout | None, now: datetime) -> bool:
    return record is not None and record.locked_until is not None and record.locked_until > now


def enroll(
    invite_code: str,
    password: str,
    timezone: str,
    email: str | None = None,
    now: datetime | None = None,
) -> IssuedToken:
    """A patient joins with a one-time invitation code, sets a password and gets a token.

    For a patient already enrolled, the code moves their account to this device (see
    `_move_to_new_device`)."""
    now = now or utcnow()
    errors: dict[str, list[str]] = {}
    if problems := policy_problems(password):
        errors["password"] = problems
    if errors:
        raise InvalidInput(errors)
    ZoneInfo(timezone)  # validated by the schema; raises on a bad zone
    # A code that cannot be used is refused at once; for one that may be, the password is
    # hashed (argon2id, ~0.1 s) before the write lock, as in `login`, and the code is read
    # again under the lock, where the claim below decides between racing enrolments.
    _usable_invitation(invite_code, now)
    password_hash = hash_password(password)
    begin_write()
    invitation = _usable_invitation(invite_code, now)
    patient = invitation.patient
    moving = patient.user_id is not None  # an enrolled patient's new-device invitation
    if email:
        email = email.strip().lower()
        owner = db.session.scalar(select(User.id).where(User.email == email))
        if owner is not None and owner != patient.user_id:
            raise InvalidInput({"email": ["This email is already in use."]})
    # Single use even when two enrolments race: only one UPDATE finds used_at empty.
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise InvalidInput({"invite_code": ["This invitation code has already been used."]})
    if moving:
        user = _move_to_new_device(patient, password_hash, email, now)
    else:
        user = User(
            clinic_id=patient.clinic_id,
            role="patient",
            email=email or None,
            password_hash=password_hash,
        )
        db.session.add(user)
        db.session.flush()
        patient.user_id = user.id
        patient.enrolled_at = now
    patient.timezone = timezone
    recompute_next_due(patient, now)  # reminders set up before enrolment follow the new zone
    issued = issue_token(user, now)
    audit.record("auth.reenroll" if moving else "auth.enroll", actor=user, patient_id=patient.id)
    db.session.commit()
    return issued


def authenticate(raw_token: str, now: datetime | None = None) -> User:
    """The active user behind a bearer token; slides patients' expiry, enforces staff idle time."""
    now = now or utcnow()
    token = db.session.scalar(_TOKEN_BY_DIGEST, {"digest": token_digest(raw_token)})
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        raise AuthenticationFailed()
    user = token.user
    if not user.active:
        raise AuthenticationFailed()
    if user.is_staff and token.last_used_at + current_app.config["STAFF_IDLE_TIMEOUT"] <= now:
        raise AuthenticationFailed("Signed out after a period of inactivity: sign in again.")
    if now - token.last_used_at >= TOUCH_EVERY:
        values: dict = {"last_used_at": now}
        if not user.is_staff:
            values["expires_at"] = now + _token_ttl(user)
        begin_write()
        db.session.execute(update(AuthToken).where(AuthToken.id == token.id).values(**values))
        db.session.commit()
    return user


def _usable_invitation(invite_code: str, now: datetime) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.code_hash == invitation_digest(invite_code))
        .execution_options(populate_existing=True)
    )
    if invitation is None or invitation.expires_at <= now:
        raise InvalidInput({"invite_code": ["This invitation code is not valid or has expired."]})
    if invitation.used_at is not None:
        raise InvalidInput({"invite_code": ["This invitation code has already been used."]})
    return invitation


def _move_to_new_device(
    patient: Patient, password_hash: str, email: str | None, now: datetime
) -> User:
    """An enrolled patient takes their account to a new device (a lost or replaced phone): a new
    password, the same history; every other device is signed out and stops getting reminders."""
    user = db.session.get(User, patient.user_id)
    if user is None or not user.active:
        raise ConflictError("This patient's account is deactivated.")
    user.password_hash = password_hash
    user.failed_logins, user.locked_until = 0, None
    if email:
        user.email = email
    sign_out_devices(patient, now)
    return user


@dataclass(frozen=True)
class SignedOut:
    tokens: int
    push_subscriptions: int


def sign_out_devices(patient: Patient, now: datetime) -> SignedOut:
    """Revoke every token of the patient and forget their devices' push subscriptions, in the
    current transaction."""
    tokens = 0
    if patient.user_id is not None:
        tokens = db.session.execute(
            update(AuthToken)
            .where(AuthToken.user_id == patient.user_id, AuthToken.revoked_at.is_(None))
            .values(revoked_at=now)
        ).rowcount
    removed = db.session.execute(
        delete(PushSubscription).where(PushSubscription.patient_id == patient.id)
    ).rowcount
    return SignedOut(tokens=tokens, push_subscriptions=removed)


def sign_out_patient(actor: User, pid: str | int, now: datetime | None = None) -> SignedOut:
    """A clinician signs a patient out everywhere (a lost phone): every token is revoked and the
    devices' push subscriptions are forgotten; the history stays. Audited."""
    require_staff(actor)
    now = now or utcnow()
    patient = resolve_patient(actor, pid)
    begin_write()
    result = sign_out_devices(patient, now)
    audit.record(
        "patient.sign_out_devices",
        actor=actor,
        patient_id=patient.id,
        resource=f"patients/{patient.id}",
    )
    db.session.commit()
    return result


def logout(raw_token: str, now: datetime | None = None) -> None:
    """Revoke one token (audited as the sign-out of its user)."""
    now = now or utcnow()
    begin_write()
    user_id = db.session.scalar(
        update(AuthToken)
        .where(AuthToken.token_hash == token_digest(raw_token), AuthToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(AuthToken.user_id)
    )
    if user_id is not None:
        audit.record("auth.logout", actor=db.session.get(User, user_id))
    db.session.commit()


def revoke_all_tokens(user: User, now: datetime | None = None) -> None:
    """Revoke every token of `user` (password change, deactivation), in the current transaction."""
    db.session.execute(
        update(AuthToken)
        .where(AuthToken.user_id == user.id, AuthToken.revoked_at.is_(None))
        .values(revoked_at=now or utcnow())
    )


def _register_failure(record: User | SignInLockout, now: datetime) -> None:
    """Count a wrong password on an account, or on an unknown email's lockout record; from
    LOCK_AFTER_FAILURES on, each failure doubles the lock."""
    record.failed_logins += 1
    if record.failed_logins >= LOCK_AFTER_FAILURES:
        doublings = min(record.failed_logins - LOCK_AFTER_FAILURES, 10)
        record.locked_until = now + min(LOCK_BASE * (2**doublings), LOCK_MAX)


def change_password(
    user: User, current_password: str, new_password: str, now: datetime | None = None
) -> IssuedToken:
    """Set a new password; every token of the user (this one too) is revoked, a new one issued.

    A wrong current password counts towards the same lockout as a failed sign-in, so a stolen
    token cannot be used to guess the password.
    """
    now = now or utcnow()
    # The hashing (two argon2id runs) happens before the write lock, as in `login`.
    account = db.session.get(User, user.id, populate_existing=True)
    checked = account.password_hash
    valid = not _locked(account, now) and verify_password(checked, current_password)
    new_hash = None
    if valid:
        problems = policy_problems(new_password)
        if new_password == current_password:
            problems.append("Choose a password different from the current one.")
        if problems:
            db.session.rollback()
            raise InvalidInput({"new_password": problems})
        new_hash = hash_password(new_password)
    begin_write()
    account = db.session.get(User, user.id, populate_existing=True)
    if _locked(account, now):
        audit.record("auth.password_change", actor=account, outcome="refused")
        db.session.commit()
        retry = int((account.locked_until - now).total_seconds()) + 1
        raise Throttled("Too many wrong passwords: try again later.", retry_after=retry)
    if new_hash is None or account.password_hash != checked:
        _register_failure(account, now)
        audit.record("auth.password_change", actor=account, outcome="refused")
        db.session.commit()
        raise InvalidInput({"current_password": ["This is not your current password."]})
    account.password_hash = new_hash
    account.failed_logins = 0
    account.locked_until = None
    revoke_all_tokens(account, now)
    issued = issue_token(account, now)
    audit.record("auth.password_change", actor=account)
    db.session.commit()
    return issued


STAFF_NAME_MAX = 120


def staff_name(value: str | None, clinic_id: int, user_id: int | None = None) -> str | None:
    """A staff member's display name as stored: trimmed, None when empty (their email shows).

    No two staff of a clinic share a name, whatever its case, deactivated ones included: the
    alert trail must tell who acknowledged and who resolved, and a colleague's name must not be
    taken on."""
    name = (value or "").strip() or None
    if name is None:
        return None
    if len(name) > STAFF_NAME_MAX:
        raise InvalidInput({"display_name": [f"At most {STAFF_NAME_MAX} characters."]})
    taken = db.session.scalar(
        select(User.id).where(
            User.clinic_id == clinic_id,
            User.id != user_id,
            func.lower(User.display_name) == name.lower(),
        )
    )
    if taken is not None:
        raise name_taken()
    return name


def name_taken() -> InvalidInput:
    """The answer when a colleague goes by the name: from the check above, or from the unique
    index (uq_users_clinic_display_name) when two writers raced past it."""
    return InvalidInput({"display_name": ["A colleague in this clinic goes by this name."]})


def create_staff(
    clinic_id: int,
    email: str,
    password: str,
    *,
    admin: bool = False,
    display_name: str | None = None,
) -> User:
    """Add a clinician (or an admin) to a clinic; the password must meet the policy. The
    display name is what colleagues read on the alert trail (the email when there is none)."""
    return new_staff(
        clinic_id,
        email,
        staff_password_hash(password),
        admin=admin,
        display_name=display_name,
    )


def staff_password_hash(password: str) -> str:
    """The stored hash of a new staff member's initial password, refused unless it meets the
    policy. Hashing takes ~0.1 s of argon2id: callers that hold the write lock call this first."""
    if problems := policy_problems(password):
        raise InvalidInput({"password": problems})
    return hash_password(password)


def new_staff(
    clinic_id: int,
    email: str,
    password_hash: str,
    *,
    admin: bool = False,
    display_name: str | None = None,
) -> User:
    """The staff row itself, flushed: email and name checked against the clinic's others."""
    display_name = staff_name(display_name, clinic_id)
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ConflictError("A user with this email exists.")
    user = User(
        clinic_id=clinic_id,
        role="admin" if admin else "clinician",
        email=email,
        display_name=display_name,
        password_hash=password_hash,
    )
    db.session.add(user)
    db.session.flush()
    return user
