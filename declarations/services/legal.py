"""Reading and changing the legal parameters (regimes, deadlines, weights)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.legal import (DEFAULT_DEADLINES, DEFAULT_WEIGHTS, SEED_REGIMES, LegalParams, Regime)
from declarations.models import LegalRegime, Parameter
from declarations.services import audit
from declarations.services.audit import Actor


def seed_parameters(session: Session) -> None:
    """Insert the seed regimes and default parameter sets that are not there yet (idempotent)."""
    have = set(session.scalars(sa.select(LegalRegime.code)))
    for regime in SEED_REGIMES:
        if regime.code not in have:
            session.add(LegalRegime(code=regime.code, name=regime.name, effective_from=regime.effective_from,
                                    item_threshold=regime.item_threshold,
                                    variation_threshold=regime.variation_threshold,
                                    legal_basis=regime.legal_basis))
    for key, value in (("weights", DEFAULT_WEIGHTS), ("deadlines", DEFAULT_DEADLINES),
                       ("internal_deadlines", {})):
        if session.get(Parameter, key) is None:
            session.add(Parameter(key=key, value=dict(value)))
    session.flush()


def load_params(session: Session) -> LegalParams:
    """The legal parameters in force, as one plain object for the rules and the deadline engine."""
    regimes = tuple(
        Regime(r.code, r.name, r.effective_from, int(r.item_threshold), int(r.variation_threshold), r.legal_basis)
        for r in session.scalars(sa.select(LegalRegime).order_by(LegalRegime.effective_from))
    ) or SEED_REGIMES
    values = {p.key: p.value for p in session.scalars(sa.select(Parameter))}
    weights = {**DEFAULT_WEIGHTS, **values.get("weights", {})}
    deadlines = {**DEFAULT_DEADLINES, **values.get("deadlines", {})}
    internal = {int(y): date.fromisoformat(d) for y, d in values.get("internal_deadlines", {}).items()}
    return LegalParams(regimes=regimes, weights=weights, deadlines=deadlines, internal_deadlines=internal)


def regime_on(session: Session, day: date) -> Regime:
    """Which regime applies on `day` (the one function that answers it, over the stored table)."""
    return load_params(session).regime_on(day)


def add_regime(session: Session, *, code: str, name: str, effective_from: date, item_threshold: int,
               variation_threshold: int, legal_basis: str = "", actor: Actor) -> LegalRegime:
    """Add a regime taking effect on `effective_from`; earlier regimes stay for earlier dates."""
    if item_threshold <= 0 or variation_threshold <= 0:
        raise ValueError("thresholds must be positive")
    regime = LegalRegime(code=code, name=name, effective_from=effective_from, item_threshold=item_threshold,
                         variation_threshold=variation_threshold, legal_basis=legal_basis)
    session.add(regime)
    session.flush()
    audit.record(session, actor=actor, action="regime.add", object_type="legal_regime", object_id=regime.id,
                 summary=f"{code} from {effective_from.isoformat()}",
                 after={"code": code, "effective_from": effective_from.isoformat(),
                        "item_threshold": item_threshold, "variation_threshold": variation_threshold})
    return regime


def set_parameter(session: Session, key: str, value: dict, *, actor: Actor) -> Parameter:
    """Replace a parameter set (weights, deadlines, internal_deadlines), audited with before/after."""
    if key not in ("weights", "deadlines", "internal_deadlines"):
        raise KeyError(key)
    param = session.get(Parameter, key)
    before = dict(param.value) if param else None
    if param is None:
        param = Parameter(key=key, value=dict(value))
        session.add(param)
    else:
        param.value = dict(value)
    session.flush()
    audit.record(session, actor=actor, action="parameter.set", object_type="parameter", object_id=key,
                 before=before, after=dict(value))
    return param
