"""Import speed against the floor (issue 3).

    python benchmarks/import_bench.py [--workbooks 2000] [--roster-rows 50000]

Generates declaration workbooks with the demo generator, then prints, in one run: the time for
python-calamine merely to read every cell of every file (the floor), the time for openpyxl read-only
to do the same (what a naive importer pays), and the time of `declarations import` of the folder into
a fresh SQLite database; workbooks per second and peak memory for each (each measured in its own
process). Then a 50,000-row roster through `declarations import-roster`.
Targets: import ≥ 500 workbooks/s on 2 cores, within 8× of the calamine floor, peak < 500 MB;
the 50,000-row roster in < 10 s.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _measure(argv: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Run a process; its wall time, its own peak RSS in MB (wait4), and its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss / 1024, out


def read_all(mode: str, folder: str) -> None:
    """Child: read every cell of every workbook in `folder` with calamine or openpyxl."""
    files = sorted(Path(folder).rglob("*.xlsx"))
    cells = 0
    start = time.perf_counter()
    if mode == "calamine":
        from python_calamine import CalamineWorkbook

        for path in files:
            book = CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                for row in book.get_sheet_by_name(name).to_python():
                    cells += len(row)
    else:
        import openpyxl

        for path in files:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            for ws in book.worksheets:
                for row in ws.iter_rows(values_only=True):
                    cells += len(row)
            book.close()
    print(json.dumps({"files": len(files), "cells": cells, "seconds": time.perf_counter() - start}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workbooks", type=int, default=2000)
    parser.add_argument("--roster-rows", type=int, default=50_000)
    parser.add_argument("--child")
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        read_all(args.child, args.folder)
        return
    from etl.demo.generator import generate_province

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        demo = tmp / "demo"
        start = time.perf_counter()
        # about one declaration per declarant and year, plus corrections and supplementary ones
        manifest = generate_province(demo, declarants=max(1, round(args.workbooks * 0.3)), years=4, seed=11)
        declarations = tmp / "declarations"
        declarations.mkdir()
        roster_files = []
        n = 0
        for path in sorted(demo.rglob("*.xlsx")):
            if "danh-sach" in str(path.relative_to(demo)) or "roster" in path.name:
                roster_files.append(path)
                continue
            n += 1
            path.rename(declarations / f"{n:05d}-{path.name}")
        print(f"generated {n} declaration workbooks and {len(roster_files)} roster workbooks "
              f"in {time.perf_counter() - start:.1f} s ({len(manifest.expected_flags)} planted flags)")

        results = {}
        for mode in ("calamine", "openpyxl"):
            seconds, peak, out = _measure([sys.executable, __file__, "--child", mode, "--folder", str(declarations)])
            inner = json.loads(out.strip().splitlines()[-1])
            results[mode] = (inner["seconds"], peak)
        env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite'}", SECRET_KEY="benchmark-" + "x" * 30,
                   UPLOAD_FOLDER=str(tmp / "uploads"))
        cli = str(Path(sys.executable).with_name("declarations"))
        subprocess.run([cli, "init-db"], env=env, check=True, capture_output=True)
        for path in roster_files:
            subprocess.run([cli, "import-roster", str(path)], env=env, check=True, capture_output=True)
        seconds, peak, out = _measure([cli, "import", str(declarations)], env)
        summary = out.strip().splitlines()[-1]
        if f"{n} accepted" not in summary:
            raise SystemExit(f"the import did not accept every workbook:\n{out[-3000:]}")
        results["import"] = (seconds, peak)

        floor = results["calamine"][0]
        print(f"\n{n} workbooks                       seconds   workbooks/s   peak MB   × floor")
        for label, key in (("python-calamine, read all cells", "calamine"),
                           ("openpyxl read-only, all cells", "openpyxl"),
                           ("declarations import (SQLite)", "import")):
            secs, peak = results[key]
            print(f"  {label:<33} {secs:7.2f}   {n / secs:11.0f}   {peak:7.0f}   {secs / floor:6.1f}")
        print(f"  import said: {summary}")
        print("  targets: import ≥ 500 workbooks/s, ≤ 8× the calamine floor, peak < 500 MB")

        roster = tmp / "roster-50k.xlsx"
        _write_roster(roster, args.roster_rows)
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'roster.sqlite'}"
        subprocess.run([cli, "init-db"], env=env, check=True, capture_output=True)
        seconds, peak, out = _measure([cli, "import-roster", str(roster)], env)
        print(f"\nroster of {args.roster_rows:,} rows: {seconds:.1f} s, peak {peak:.0f} MB (target < 10 s)  "
              f"[{out.strip().splitlines()[-1] if out.strip() else ''}]")


def _write_roster(path: Path, rows: int) -> None:
    import datetime as dt

    import xlsxwriter

    from etl.layout import ROSTER

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = book.add_worksheet(ROSTER.name)
    ws.write_row(0, 0, ["DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP NĂM 2025"])
    ws.write_row(1, 0, [c.label for c in ROSTER.columns])
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for i in range(rows):
        r = i + 2
        ws.write_number(r, 0, i + 1)
        ws.write_string(r, 1, f"Nguyễn Văn {i}")
        ws.write_datetime(r, 2, dt.datetime(1960 + i % 40, 1 + i % 12, 1 + i % 28), date_format)
        ws.write_string(r, 3, f"{100000000000 + i:012d}")
        ws.write_string(r, 4, "Chuyên viên")
        ws.write_string(r, 5, f"Sở {i % 40}")
        ws.write_string(r, 6, "Hằng năm")
        ws.write_number(r, 7, 2025)
    book.close()


if __name__ == "__main__":
    main()
