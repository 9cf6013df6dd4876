"""Reading one declaration workbook (bản kê khai) into a DeclarationRecord, or into every error that
rejects it, each pointing at its cell (PRODUCT.md, "Workbook formats").
"""
from __future__ import annotations

import re
from functools import partial

from etl import layout
from etl.errors import cell_error
from etl.parsers import (ParseError, is_blank, parse_amount, parse_date, parse_decimal, parse_declaration_type,
                         parse_earner, parse_identity, parse_relation, parse_section, parse_text, parse_year,
                         raw_text)
from etl.records import (AssetRecord, DeclarationRecord, IncomeRecord, ReadResult, RelativeRecord,
                         VariationRecord)
from etl.tables import (Collector, FieldSpec, Header, find_header, header_errors, key_map, label_key,
                        match_sheets, read_table, value_error)
from etl.workbook import SheetData, open_workbook

MAX_ERRORS = 200

_GENERAL_KEYS = key_map({c.field: c.labels for c in layout.GENERAL.columns})
_TABLE_KEYS = {spec.key: key_map({c.field: c.labels for c in spec.columns})
               for spec in (layout.RELATIVES, layout.ASSETS, layout.INCOME, layout.VARIATIONS)}
_NO_CHANGE_KEYS = frozenset(label_key(text) for text in layout.NO_CHANGE_TEXTS)
# "1. Họ và tên", "a) Họ và tên", "II - Loại kê khai": the enumeration printed before a label.
_ENUMERATION = re.compile(r"^\s*(?:[0-9]+(?:\.[0-9]+)*|[a-zđ]|[ivx]+)\s*[.):\-]\s*", re.IGNORECASE)


def _text(raw: object) -> str | None:
    return parse_text(raw)


_GENERAL_FIELDS: dict[str, FieldSpec] = {
    "declaration_type": FieldSpec(parse_declaration_type),
    "year": FieldSpec(parse_year),
    "completed_on": FieldSpec(parse_date),
    "full_name": FieldSpec(_text),
    "date_of_birth": FieldSpec(parse_date),
    "id_number": FieldSpec(parse_identity),
    "position": FieldSpec(_text),
    "agency": FieldSpec(_text),
    "residence": FieldSpec(_text),
}
_RELATIVE_FIELDS = {
    "relation": FieldSpec(parse_relation, required=True),
    "full_name": FieldSpec(_text, required=True),
    "date_of_birth": FieldSpec(parse_date),
    "id_number": FieldSpec(parse_identity),
    "occupation": FieldSpec(_text),
    "workplace": FieldSpec(_text),
    "residence": FieldSpec(_text),
}
_ASSET_FIELDS = {
    "section": FieldSpec(parse_section, required=True),
    "owner": FieldSpec(_text),
    "name": FieldSpec(_text, required=True),
    "address": FieldSpec(_text),
    "area": FieldSpec(parse_decimal),
    "quantity": FieldSpec(parse_decimal),
    "certificate": FieldSpec(_text),
    "year_acquired": FieldSpec(partial(parse_year, low=1900)),
    "value": FieldSpec(partial(parse_amount, allow_negative=False), required=True),
    "country": FieldSpec(_text),
    "other_info": FieldSpec(_text),
}
_INCOME_FIELDS = {
    "earner": FieldSpec(parse_earner, required=True),
    "amount": FieldSpec(partial(parse_amount, allow_negative=False, allow_unknown=False), required=True),
    "note": FieldSpec(_text),
}
_VARIATION_FIELDS = {
    "section": FieldSpec(partial(parse_section, allow_income=True), required=True),
    "quantity_change": FieldSpec(partial(parse_decimal, allow_negative=True)),
    "value_change": FieldSpec(partial(parse_amount, allow_unknown=False)),
    "explanation": FieldSpec(_text),
}


def read_declaration(data: bytes, filename: str = "", *, max_errors: int = MAX_ERRORS,
                     **limits: int) -> ReadResult:
    """Read one declaration workbook: one DeclarationRecord, or the errors that reject it whole.

    `limits` are passed to `etl.workbook.open_workbook` (max_bytes, max_uncompressed, max_ratio,
    max_cells).
    """
    workbook, errors = open_workbook(data, filename, **limits)
    if workbook is None:
        return ReadResult(errors=errors)
    collector = Collector(max_errors)
    sheets = match_sheets(workbook.sheet_names, layout.DECLARATION_SHEETS, collector)
    loaded: dict[str, SheetData] = {}
    for key, name in sheets.items():
        sheet, sheet_errors = workbook.sheet(name)
        collector.extend(sheet_errors)
        if sheet is not None:
            loaded[key] = sheet

    general = _read_general(loaded["general"], collector) if "general" in loaded else None
    relatives = _read_relatives(loaded.get("relatives"), collector)
    assets = _read_assets(loaded.get("assets"), collector)
    incomes = _read_incomes(loaded.get("income"), collector)
    variations, no_change, has_variation_sheet = _read_variations(loaded.get("variations"), collector)

    if collector or general is None:
        return ReadResult(errors=collector.errors, errors_truncated=collector.truncated)
    record = DeclarationRecord(
        declaration_type=general["declaration_type"], year=general["year"],
        completed_on=general["completed_on"], full_name=general["full_name"],
        date_of_birth=general["date_of_birth"], identity=general["id_number"],
        position=general["position"], agency=general["agency"], residence=general["residence"],
        relatives=relatives, assets=assets, incomes=incomes, variations=variations,
        no_change=no_change, has_income_sheet=bool(incomes), has_variation_sheet=has_variation_sheet,
    )
    return ReadResult(records=[record])


# ---------------------------------------------------------------------------------------------
# Thông tin chung: label/value pairs anywhere on the sheet

def _general_field(text: str) -> str | None:
    hit = _GENERAL_KEYS.get(label_key(text))
    if hit is None:
        stripped = _ENUMERATION.sub("", text, count=1)
        if stripped != text:
            hit = _GENERAL_KEYS.get(label_key(stripped))
    return hit[0] if hit else None


def _read_general(sheet: SheetData, collector: Collector) -> dict[str, object] | None:
    """Each label of layout.GENERAL with the value in the next non-empty cell to its right (after the
    label's merged cells, and not past another label); or "label: value" in one cell."""
    merged_end = {(r0, c0): c1 for (r0, c0), (_r1, c1) in sheet.merged}
    labels: dict[tuple[int, int], str] = {}
    inline: dict[tuple[int, int], str] = {}
    for i, row in enumerate(sheet.rows):
        for j, value in enumerate(row):
            if value.__class__ is not str or not value or len(value) > 200:
                continue
            name = _general_field(value)
            if name is not None:
                labels[(i, j)] = name
            elif ":" in value:
                left, _, right = value.partition(":")
                name = _general_field(left)
                if name is not None and not is_blank(right):
                    inline[(i, j)] = name

    # field -> (label as written, row index, value column index, raw value)
    found: dict[str, tuple[str, int, int, object]] = {}
    for (i, j), name in sorted(labels.items()) + sorted(inline.items()):
        row = sheet.rows[i]
        if (i, j) in inline:
            label, _, raw = row[j].partition(":")
            label, start = label.strip(), j
        else:
            label, raw = row[j], ""
            start = merged_end.get((sheet.row0 + i, sheet.col0 + j), sheet.col0 + j) - sheet.col0 + 1
            for k in range(start, len(row)):
                if (i, k) in labels or (i, k) in inline:
                    break
                if not is_blank(row[k]):
                    raw = row[k]
                    start = k
                    break
        if name in found:
            previous = found[name]
            if is_blank(previous[3]):
                found[name] = (label, i, start, raw)
            elif not is_blank(raw) and raw_text(raw) != raw_text(previous[3]):
                collector.add(cell_error("duplicate_field", sheet=sheet.name, row=sheet.excel_row(i),
                                         column=sheet.column(start), header=label, value=raw_text(raw)))
            continue
        found[name] = (label, i, start, raw)

    values: dict[str, object] = {}
    ok = True
    for column in layout.GENERAL.columns:
        name = column.field
        if name not in found:
            values[name] = None
            if column.required:
                collector.add(cell_error("missing_field", sheet=sheet.name, header=column.label))
                ok = False
            continue
        label, i, j, raw = found[name]
        if is_blank(raw):
            values[name] = None
            if column.required:
                collector.add(cell_error("required", sheet=sheet.name, row=sheet.excel_row(i),
                                         column=sheet.column(j), header=label))
                ok = False
            continue
        try:
            values[name] = _GENERAL_FIELDS[name].parse(raw)
        except ParseError as exc:
            collector.add(value_error(exc, sheet, i, j, label, raw))
            ok = False
    return values if ok else None


# ---------------------------------------------------------------------------------------------
# The tables

def _table(sheet: SheetData | None, spec: layout.Sheet, collector: Collector, *,
           header_optional: bool = False) -> Header | None:
    """The header of a table sheet; errors when it cannot be found.

    An absent optional sheet, or one without any content, is no table and no error.
    """
    if sheet is None:
        return None
    header = find_header(sheet, spec, _TABLE_KEYS[spec.key])
    if header is not None and not header.missing:
        collector.extend(header_errors(sheet, spec, header))
        return header
    if not header_optional and (spec.required or any(not is_blank(v) for row in sheet.rows for v in row)):
        collector.extend(header_errors(sheet, spec, header))
    return None


def _read_relatives(sheet: SheetData | None, collector: Collector) -> list[RelativeRecord]:
    header = _table(sheet, layout.RELATIVES, collector)
    if header is None:
        return []
    return [RelativeRecord(relation=v["relation"], full_name=v["full_name"], date_of_birth=v["date_of_birth"],
                           identity=v["id_number"], occupation=v["occupation"], workplace=v["workplace"],
                           residence=v["residence"], row=row)
            for row, v in read_table(sheet, header, _RELATIVE_FIELDS, collector, key_fields=("relation",))]


def _read_assets(sheet: SheetData | None, collector: Collector) -> list[AssetRecord]:
    header = _table(sheet, layout.ASSETS, collector)
    if header is None:
        return []
    assets = []
    for row, v in read_table(sheet, header, _ASSET_FIELDS, collector, key_fields=("section",),
                             section_field="section"):
        assets.append(AssetRecord(
            section=v["section"], name=v["name"], owner=v["owner"], address=v["address"], area=v["area"],
            quantity=v["quantity"], certificate=v["certificate"], year_acquired=v["year_acquired"],
            value=v["value"], value_unknown=v["value"] is None, country=v["country"],
            other_info=v["other_info"], sheet=sheet.name, row=row))
    return assets


def _read_incomes(sheet: SheetData | None, collector: Collector) -> list[IncomeRecord]:
    header = _table(sheet, layout.INCOME, collector)
    if header is None:
        return []
    return [IncomeRecord(earner=v["earner"], amount=v["amount"], note=v["note"], row=row)
            for row, v in read_table(sheet, header, _INCOME_FIELDS, collector, key_fields=("earner",))]


def _read_variations(sheet: SheetData | None,
                     collector: Collector) -> tuple[list[VariationRecord], bool, bool]:
    """(rows, no_change, has_variation_sheet) of `Biến động`."""
    if sheet is None:
        return [], False, False
    no_change_at = next(((i, j) for i, row in enumerate(sheet.rows) for j, value in enumerate(row)
                         if value.__class__ is str and value and label_key(value) in _NO_CHANGE_KEYS), None)
    skip = frozenset({no_change_at[0]}) if no_change_at else frozenset()
    header = _table(sheet, layout.VARIATIONS, collector, header_optional=no_change_at is not None)
    variations: list[VariationRecord] = []
    before = len(collector.errors) + collector.truncated
    if header is not None:
        variations = [VariationRecord(section=v["section"], quantity_change=v["quantity_change"],
                                      value_change=v["value_change"], explanation=v["explanation"], row=row)
                      for row, v in read_table(sheet, header, _VARIATION_FIELDS, collector,
                                               key_fields=("section",), section_field="section",
                                               skip_rows=skip)]
    row_errors = len(collector.errors) + collector.truncated > before
    if no_change_at is not None and (variations or row_errors):
        i, j = no_change_at
        collector.add(cell_error("no_change_conflict", sheet=sheet.name, row=sheet.excel_row(i),
                                 column=sheet.column(j), value=raw_text(sheet.rows[i][j])))
    return variations, no_change_at is not None, bool(variations) or no_change_at is not None

