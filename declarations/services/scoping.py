"""What a user may see: the one place that turns a role and its scope into SQL conditions.

A declarant sees their own person (and the CMND records linked to it); an agency officer and an
inspector see the agencies in `user_agencies`; the chief inspector and the administrator see all.
Every view asks here; an object outside the scope is answered as if it did not exist (404).
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import (AGENCY_SCOPED_ROLES, Case, Declaration, ExplanationRequest, Person, User)

#: roles that review cases (the workflow's actors besides the declarant)
REVIEWER_ROLES = ("inspector", "chief_inspector")
#: roles that may read the review queue and case pages
CASE_READER_ROLES = ("inspector", "chief_inspector", "admin")


def sees_all(user: User) -> bool:
    return user.role in ("chief_inspector", "admin")


def agency_scope(user: User) -> set[int] | None:
    """The agencies the user may see, or None for all of them; empty for a declarant."""
    if sees_all(user):
        return None
    if user.role in AGENCY_SCOPED_ROLES:
        return set(user.agency_ids)
    return set()


def own_person_ids(session: Session, user: User) -> set[int]:
    """A declarant's person record and the records found to be the same person."""
    if user.role != "declarant" or user.person_id is None:
        return set()
    linked = session.scalars(sa.select(Person.id).where(Person.canonical_id == user.person_id))
    return {user.person_id, *linked}


def _condition(session: Session, user: User, agency_col, person_col):
    if sees_all(user):
        return sa.true()
    if user.role == "declarant":
        ids = own_person_ids(session, user)
        return person_col.in_(ids) if ids else sa.false()
    ids = agency_scope(user)
    return agency_col.in_(ids) if ids else sa.false()


def declaration_filter(session: Session, user: User):
    """SQL condition on Declaration: the declarations the user may read."""
    return _condition(session, user, Declaration.agency_id, Declaration.person_id)


def case_filter(session: Session, user: User):
    """SQL condition on Case: only reviewers (in their agencies) and all-seeing roles read cases."""
    if user.role not in CASE_READER_ROLES:
        return sa.false()
    return _condition(session, user, Case.agency_id, Case.person_id)


def visible_case(session: Session, user: User, case_id: int) -> Case | None:
    """The case if it exists and the user may read it, else None."""
    return session.scalar(sa.select(Case).where(Case.id == case_id, case_filter(session, user)))


def visible_declaration(session: Session, user: User, declaration_id: int) -> Declaration | None:
    return session.scalar(sa.select(Declaration).where(Declaration.id == declaration_id,
                                                       declaration_filter(session, user)))


def can_see_case(session: Session, user: User, case: Case) -> bool:
    if user.role not in CASE_READER_ROLES:
        return False
    if sees_all(user):
        return True
    return case.agency_id is not None and case.agency_id in (agency_scope(user) or set())


def can_act_on_case(session: Session, user: User, case: Case) -> bool:
    """Reviewers act on the cases they may read; the administrator reads but does not review."""
    return user.role in REVIEWER_ROLES and can_see_case(session, user, case)


def visible_explanation(session: Session, user: User, request_id: int) -> ExplanationRequest | None:
    """An explanation request: the declarant it is addressed to, or whoever may read its case."""
    req = session.get(ExplanationRequest, request_id)
    if req is None:
        return None
    case = session.get(Case, req.case_id)
    if user.role == "declarant":
        return req if case.person_id in own_person_ids(session, user) else None
    return req if can_see_case(session, user, case) else None


def can_answer_for(session: Session, user: User, person_id: int) -> bool:
    """Only the declarant answers for themselves (reviewers may record a paper answer, see reviews)."""
    return user.role == "declarant" and person_id in own_person_ids(session, user)
