"""What each role sees first."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template

from declarations.models import Declaration, Person, RosterEntry, Upload


def render_home(session, user):
    counts = {
        "people": session.scalar(sa.select(sa.func.count(Person.id))),
        "declarations": session.scalar(sa.select(sa.func.count(Declaration.id)).where(Declaration.is_current.is_(True))),
        "roster": session.scalar(sa.select(sa.func.count(RosterEntry.id))),
        "uploads": session.scalar(sa.select(sa.func.count(Upload.id))),
    }
    return render_template("home.html", counts=counts, user=user)
