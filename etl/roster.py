"""Reading a roster workbook (danh sách người có nghĩa vụ kê khai) into RosterRecords, or into every
error that rejects it (PRODUCT.md, "Roster workbook").
"""
from __future__ import annotations

from etl import layout
from etl.errors import cell_error
from etl.parsers import parse_date, parse_declaration_type, parse_identity, parse_text, parse_year
from etl.records import ReadResult, RosterRecord
from etl.tables import (Collector, FieldSpec, Header, find_header, header_errors, key_map, label_key,
                        read_table)
from etl.workbook import SheetData, open_workbook

MAX_ERRORS = 200
#: Law Art. 36: a first-time declaration and one for personnel work are due relative to an event
#: (tiếp nhận, tuyển dụng, bố trí; the expected appointment), so the roster must give its date.
EVENT_DATE_REQUIRED = ("first", "personnel")

_KEYS = key_map({c.field: c.labels for c in layout.ROSTER.columns})
_ROSTER_NAMES = frozenset(label_key(name) for name in layout.ROSTER.names)
_FIELDS = {
    "seq": FieldSpec(parse_text),
    "full_name": FieldSpec(parse_text, required=True),
    "date_of_birth": FieldSpec(parse_date, required=True, cached=True),
    "id_number": FieldSpec(parse_identity, required=True),
    "position": FieldSpec(parse_text, cached=True),
    "agency": FieldSpec(parse_text, required=True, cached=True),
    "declaration_type": FieldSpec(parse_declaration_type, required=True, cached=True),
    "year": FieldSpec(parse_year, required=True, cached=True),
    "event_date": FieldSpec(parse_date, cached=True),
    "note": FieldSpec(parse_text, cached=True),
}
_EVENT_LABEL = next(c.label for c in layout.ROSTER.columns if c.field == "event_date")


def read_roster(data: bytes, filename: str = "", *, max_errors: int = MAX_ERRORS, **limits: int) -> ReadResult:
    """Read a roster workbook: one RosterRecord per row, or the errors that reject it whole.

    The roster is the first sheet whose header row names every required column; `limits` are
    passed to `etl.workbook.open_workbook`.
    """
    workbook, errors = open_workbook(data, filename, **limits)
    if workbook is None:
        return ReadResult(errors=errors)
    collector = Collector(max_errors)
    chosen: tuple[SheetData, Header] | None = None
    fallback: tuple[SheetData | None, Header | None] = (None, None)
    # Sheets named like a roster are tried first, then the others in workbook order.
    named = {name for name in workbook.sheet_names if label_key(name) in _ROSTER_NAMES}
    names = sorted(workbook.sheet_names, key=lambda name: name not in named)
    for name in names:
        sheet, sheet_errors = workbook.sheet(name)
        if sheet is None:
            collector.extend(sheet_errors)
            continue
        header = find_header(sheet, layout.ROSTER, _KEYS)
        if header is not None and not header.missing:
            collector.extend(sheet_errors)
            chosen = (sheet, header)
            break
        if fallback[0] is None or (header is not None and (fallback[1] is None
                                                           or len(header.columns) > len(fallback[1].columns))):
            fallback = (sheet, header)
    if chosen is None:
        sheet, header = fallback
        if sheet is not None:
            collector.extend(header_errors(sheet, layout.ROSTER, header))
        return ReadResult(errors=collector.errors, errors_truncated=collector.truncated)

    sheet, header = chosen
    collector.extend(header_errors(sheet, layout.ROSTER, header))
    records = []
    seen: dict[tuple, int] = {}
    event_column = header.columns.get("event_date")
    missing_event_column_reported = False
    for row, v in read_table(sheet, header, _FIELDS, collector, key_fields=("seq",)):
        if v["declaration_type"] in EVENT_DATE_REQUIRED and v["event_date"] is None:
            if event_column is not None:
                collector.add(cell_error("required", sheet=sheet.name, row=row,
                                         column=sheet.column(event_column), header=header.texts["event_date"]))
            elif not missing_event_column_reported:
                collector.add(cell_error("missing_column", sheet=sheet.name, row=sheet.excel_row(header.index),
                                         header=_EVENT_LABEL))
                missing_event_column_reported = True
            continue
        identity = v["id_number"]
        key = (identity.number, v["declaration_type"], v["year"], v["event_date"])
        if key in seen:
            collector.add(cell_error("duplicate_entry", sheet=sheet.name, row=row, value=identity.number,
                                     other_row=seen[key]))
            continue
        seen[key] = row
        records.append(RosterRecord(
            full_name=v["full_name"], date_of_birth=v["date_of_birth"], identity=identity, agency=v["agency"],
            declaration_type=v["declaration_type"], year=v["year"], position=v["position"],
            event_date=v["event_date"], note=v["note"], row=row))
    if collector:
        return ReadResult(errors=collector.errors, errors_truncated=collector.truncated)
    return ReadResult(records=records)

