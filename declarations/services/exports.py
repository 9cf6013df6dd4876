"""Open flags as rows for export (JSON, CSV, XLSX): one row per flag with the person and declaration."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from declarations.models import Agency, Declaration, Flag, Person, RosterEntry


def open_flag_rows(session: Session, *, agency_ids: set[int] | None = None) -> list[dict]:
    """Every open flag with cccd, full_name, agency, declaration_type and year, riskiest people first."""
    decl = aliased(Declaration)
    entry = aliased(RosterEntry)
    agency_id = sa.func.coalesce(decl.agency_id, entry.agency_id, Person.agency_id)
    query = (sa.select(Flag, Person.cccd, Person.cmnd, Person.full_name, Agency.name,
                       sa.func.coalesce(decl.declaration_type, entry.declaration_type))
             .join(Person, Person.id == Flag.person_id)
             .outerjoin(decl, decl.id == Flag.declaration_id)
             .outerjoin(entry, entry.id == Flag.roster_entry_id)
             .outerjoin(Agency, Agency.id == agency_id)
             .where(Flag.status == "open")
             .order_by(Flag.person_id, Flag.year, Flag.rule_code, Flag.id))
    if agency_ids is not None:
        query = query.where(agency_id.in_(agency_ids))
    rows = []
    for flag, cccd, cmnd, full_name, agency, dtype in session.execute(query):
        rows.append({"id": flag.id, "cccd": cccd or cmnd, "full_name": full_name, "agency": agency,
                     "declaration_type": dtype, "year": flag.year, "rule": flag.rule_code,
                     "severity": flag.severity, "weight": flag.weight, "status": flag.status,
                     "declaration_id": flag.declaration_id, "roster_entry_id": flag.roster_entry_id,
                     "message_vi": flag.message_vi, "message_en": flag.message_en, "evidence": flag.evidence,
                     "created_at": flag.created_at})
    return rows


EXPORT_COLUMNS = (
    ("cccd", "Số CCCD/CMND"), ("full_name", "Họ và tên"), ("agency", "Cơ quan/đơn vị"),
    ("declaration_type", "Loại kê khai"), ("year", "Năm"), ("rule", "Mã cảnh báo"), ("severity", "Mức độ"),
    ("weight", "Trọng số"), ("message_vi", "Nội dung"), ("evidence", "Căn cứ (chi tiết)"),
)
TYPE_NAMES = {"first": "Lần đầu", "annual": "Hằng năm", "supplementary": "Bổ sung",
              "personnel": "Phục vụ công tác cán bộ"}
SEVERITY_NAMES = {"high": "Cao", "medium": "Trung bình", "low": "Thấp"}


def evidence_text(evidence: dict) -> str:
    """Evidence as readable lines: amounts with dot separators, lists of items one per line."""
    from declarations.i18n import format_vnd

    lines = []
    for key, value in evidence.items():
        if isinstance(value, bool) or value is None:
            lines.append(f"{key}: {value}")
        elif isinstance(value, int):
            lines.append(f"{key}: {format_vnd(value) if abs(value) >= 10_000 else value}")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            for element in value:
                if isinstance(element, dict):
                    lines.append("  - " + ", ".join(
                        f"{k}={format_vnd(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10_000 else v}"
                        for k, v in element.items()))
                else:
                    lines.append(f"  - {element}")
        elif isinstance(value, dict):
            lines.append(f"{key}: " + ", ".join(
                f"{k}={format_vnd(v) if isinstance(v, int) and not isinstance(v, bool) and abs(v) >= 10_000 else v}"
                for k, v in value.items()))
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines)


def write_flags_xlsx(rows: list[dict], path) -> None:
    """The open flags as a workbook: Vietnamese headers, VND number formats, readable evidence."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "Cảnh báo"
    ws.append([label for _, label in EXPORT_COLUMNS] + ["Giá trị chênh lệch (đồng)"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    for row in rows:
        ev = row["evidence"] or {}
        amount = next((ev[k] for k in ("delta_total", "delta", "unexplained_increase", "excess", "total")
                       if isinstance(ev.get(k), int)), None)
        ws.append([row["cccd"], row["full_name"], row["agency"],
                   TYPE_NAMES.get(row["declaration_type"], row["declaration_type"]), row["year"], row["rule"],
                   SEVERITY_NAMES.get(row["severity"], row["severity"]), row["weight"], row["message_vi"],
                   evidence_text(ev), amount])
    for col, width in zip("ABCDEFGHIJK", (15, 26, 30, 16, 7, 24, 11, 9, 60, 70, 20)):
        ws.column_dimensions[col].width = width
    for cells in ws.iter_rows(min_row=2):
        cells[0].number_format = "@"
        cells[10].number_format = "#,##0"
        for cell in (cells[8], cells[9]):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    wb.save(path)


def write_flags_csv(rows: list[dict], stream) -> None:
    import csv
    import json

    writer = csv.writer(stream)
    writer.writerow(["cccd", "full_name", "agency", "declaration_type", "year", "rule", "severity", "weight",
                     "message_vi", "evidence"])
    for row in rows:
        writer.writerow([row["cccd"], row["full_name"], row["agency"], row["declaration_type"], row["year"],
                         row["rule"], row["severity"], row["weight"], row["message_vi"],
                         json.dumps(row["evidence"], ensure_ascii=False, sort_keys=True)])
