"""Full `check` over a province built in the database, against a pandas floor (issue 4).

    python benchmarks/checks_bench.py [--declarants 100000] [--years 5]

Prints, in one run: the wall time and peak memory of a full check on SQLite (and on PostgreSQL when
DATABASE_URL points at one), the time of one person's incremental check, and the floor: pandas/numpy
computing the same totals-level rules over the same rows already in memory.
Targets: full run < 60 s and < 2 GB on 2 cores; incremental < 50 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from declarations import create_app, schema  # noqa: E402
from declarations.db import make_engine  # noqa: E402


def make_app(url: str):
    return create_app({"TESTING": True, "SECRET_KEY": "benchmark-secret-0123456789", "DATABASE_URL": url})


def prepare(url: str, declarants: int, years: int) -> dict:
    from benchmarks._province import build_province
    from declarations.db import new_session
    from declarations.services.legal import seed_parameters

    engine = make_engine(url)
    schema.upgrade(engine)
    app = make_app(url)
    with app.app_context(), new_session() as s, s.begin():
        seed_parameters(s)
    counts = build_province(engine, declarants, years, log=lambda m: print(m, flush=True))
    engine.dispose()
    return counts


def run_full(url: str) -> dict:
    """In a fresh process: one full check; wall time and peak RSS."""
    from declarations.db import new_session
    from declarations.services.audit import CLI
    from declarations.services.checks import check_all

    app = make_app(url)
    with app.app_context():
        start = time.perf_counter()
        with new_session() as s, s.begin():
            summary = check_all(s, actor=CLI)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        with new_session() as s, s.begin():
            again = check_all(s, actor=CLI)
        rerun = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "rerun_seconds": rerun, "peak_mb": peak, "summary": summary.as_dict(),
            "rerun": again.as_dict()}


def run_incremental(url: str, samples: int = 50) -> dict:
    import random

    from declarations.db import new_session
    from declarations.models import Person
    from declarations.services.audit import CLI
    from declarations.services.checks import check_people
    from declarations.services.legal import load_params

    app = make_app(url)
    with app.app_context(), new_session() as s:
        ids = list(s.scalars(sa.select(Person.id)))
        params = load_params(s)
        s.commit()
        times, commits = [], []
        for pid in random.Random(3).sample(ids, min(samples, len(ids))):
            with s.begin():
                start = time.perf_counter()
                check_people(s, [pid], actor=CLI, params=params)   # reads, rules, flag and case writes
                times.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
            commits.append((time.perf_counter() - start) * 1000)   # the commit, i.e. the disk's fsync
    return {"median_ms": statistics.median(times), "p95_ms": sorted(times)[int(len(times) * 0.95) - 1],
            "commit_ms": statistics.median(commits)}


def pandas_floor(url: str) -> dict:
    """The same totals-level rules (UNEXPLAINED_INCREASE's ΔT ≥ V, WEALTH_EXCEEDS_INCOME) in pandas."""
    import numpy as np
    import pandas as pd

    engine = make_engine(url)
    with engine.connect() as conn:
        load = time.perf_counter()
        decls = pd.read_sql("SELECT id, person_id, declaration_type, completed_on, income_total "
                            "FROM declarations WHERE is_current", conn)
        items = pd.read_sql("SELECT declaration_id, value FROM asset_items", conn)
        load = time.perf_counter() - load
    start = time.perf_counter()
    totals = items.groupby("declaration_id", sort=False)["value"].sum()
    d = decls[decls.declaration_type.isin(["first", "annual", "personnel"])].copy()
    d["T"] = d["id"].map(totals).fillna(0).astype("int64")
    d = d.sort_values(["person_id", "completed_on"])
    d["prev_T"] = d.groupby("person_id")["T"].shift()
    d["dT"] = d["T"] - d["prev_T"]
    v = np.where(pd.to_datetime(d["completed_on"]) >= pd.Timestamp("2026-07-01"), 1_000_000_000, 300_000_000)
    increase = int((d["dT"] >= v).sum())
    wealth = int(((d["dT"] - d["income_total"]) >= v).sum())
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "load_seconds": load, "rows": len(items), "increase": increase, "wealth": wealth}


def child(mode: str, url: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--url", url], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(label: str, url: str, declarants: int, years: int) -> None:
    print(f"== {label}: building {declarants:,} declarants × {years} years", flush=True)
    counts = prepare(url, declarants, years)
    full = child("full", url)
    inc = child("incremental", url)
    floor = child("floor", url)
    s = full["summary"]
    print(f"\n{label}: {counts['declarations']:,} declarations, {counts['items']:,} items "
          f"(built in {counts['seconds']:.0f} s)")
    print(f"  full check        {full['seconds']:8.1f} s   peak {full['peak_mb']:7.0f} MB   "
          f"(target < 60 s, < 2048 MB)   flags opened {s['opened']:,}")
    print(f"  re-run (no-op)    {full['rerun_seconds']:8.1f} s   opened {full['rerun']['opened']}, "
          f"closed {full['rerun']['closed']}, unchanged {full['rerun']['unchanged']:,}")
    print(f"  incremental, one person: median {inc['median_ms']:.1f} ms, p95 {inc['p95_ms']:.1f} ms (target < 50 ms),"
          f" then the commit: median {inc['commit_ms']:.1f} ms")
    print(f"  floor: pandas totals-level rules {floor['seconds']:.2f} s over {floor['rows']:,} item rows in memory "
          f"(+{floor['load_seconds']:.1f} s to load them); full check is {full['seconds'] / floor['seconds']:.0f}× "
          f"the floor and covers all 10 rules with evidence and stored flags", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--declarants", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--child")
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        result = {"full": run_full, "incremental": run_incremental, "floor": pandas_floor}[args.child](args.url)
        print(json.dumps(result, default=str))
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.declarants, args.years)
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith("postgres"):
        base = make_engine(pg).url
        name = f"{base.database}_checks_bench"
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            bench("PostgreSQL", base.set(database=name).render_as_string(hide_password=False), args.declarants,
                  args.years)
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
