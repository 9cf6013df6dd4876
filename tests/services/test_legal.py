"""The regime lookup and the stored, extensible legal parameters."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from declarations.legal import NoRegime
from declarations.models import AuditEntry
from declarations.services import legal
from declarations.services.audit import SYSTEM


@pytest.mark.parametrize("day, item, variation", [
    (date(2019, 7, 1), 50_000_000, 300_000_000),
    (date(2026, 6, 30), 50_000_000, 300_000_000),
    (date(2026, 7, 1), 150_000_000, 1_000_000_000),
    (date(2030, 1, 1), 150_000_000, 1_000_000_000),
])
def test_regime_at_the_boundary(db, day, item, variation):
    regime = legal.regime_on(db, day)
    assert (regime.item_threshold, regime.variation_threshold) == (item, variation)


def test_no_regime_before_2019(db):
    with pytest.raises(NoRegime):
        legal.regime_on(db, date(2019, 6, 30))


def test_an_administrator_adds_a_regime_without_code_change(db):
    legal.add_regime(db, code="X2030", name="Future law", effective_from=date(2030, 1, 1),
                     item_threshold=200_000_000, variation_threshold=2_000_000_000, actor=SYSTEM)
    db.commit()
    assert legal.regime_on(db, date(2029, 12, 31)).code == "L132_2025"
    assert legal.regime_on(db, date(2030, 1, 1)).variation_threshold == 2_000_000_000
    assert db.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_type == "legal_regime")) == "regime.add"


def test_weights_and_deadlines_are_parameters(db):
    legal.set_parameter(db, "weights", {"MISSING": 99}, actor=SYSTEM)
    legal.set_parameter(db, "internal_deadlines", {"2025": "2025-12-15"}, actor=SYSTEM)
    params = legal.load_params(db)
    assert params.weight("MISSING") == 99
    assert params.weight("LATE") == 10
    assert params.due_date("annual", 2025, None) == date(2025, 12, 15)
    assert params.due_date("annual", 2024, None) == date(2024, 12, 31)
    entry = db.scalars(sa.select(AuditEntry).where(AuditEntry.action == "parameter.set")).first()
    assert entry.after == {"MISSING": 99}
