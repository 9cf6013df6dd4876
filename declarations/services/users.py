"""Users: creation, scopes and sign-in with throttling."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from declarations.models import ROLES, Agency, Person, User
from declarations.services import audit
from declarations.services.audit import Actor
from etl.text import label_key, nfc


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def get_or_create_agency(session: Session, name: str, *, parent: Agency | None = None) -> Agency:
    """The agency whose name matches `name` (case, diacritics, spacing ignored), created if new."""
    key = label_key(name)
    if not key:
        raise UserError("agency name is empty")
    agency = session.scalar(sa.select(Agency).where(Agency.name_key == key))
    if agency is None:
        agency = Agency(name=nfc(name), name_key=key, parent=parent)
        session.add(agency)
        session.flush()
    return agency


def create_user(session: Session, username: str, *, role: str, password: str, actor: Actor,
                full_name: str | None = None, email: str | None = None, agencies: list[str] = (),
                cccd: str | None = None) -> User:
    """Create a user with a role and its scope (agencies for officers and inspectors, a CCCD for a declarant)."""
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise UserError("password must have at least 8 characters")
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise UserError(f"user {username!r} exists")
    user = User(username=username, role=role, password_hash=generate_password_hash(password),
                full_name=full_name, email=email)
    if role in ("agency_officer", "inspector"):
        if role == "agency_officer" and not agencies:
            raise UserError("an agency officer needs at least one --agency")
        user.agencies = [get_or_create_agency(session, name) for name in agencies]
    if role == "declarant":
        if not cccd:
            raise UserError("a declarant is tied to a person: give --cccd")
        from etl.parsers import ParseError, parse_identity

        try:
            identity = parse_identity(cccd)
        except ParseError as exc:
            raise UserError(f"bad CCCD {cccd!r}: {exc.message_en}") from None
        column = Person.cccd if identity.kind == "cccd" else Person.cmnd
        person = session.scalar(sa.select(Person).where(column == identity.number))
        if person is None:
            person = Person(full_name=nfc(full_name or username), name_key=nfc(full_name or username).casefold(),
                            **{identity.kind: identity.number})
            session.add(person)
            session.flush()
        user.person_id = person.id
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
                 summary=username, after={"username": username, "role": role, "agencies": list(agencies),
                                          "cccd": cccd})
    return user


class LoginThrottled(Exception):
    """Too many failed sign-ins: the account is locked for a while."""


def authenticate(session: Session, username: str, password: str, *, max_failures: int,
                 lock_seconds: int) -> User | None:
    """The user if the password is right; counts failures and locks the account after too many."""
    user = session.scalar(sa.select(User).where(User.username == username))
    now = datetime.now(timezone.utc)
    if user is None:
        return None
    locked = user.locked_until
    if locked is not None and locked.tzinfo is None:
        locked = locked.replace(tzinfo=timezone.utc)
    if locked is not None and locked > now:
        raise LoginThrottled(locked)
    if not user.active or not check_password_hash(user.password_hash, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= max_failures:
            user.locked_until = now + timedelta(seconds=lock_seconds)
            user.failed_logins = 0
            audit.record(session, actor=audit.SYSTEM, action="user.lock", object_type="user", object_id=user.id,
                         summary=f"{max_failures} failed sign-ins")
        session.flush()
        return None
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record(session, actor=user, action="user.login", object_type="user", object_id=user.id)
    return user


def set_user_agencies(session: Session, user: User, agency_ids: list[int], *, actor: Actor) -> User:
    """Scope an agency officer or an inspector to these agencies (the chief inspector's assignment), audited."""
    if user.role not in ("agency_officer", "inspector"):
        raise UserError("only agency officers and inspectors are scoped to agencies")
    agencies = list(session.scalars(sa.select(Agency).where(Agency.id.in_(agency_ids)).order_by(Agency.name)))
    if len(agencies) != len(set(agency_ids)):
        raise UserError("unknown agency")
    if user.role == "agency_officer" and not agencies:
        raise UserError("an agency officer needs at least one agency")
    before = sorted(a.name for a in user.agencies)
    user.agencies = agencies
    session.flush()
    audit.record(session, actor=actor, action="user.scope", object_type="user", object_id=user.id,
                 summary=user.username, before={"agencies": before}, after={"agencies": [a.name for a in agencies]})
    return user


def update_user(session: Session, user: User, *, actor: Actor, role: str | None = None,
                full_name: str | None = None, email: str | None = None, active: bool | None = None,
                password: str | None = None) -> User:
    """Change a user's role, name, e-mail, active flag or password, audited (the password is never logged)."""
    before = {"role": user.role, "full_name": user.full_name, "email": user.email, "active": user.active}
    if role is not None and role not in ROLES:
        raise UserError(f"unknown role {role!r}")
    if role is not None and role != user.role:
        if role == "declarant" and user.person_id is None:
            raise UserError("a declarant is tied to a person: create a new declarant user with a CCCD")
        if role == "agency_officer" and not user.agencies:
            raise UserError("an agency officer needs at least one agency")
        if role not in ("agency_officer", "inspector"):
            user.agencies = []
        user.role = role
    if full_name is not None:
        user.full_name = full_name or None
    if email is not None:
        user.email = email or None
    if active is not None:
        user.active = active
    if password:
        if len(password) < 8:
            raise UserError("password must have at least 8 characters")
        user.password_hash = generate_password_hash(password)
    session.flush()
    after = {"role": user.role, "full_name": user.full_name, "email": user.email, "active": user.active}
    audit.record(session, actor=actor, action="user.update", object_type="user", object_id=user.id,
                 summary=user.username + (" (password reset)" if password else ""),
                 before=before, after=after)
    return user
