"""Clinic staff management by the clinic's admins: who has access, their names, and taking
access away. Staff may also set their own display name."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models import STAFF_ROLES, User, begin_write, db, utcnow
from services import audit
from services.auth import name_taken, new_staff, revoke_all_tokens, staff_name, staff_password_hash
from services.errors import ConflictError, InvalidInput, NotFoundError, PermissionDenied


def require_admin(actor: User) -> None:
    if actor.role != "admin":
        raise PermissionDenied("Only a clinic admin may do this.")


def list_staff(actor: User) -> list[User]:
    """The clinicians and admins of the admin's own clinic, by email."""
    require_admin(actor)
    staff = list(
        db.session.scalars(
            select(User)
            .where(User.clinic_id == actor.clinic_id, User.role.in_(STAFF_ROLES))
            .order_by(User.email, User.id)
        )
    )
    begin_write()
    audit.record("users.read", actor=actor, resource="users")
    db.session.commit()
    return staff


def _clinic_staff(actor: User, user_id: int) -> User:
    """A clinician or admin of the actor's clinic; anyone else's id answers 404."""
    user = db.session.scalar(
        select(User).where(
            User.id == user_id, User.clinic_id == actor.clinic_id, User.role.in_(STAFF_ROLES)
        )
    )
    if user is None:
        raise NotFoundError("User not found.")
    return user


def add_staff(
    actor: User, email: str, password: str, *, role: str, display_name: str | None = None
) -> User:
    """An admin adds a clinician or an admin to their own clinic, with an initial password the
    colleague changes under Account (the password policy applies). Audited."""
    require_admin(actor)
    if role not in STAFF_ROLES:
        raise InvalidInput({"role": [f"One of: {', '.join(STAFF_ROLES)}."]})
    password_hash = staff_password_hash(password)  # argon2id, before the write lock
    begin_write()
    try:
        user = new_staff(
            actor.clinic_id, email, password_hash, admin=role == "admin", display_name=display_name
        )
    except IntegrityError:  # a racing writer took the email or the name: its row decided
        db.session.rollback()
        if db.session.scalar(select(User.id).where(User.email == email.strip().lower())):
            raise ConflictError("A user with this email exists.") from None
        raise name_taken() from None
    audit.record("user.create", actor=actor, resource=f"users/{user.id}")
    db.session.commit()
    return user


def rename_staff(actor: User, user_id: int, display_name: str | None) -> User:
    """Set the name colleagues read on the alert trail (trimmed; empty shows the email).

    Staff may rename themselves; admins anyone of their own clinic (anyone else's id answers
    404). Audited, with "unchanged" when the name was already so.
    """
    if not actor.is_staff or (user_id != actor.id and actor.role != "admin"):
        raise PermissionDenied("Only a clinic admin may rename a colleague.")
    begin_write()
    user = _clinic_staff(actor, user_id)
    name = staff_name(display_name, user.clinic_id, user.id)
    changed = user.display_name != name
    user.display_name = name
    audit.record(
        "user.rename",
        actor=actor,
        resource=f"users/{user.id}",
        outcome="ok" if changed else "unchanged",
    )
    try:
        db.session.commit()
    except IntegrityError:  # a colleague took the name at the same moment: their row decided
        db.session.rollback()
        raise name_taken() from None
    return user


def deactivate_user(actor: User, user_id: int, now: datetime | None = None) -> User:
    """Take a staff member's access away at once: inactive, and every token revoked.

    Only within the admin's clinic (anyone else's id answers 404); an admin cannot lock
    themself out. Deactivating an inactive user changes nothing.
    """
    require_admin(actor)
    begin_write()
    user = _clinic_staff(actor, user_id)
    if user.id == actor.id:
        raise ConflictError("You cannot deactivate your own account.")
    changed = user.active
    user.active = False
    revoke_all_tokens(user, now or utcnow())
    audit.record(
        "user.deactivate",
        actor=actor,
        resource=f"users/{user.id}",
        outcome="ok" if changed else "unchanged",
    )
    db.session.commit()
    return user
