"""People across years: find or create by CCCD/CMND, and link CMND-era records to CCCD records."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import Declaration, IdentityLink, Person, RosterEntry
from declarations.services import audit
from declarations.services.audit import Actor
from etl.records import Identity
from etl.text import name_key, nfc


def find_person(session: Session, identity: Identity) -> Person | None:
    column = Person.cccd if identity.kind == "cccd" else Person.cmnd
    return session.scalar(sa.select(Person).where(column == identity.number))


def canonical(session: Session, person: Person) -> Person:
    """The CCCD record a linked CMND record stands for (itself when not linked)."""
    return session.get(Person, person.canonical_id) if person.canonical_id else person


def resolve_person(session: Session, identity: Identity, full_name: str, date_of_birth: date | None, *,
                   actor: Actor, source: str) -> Person:
    """The canonical person for this identity, created if new, linked across CMND → CCCD if found.

    A CMND-keyed record and a CCCD-keyed record with the same normalized full name and date of birth
    are the same person (PRODUCT.md, "People across years"); the link is recorded with its evidence.
    """
    person = find_person(session, identity)
    if person is not None:
        if person.date_of_birth is None and date_of_birth is not None:
            person.date_of_birth = date_of_birth
        return canonical(session, person)
    key = name_key(full_name)
    person = Person(full_name=nfc(full_name), name_key=key, date_of_birth=date_of_birth,
                    **{identity.kind: identity.number})
    session.add(person)
    session.flush()
    audit.record(session, actor=actor, action="person.create", object_type="person", object_id=person.id,
                 summary=f"{identity.kind.upper()} {identity.number}", after={"source": source})
    if date_of_birth is None:
        return person
    if identity.kind == "cccd":
        olds = session.scalars(sa.select(Person).where(
            Person.cmnd.is_not(None), Person.cccd.is_(None), Person.canonical_id.is_(None),
            Person.name_key == key, Person.date_of_birth == date_of_birth, Person.id != person.id)).all()
        for old in olds:
            link_people(session, cccd_person=person, cmnd_person=old, actor=actor, source=source)
        return person
    match = session.scalar(sa.select(Person).where(
        Person.cccd.is_not(None), Person.name_key == key, Person.date_of_birth == date_of_birth,
        Person.id != person.id).order_by(Person.id))
    if match is not None:
        link_people(session, cccd_person=match, cmnd_person=person, actor=actor, source=source)
        return match
    return person


def link_people(session: Session, *, cccd_person: Person, cmnd_person: Person, actor: Actor,
                source: str) -> IdentityLink:
    """Record that `cmnd_person` is `cccd_person`; move its declarations and roster lines over."""
    evidence = {
        "rule": "same normalized full name and date of birth",
        "cccd": cccd_person.cccd, "cmnd": cmnd_person.cmnd,
        "full_name_cccd": cccd_person.full_name, "full_name_cmnd": cmnd_person.full_name,
        "name_key": cccd_person.name_key, "date_of_birth": cccd_person.date_of_birth.isoformat(),
        "source": source,
    }
    cmnd_person.canonical_id = cccd_person.id
    if cccd_person.cmnd is None:
        evidence["cmnd_recorded_on_cccd_person"] = True
    link = IdentityLink(person_id=cccd_person.id, linked_person_id=cmnd_person.id,
                        method="name_and_birth_date", evidence=evidence)
    session.add(link)
    moved = session.scalars(sa.select(Declaration).where(Declaration.person_id == cmnd_person.id)).all()
    for declaration in moved:
        clash = session.scalar(sa.select(Declaration).where(
            Declaration.person_id == cccd_person.id, Declaration.declaration_type == declaration.declaration_type,
            Declaration.year == declaration.year, Declaration.is_current.is_(True)))
        if clash is not None and declaration.is_current:
            # two current versions of one person's declaration: the later received wins
            loser = min((clash, declaration), key=lambda d: (d.received_at, d.id))
            loser.is_current = None
            session.flush()
        declaration.person_id = cccd_person.id
    for entry in session.scalars(sa.select(RosterEntry).where(RosterEntry.person_id == cmnd_person.id)):
        duplicate = session.scalar(sa.select(RosterEntry.id).where(
            RosterEntry.person_id == cccd_person.id, RosterEntry.declaration_type == entry.declaration_type,
            RosterEntry.year == entry.year))
        if duplicate is None:
            entry.person_id = cccd_person.id
        else:  # the CCCD record already owes this declaration: one obligation, not two
            session.delete(entry)
    session.flush()
    audit.record(session, actor=actor, action="person.link", object_type="person", object_id=cccd_person.id,
                 summary=f"CMND {cmnd_person.cmnd} = CCCD {cccd_person.cccd}",
                 after={**evidence, "declarations_moved": [d.id for d in moved]})
    return link
