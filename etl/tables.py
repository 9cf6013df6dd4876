"""Finding the official layout in a sheet as people really fill it: sheets and headers matched by
`label_key` against the names and synonyms of `etl.layout`, header rows below title rows, columns in
any order, blank rows, a totals row and a row of column numbers skipped. Shared by the readers.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from etl import layout
from etl.errors import cell_error
from etl.parsers import ParseError, is_blank, label_key, raw_text
from etl.records import CellError
from etl.workbook import SheetData

#: How far down a sheet the header row is looked for (title rows, agency name, form number…).
HEADER_SCAN_ROWS = 20
#: First cells of a totals row, which is skipped when it carries no section code.
TOTAL_KEYS = re.compile(r"(?:tong|tongcong|cong|tongso)(?:[0-9].*)?")      # «Tổng cộng: 12 người» too
_LEADING_NUMBER = re.compile(r"^[0-9]+")
_COLUMN_NUMBER = re.compile(r"\(?([0-9]{1,2})\)?")


class Collector:
    """The errors of one workbook, in the order found, capped at `limit` with a count of the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.errors: list[CellError] = []
        self.truncated = 0
        self._formulas: set[tuple] = set()

    def add(self, error: CellError) -> None:
        place = (error.sheet, error.row, error.column)
        if error.code == "formula_no_value":
            self._formulas.add(place)
        elif place in self._formulas:
            return          # the cell reads as empty because of its formula: one error is enough
        if len(self.errors) < self.limit:
            self.errors.append(error)
        else:
            self.truncated += 1

    def extend(self, errors: list[CellError]) -> None:
        for error in errors:
            self.add(error)

    def __bool__(self) -> bool:
        return bool(self.errors) or self.truncated > 0


def key_map(labels: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    """label_key of every spelling -> (field, rank of the spelling: 0 for the official one)."""
    keys: dict[str, tuple[str, int]] = {}
    for name, spellings in labels.items():
        for rank, spelling in enumerate(spellings):
            keys.setdefault(label_key(spelling), (name, rank))
    return keys


def match_sheets(names: list[str], specs: tuple[layout.Sheet, ...],
                 collector: Collector) -> dict[str, str]:
    """Which workbook sheet is which layout sheet: spec key -> sheet name as written.

    A name matches when its label_key is that of a name or synonym, also after a leading number
    ("1. Thông tin chung"). Two sheets for one spec are an error; a missing required one too.
    """
    keys = key_map({spec.key: spec.names for spec in specs})
    found: dict[str, str] = {}
    for name in names:
        key = label_key(name)
        hit = keys.get(key) or keys.get(_LEADING_NUMBER.sub("", key))
        if hit is None:
            continue
        spec_key = hit[0]
        if spec_key in found:
            expected = next(spec.name for spec in specs if spec.key == spec_key)
            collector.add(cell_error("duplicate_sheet", sheet=name, expected=expected))
            continue
        found[spec_key] = name
    for spec in specs:
        if spec.required and spec.key not in found:
            collector.add(cell_error("missing_sheet", sheet=spec.name))
    return found


@dataclass
class Header:
    """Where a table's header row is and which column holds which field."""

    index: int                                           #: index in SheetData.rows
    columns: dict[str, int] = field(default_factory=dict)    #: field -> column index in the row
    texts: dict[str, str] = field(default_factory=dict)      #: field -> header as written
    duplicates: list[tuple[str, int, str]] = field(default_factory=list)  #: (field, column, text)
    missing: list[layout.Column] = field(default_factory=list)           #: required, not found


def find_header(sheet: SheetData, spec: layout.Sheet, keys: dict[str, tuple[str, int]]) -> Header | None:
    """The row among the first HEADER_SCAN_ROWS that names the most known columns, preferring one
    with every required column; None when no row names any."""
    best: Header | None = None
    best_rank: tuple[int, int] = (-1, -1)
    for i, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        header = Header(i)
        for j, value in enumerate(row):
            if value.__class__ is not str or not value:
                continue
            hit = keys.get(label_key(value))
            if hit is None:
                continue
            name = hit[0]
            if name in header.columns:
                header.duplicates.append((name, j, value))
            else:
                header.columns[name] = j
                header.texts[name] = value
        if not header.columns:
            continue
        header.missing = [c for c in spec.columns if c.required and c.field not in header.columns]
        rank = (0 if header.missing else 1, len(header.columns))
        if rank > best_rank:
            best, best_rank = header, rank
    return best


def header_errors(sheet: SheetData, spec: layout.Sheet, header: Header | None) -> list[CellError]:
    """missing_column and duplicate_column errors of a table's header."""
    if header is None:
        return [cell_error("missing_column", sheet=sheet.name, header=c.label)
                for c in spec.columns if c.required]
    row = sheet.excel_row(header.index)
    errors = [cell_error("missing_column", sheet=sheet.name, row=row, header=c.label) for c in header.missing]
    errors += [cell_error("duplicate_column", sheet=sheet.name, row=row, column=sheet.column(j), header=text)
               for _name, j, text in header.duplicates]
    return errors


def is_totals_row(row: list, section_column: int | None) -> bool:
    """A «Tổng cộng» row: its first non-empty cell says so, and no section code is given."""
    for j, value in enumerate(row):
        if is_blank(value):
            continue
        if value.__class__ is not str or not TOTAL_KEYS.fullmatch(label_key(value)):
            return False
        return section_column is None or j == section_column or is_blank(row[section_column])
    return False


def is_column_number_row(row: list) -> bool:
    """The row of column numbers official forms print under the header: 1, 2, 3… or (1), (2)…"""
    numbers = []
    for value in row:
        if is_blank(value):
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            numbers.append(int(value))
        elif isinstance(value, str) and (m := _COLUMN_NUMBER.fullmatch(value.strip())):
            numbers.append(int(m.group(1)))
        else:
            return False
    return len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


Parser = Callable[[object], object]


@dataclass(frozen=True)
class FieldSpec:
    """How one column's cells are read."""

    parse: Parser
    required: bool = False
    cached: bool = False       #: cells repeat (agencies, types, dates): memoize per raw value


def read_table(sheet: SheetData, header: Header, fields: dict[str, FieldSpec], collector: Collector, *,
               key_fields: tuple[str, ...] = (), section_field: str | None = None,
               skip_rows: frozenset[int] = frozenset()) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (Excel row, field -> value) for every data row below the header that reads cleanly.

    A row is skipped when every column other than the `key_fields` (prefilled codes, STT) is empty,
    when it is a totals row, or the row of column numbers right below the header. Every cell that
    cannot be read adds an error to `collector`; its row is not yielded.
    """
    columns = [(name, header.columns[name], spec, {} if spec.cached else None)
               for name, spec in fields.items() if name in header.columns]
    content = [j for name, j, _spec, _cache in columns if name not in key_fields]
    section_column = header.columns.get(section_field) if section_field else None
    sheet_name = sheet.name
    first = header.index + 1
    for i in range(first, len(sheet.rows)):
        if i in skip_rows:
            continue
        row = sheet.rows[i]
        for j in content:
            value = row[j]
            if value != "" and value is not None and not (value.__class__ is str and value.isspace()):
                break
        else:
            continue
        if is_totals_row(row, section_column) or (i == first and is_column_number_row(row)):
            continue
        values: dict[str, object] = dict.fromkeys(fields)
        ok = True
        for name, j, spec, cache in columns:
            raw = row[j]
            if raw == "" or raw is None or (raw.__class__ is str and raw.isspace()):
                if spec.required:
                    collector.add(cell_error("required", sheet=sheet_name, row=sheet.excel_row(i),
                                             column=sheet.column(j), header=header.texts[name]))
                    ok = False
                continue
            if cache is None:
                try:
                    values[name] = spec.parse(raw)
                    continue
                except ParseError as exc:
                    failure = exc
            else:
                key = (raw.__class__, raw)
                hit = cache.get(key)
                if hit is None:
                    try:
                        hit = cache[key] = (True, spec.parse(raw))
                    except ParseError as exc:
                        hit = cache[key] = (False, exc)
                if hit[0]:
                    values[name] = hit[1]
                    continue
                failure = hit[1]
            collector.add(value_error(failure, sheet, i, j, header.texts[name], raw))
            ok = False
        if ok:
            yield sheet.excel_row(i), values


def value_error(exc: ParseError, sheet: SheetData, i: int, j: int, header: str | None, raw: object) -> CellError:
    """The CellError of a value that a parser refused, at its cell."""
    return CellError(code=exc.code, sheet=sheet.name, row=sheet.excel_row(i), column=sheet.column(j),
                     header=header, value=raw_text(raw), message_vi=exc.message_vi, message_en=exc.message_en)
