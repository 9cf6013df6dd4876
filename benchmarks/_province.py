"""Build a province-sized database directly with bulk inserts (not through workbooks).

Shared by the benchmarks: N declarants × K annual declarations with ~8 items each, roster lines,
and a few percent of planted anomalies so that the checks have real work and real flags.
"""
from __future__ import annotations

import random
import time
from datetime import date, datetime, timezone

import sqlalchemy as sa

from declarations.models import (Agency, AssetItem, Declaration, IncomeRow, Person, RosterEntry,
                                 VariationRow)
from etl.layout import item_identifier

SECTIONS = ("1.1", "2.1", "4", "5", "6.1", "7.1", "7.2", "5")


def build_province(engine: sa.Engine, declarants: int, years: int, *, seed: int = 1, first_year: int = 2021,
                   batch: int = 20_000, log=print) -> dict:
    """Insert the province; returns counts and the seconds it took."""
    rng = random.Random(seed)
    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        agencies = [{"name": f"Cơ quan {i:03d}", "name_key": f"coquan{i:03d}", "created_at": now} for i in range(60)]
        conn.execute(sa.insert(Agency), agencies)
        agency_ids = list(conn.execute(sa.select(Agency.id)).scalars())
    counts = {"people": 0, "declarations": 0, "items": 0, "roster": 0}
    decl_id = 0
    with engine.begin() as conn:
        decl_id = conn.execute(sa.select(sa.func.coalesce(sa.func.max(Declaration.id), 0))).scalar()
    for start in range(0, declarants, batch):
        people, roster, decls, items, incomes, variations = [], [], [], [], [], []
        with engine.begin() as conn:
            base_pid = conn.execute(sa.select(sa.func.coalesce(sa.func.max(Person.id), 0))).scalar()
            for offset in range(min(batch, declarants - start)):
                pid = base_pid + offset + 1
                n = start + offset
                agency = agency_ids[n % len(agency_ids)]
                people.append({"id": pid, "cccd": f"{n + 1:012d}", "full_name": f"Người {n}",
                               "name_key": f"người {n}", "date_of_birth": date(1960 + n % 35, 1 + n % 12, 1 + n % 28),
                               "agency_id": agency, "position": "Chuyên viên", "created_at": now})
                assets = [(s, rng.randrange(60, 900) * 1_000_000) for s in SECTIONS[: 5 + n % 4]]
                anomaly = n % 20  # 5% of people get something to flag
                for k in range(years):
                    year = first_year + k
                    decl_id += 1
                    late = anomaly == 1 and k == years - 1
                    dtype = "first" if k == 0 else "annual"
                    event = date(year, 1, 5) if k == 0 else None
                    completed = date(year + 1, 1, 10) if late else date(year, 12, 1 + n % 28)
                    if k == 0:
                        completed = date(year, 1, 10)
                    if anomaly == 2 and k == years - 1:
                        assets = assets + [("2.1", 2_500_000_000)]
                    roster.append({"person_id": pid, "agency_id": agency, "declaration_type": dtype,
                                   "year": year, "event_date": event, "created_at": now})
                    total = 0
                    for idx, (section, value) in enumerate(assets):
                        cert = f"GCN-{n}-{idx}" if section in ("1.1", "2.1", "7.1") else None
                        items.append({"declaration_id": decl_id, "section": section, "name": f"Tài sản {idx}",
                                      "certificate": cert, "identifier": item_identifier(section, cert, None),
                                      "year_acquired": 2015, "value": value, "value_unknown": False,
                                      "sheet": "Tài sản", "row": 3 + idx})
                        total += value
                    income = 400_000_000
                    decls.append({"id": decl_id, "person_id": pid, "agency_id": agency, "declaration_type": dtype,
                                  "year": year, "completed_on": completed, "received_at": now,
                                  "regime_code": "L36_2018", "version": 1, "is_current": True,
                                  "full_name": f"Người {n}", "id_number": f"{n + 1:012d}",
                                  "no_change": k > 0 and not (anomaly == 2 and k == years - 1),
                                  "has_income_sheet": k > 0, "has_variation_sheet": k > 0,
                                  "total_assets": total, "income_total": income if k > 0 else 0})
                    if k > 0:
                        incomes.append({"declaration_id": decl_id, "earner": "declarant", "amount": income, "row": 3})
                    if anomaly == 2 and k == years - 1:
                        variations.append({"declaration_id": decl_id, "section": "2.1", "value_change": 2_500_000_000,
                                           "explanation": None, "row": 3})
            conn.execute(sa.insert(Person), people)
            conn.execute(sa.insert(RosterEntry), roster)
            conn.execute(sa.insert(Declaration), decls)
            conn.execute(sa.insert(AssetItem), items)
            conn.execute(sa.insert(IncomeRow), incomes)
            if variations:
                conn.execute(sa.insert(VariationRow), variations)
        counts["people"] += len(people)
        counts["declarations"] += len(decls)
        counts["items"] += len(items)
        counts["roster"] += len(roster)
        log(f"  built {counts['people']:,} people, {counts['declarations']:,} declarations, "
            f"{counts['items']:,} items ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as conn:  # what autovacuum would do after a bulk load
        conn.execute(sa.text("ANALYZE"))
    counts["seconds"] = time.perf_counter() - started
    return counts
