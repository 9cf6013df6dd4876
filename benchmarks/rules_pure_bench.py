"""Pure-Python speed of the rules: a synthetic province built in memory, no database.

    PYTHONPATH=. python benchmarks/rules_pure_bench.py [--people 100000] [--years 5]

Prints the time to build the facts (not part of the rules) and the time of `run_checks`.
"""
from __future__ import annotations

import argparse
import random
import time
import tracemalloc
from collections import Counter
from datetime import date

from declarations.legal import LegalParams
from declarations.rules import (DeclarationFact, ItemFact, PersonFacts, RosterFact, VariationFact,
                                run_checks)
from etl.layout import item_identifier

NAMES = {
    "1.1": ["Đất ở tại phường", "Thửa đất ở"], "2.1": ["Nhà ở riêng lẻ", "Căn hộ chung cư"],
    "4": ["Vàng SJC", "Nhẫn vàng"], "5": ["Tiền gửi tiết kiệm", "Tiền mặt"],
    "6.1": ["Cổ phiếu VCB", "Cổ phiếu FPT"], "7.1": ["Xe ô tô", "Xe máy"], "7.2": ["Tranh", "Đồ gỗ"],
    "9": ["Tài khoản ngân hàng"],
}


def build(people: int, years: int, seed: int = 7) -> list[PersonFacts]:
    rng = random.Random(seed)
    out = []
    first_year = 2021
    for pid in range(1, people + 1):
        base_items = []
        row = 5
        for section in ("1.1", "2.1", "4", "5", "5", "6.1", "7.1", "7.2", "2.1", "1.1"):
            cert = f"CS{pid:06d}{row}" if section in ("1.1", "2.1", "7.1") else None
            base_items.append((section, rng.choice(NAMES[section]), cert,
                               rng.randrange(50, 3000) * 1_000_000, rng.randrange(2000, 2021)))
            row += 1
        decls, roster = [], []
        event = date(first_year, rng.randrange(1, 13), rng.randrange(1, 20))
        for k in range(years):
            year = first_year + k
            dtype = "first" if k == 0 else "annual"
            if k == 0:
                completed = event.replace(day=event.day + rng.randrange(0, 10))
            else:
                completed = date(year, 12, rng.choice((10, 20, 31))) if rng.random() > 0.02 \
                    else date(year + 1, 1, 5)
            variations: tuple[VariationFact, ...] = ()
            if k and rng.random() < 0.3:     # a new asset this year, declared and explained
                section = rng.choice(("5", "7.1", "6.1", "9"))
                cert = f"N{pid}-{year}" if section in ("7.1", "9") else None
                value = rng.randrange(50, 1500) * 1_000_000
                base_items.append((section, rng.choice(NAMES[section]), cert, value, year))
                explanation = "Lương, thưởng" if rng.random() > 0.05 else None   # planted anomaly
                variations = (VariationFact(section, None, value, explanation, 5),)
            items = tuple(
                ItemFact(item_id=None, section=s, name=n,
                         identifier=item_identifier(s, c, None), value=v, value_unknown=False,
                         other_info=None, country="SG" if s == "9" else None, year_acquired=y,
                         sheet="Tài sản", row=5 + i, certificate=c)
                for i, (s, n, c, v, y) in enumerate(base_items))
            income = 0 if k == 0 else rng.randrange(300, 2000) * 1_000_000
            if k:
                variations += (VariationFact("income", None, income, "Lương", 9),)
            decls.append(DeclarationFact(
                declaration_id=pid * 10 + k, person_id=pid, declaration_type=dtype, year=year,
                completed_on=completed, items=items, income_total=income,
                variations=variations, no_change=False, has_income_sheet=k > 0,
                has_variation_sheet=k > 0))
            roster.append(RosterFact(pid * 10 + k, pid, dtype, year, event if dtype == "first" else None))
        if rng.random() < 0.05:   # a missing annual declaration
            roster.append(RosterFact(pid * 10 + 9, pid, "annual", first_year + years, None))
        out.append(PersonFacts(pid, tuple(decls), tuple(roster)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--memory", action="store_true", help="also trace peak memory (slower)")
    args = parser.parse_args()
    t0 = time.perf_counter()
    persons = build(args.people, args.years)
    t1 = time.perf_counter()
    items = sum(len(d.items) for p in persons for d in p.declarations)
    print(f"built {args.people} people, {args.people * args.years} declarations, {items} items "
          f"in {t1 - t0:.1f} s")
    if args.memory:
        tracemalloc.start()
    t2 = time.perf_counter()
    report = run_checks(persons, LegalParams(), date(2027, 6, 1))
    t3 = time.perf_counter()
    peak = f", peak {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MiB" if args.memory else ""
    print(f"run_checks: {t3 - t2:.2f} s{peak}; {len(report.flags)} flags, "
          f"{len(report.rule_errors)} rule errors")
    print(dict(Counter(f.code for f in report.flags)))


if __name__ == "__main__":
    main()
