"""Cells of a workbook, read with python-calamine from bytes that passed `etl.safety`.

Calamine is fast but trusts the file: a sheet with one cell in A1 and one in XFD1048576 makes it
allocate the whole rectangle and abort the process, and a formula without a cached value reads as
an empty cell. So each sheet's XML is scanned first (cheaply, with byte searches and one regular
expression) for the rectangle its cells span and for formulas without values.
"""
from __future__ import annotations

import html
import io
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from etl import safety
from etl.errors import cell_error
from etl.records import CellError

#: Cells in one sheet's used rectangle; a 50,000-row roster of 15 columns is 750,000.
MAX_CELLS = 5_000_000

# Cells with content (`<c r="B7" ...>`, not the self-closing `<c r="B7" s="1"/>` calamine ignores).
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^<>/]*>')
_CELL_ANY = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?c\b[^<>]*>')
# Every repetition stops at the next '<' of a cell tag, so hostile input cannot make this quadratic.
_CELL_FULL = re.compile(rb'<((?:[A-Za-z_][\w.\-]*:)?)c\b([^<>]*?)'
                        rb'(?:/>|>((?:[^<]|<(?!/?(?:[A-Za-z_][\w.\-]*:)?c\b))*)</\1c>)')
_ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?row\b[^<>]*?\br="([0-9]{1,7})"')
_ATTRIBUTE = re.compile(r"""([\w.:\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ATTR_R = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_ATTR_T = re.compile(rb'\bt="([a-zA-Z]+)"')
_FORMULA = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]')
_VALUE = re.compile(rb'<((?:[A-Za-z_][\w.\-]*:)?)v>\s*[^<\s]')
_FORMULA_MARKERS = (b"<f", b":f")     # also <filterColumn> and the like: then the exact scan decides


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """Excel column letters of a 0-based column index: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """0-based column index of Excel column letters: 'A' -> 0, 'AA' -> 26."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass
class SheetData:
    """The used rectangle of a sheet. rows[i][j] is the cell at Excel row `row0 + i + 1`, column
    `column_letter(col0 + j)`; an empty cell is ''."""

    name: str
    rows: list[list]
    row0: int = 0
    col0: int = 0
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def excel_row(self, i: int) -> int:
        return self.row0 + i + 1

    def column(self, j: int) -> str:
        return column_letter(self.col0 + j)


@dataclass
class _Scan:
    cells: int                                     #: cells with content
    area: int                                      #: cells in the rectangle they span
    formulas_without_value: list[tuple[int, int]]  #: (Excel row, 0-based column)


class Workbook:
    """The worksheets of one .xlsx, loaded sheet by sheet on demand."""

    def __init__(self, package: safety.Package, book: CalamineWorkbook, parts: dict[str, str],
                 max_cells: int) -> None:
        self._package = package
        self._book = book
        self._parts = parts
        self._max_cells = max_cells
        self._scans: dict[str, _Scan] = {}
        visible = {meta.name for meta in book.sheets_metadata if meta.typ == SheetTypeEnum.WorkSheet}
        #: worksheet names in workbook order, as written (chart sheets and the like left out)
        self.sheet_names: list[str] = [name for name in book.sheet_names if name in visible]

    def _scan(self, name: str) -> _Scan:
        if name not in self._scans:
            xml = self._package.parts.get(self._parts.get(name, ""), b"")
            self._scans[name] = _scan_sheet(xml)
        return self._scans[name]

    def is_empty(self) -> bool:
        """No worksheet has a single cell with content."""
        return all(self._scan(name).cells == 0 for name in self.sheet_names)

    def sheet(self, name: str) -> tuple[SheetData | None, list[CellError]]:
        """The cells of sheet `name`, or the errors that prevent reading it with certainty."""
        if name not in self._parts:
            return None, [cell_error("unreadable", sheet=name, detail="sheet part not found")]
        scan = self._scan(name)
        if scan.area > self._max_cells:
            return None, [cell_error("sheet_too_large", sheet=name, limit=self._max_cells)]
        errors = [cell_error("formula_no_value", sheet=name, row=row, column=column_letter(col))
                  for row, col in scan.formulas_without_value]
        if scan.cells == 0:
            return SheetData(name, []), errors
        try:
            calamine_sheet = self._book.get_sheet_by_name(name)
            start = calamine_sheet.start
            rows = calamine_sheet.to_python(skip_empty_area=True)
            merged = calamine_sheet.merged_cell_ranges or []
        except CalamineError as exc:
            return None, errors + [cell_error("unreadable", sheet=name, detail=str(exc)[:200])]
        if start is None:
            return SheetData(name, [], merged=merged), errors
        return SheetData(name, rows, start[0], start[1], merged), errors


def open_workbook(data: bytes, filename: str = "", *, max_bytes: int = safety.MAX_BYTES,
                  max_uncompressed: int = safety.MAX_UNCOMPRESSED, max_ratio: float = safety.MAX_RATIO,
                  max_cells: int = MAX_CELLS) -> tuple[Workbook | None, list[CellError]]:
    """Check `data` (etl.safety) and open it; (None, errors) when it cannot be read."""
    package, errors = safety.open_package(data, filename, max_bytes=max_bytes,
                                          max_uncompressed=max_uncompressed, max_ratio=max_ratio)
    if package is None:
        return None, errors
    try:
        parts = _sheet_parts(package)
    except (KeyError, ValueError) as exc:
        return None, [cell_error("not_xlsx", value=filename or None, detail=str(exc)[:200])]
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        workbook = Workbook(package, book, parts, max_cells)
    except CalamineError as exc:
        return None, [cell_error("unreadable", value=filename or None, detail=str(exc)[:200])]
    if not workbook.sheet_names or workbook.is_empty():
        return None, [cell_error("empty_workbook", value=filename or None)]
    return workbook, []


def _sheet_parts(package: safety.Package) -> dict[str, str]:
    """Sheet name -> the zip part holding its XML, from the workbook part and its relationships.

    The parts are small and were checked free of DTDs (etl.safety), so their elements are read
    with a regular expression rather than a full XML parser: this runs once per uploaded file.
    """
    parts = package.parts
    main = "xl/workbook.xml"
    for attrs in _elements(parts.get("_rels/.rels", b""), b"Relationship"):
        if attrs.get("Type", "").endswith("/officeDocument"):
            main = attrs.get("Target", main).lstrip("/")
    if main not in parts:
        raise KeyError("workbook part missing")
    folder, base = posixpath.split(main)
    targets: dict[str, str] = {}
    for attrs in _elements(parts.get(posixpath.join(folder, "_rels", base + ".rels"), b""), b"Relationship"):
        target = attrs.get("Target", "")
        targets[attrs.get("Id", "")] = (target.lstrip("/") if target.startswith("/")
                                        else posixpath.normpath(posixpath.join(folder, target)))
    sheets: dict[str, str] = {}
    for attrs in _elements(parts[main], b"sheet"):
        rid = next((value for name, value in attrs.items() if name.endswith(":id")), None)
        if rid in targets and "name" in attrs:
            sheets[attrs["name"]] = targets[rid]
    return sheets


def _elements(xml: bytes, tag: bytes) -> list[dict[str, str]]:
    """The attributes of every `tag` element (any namespace prefix) in `xml`."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?" + tag + rb"\b([^<>]*)>")
    found = []
    for m in pattern.finditer(xml):
        text = m.group(1).decode("utf-8")
        found.append({name: html.unescape(v1 if v1 or not v2 else v2)
                      for name, v1, v2 in _ATTRIBUTE.findall(text)})
    return found


def _scan_sheet(xml: bytes) -> _Scan:
    """Count the cells with content, the rectangle they span, and find formulas without values."""
    unnumbered = 0
    if xml.count(b"<c ") + xml.count(b":c ") == xml.count(b'<c r="'):
        refs = _CELL_REF.findall(xml)
    else:                                    # a writer that prefixes elements or puts `r` later
        refs, unnumbered = _slow_refs(xml)
    if refs:
        col_numbers = [column_index(letters.decode()) for letters in {letters for letters, _ in refs}]
        rows = [int(n) for n in {number for _, number in refs}]
        area = (max(rows) - min(rows) + 1) * (max(col_numbers) - min(col_numbers) + 1)
    else:
        area = 0
    if unnumbered:
        # Cells without `r` are placed after the previous one, rows by their own `r`: bound the
        # rectangle from above by the last row number and every such cell in one row.
        row_numbers = [int(n) for n in _ROW_REF.findall(xml)] or [0]
        row_bound = max(max(row_numbers), xml.count(b"<row") + xml.count(b":row"))
        col_bound = (max(col_numbers) + 1 if refs else 0) + unnumbered
        area = max(area, row_bound * col_bound)
    missing: list[tuple[int, int]] = []
    if any(marker in xml for marker in _FORMULA_MARKERS):
        for m in _CELL_FULL.finditer(xml):
            inner = m.group(3)
            if not inner or not _FORMULA.search(inner) or _VALUE.search(inner):
                continue
            kind = _ATTR_T.search(m.group(2))
            if kind and kind.group(1) == b"str":
                continue                     # a formula whose cached value is the empty string
            ref = _ATTR_R.search(m.group(2))
            if ref:
                missing.append((int(ref.group(2)), column_index(ref.group(1).decode())))
    return _Scan(len(refs) + unnumbered, area, missing)


def _slow_refs(xml: bytes) -> tuple[list[tuple[bytes, bytes]], int]:
    refs = []
    unnumbered = 0
    for m in _CELL_ANY.finditer(xml):
        tag = m.group(0)
        if tag.endswith(b"/>"):
            continue
        ref = _ATTR_R.search(tag)
        if ref:
            refs.append((ref.group(1), ref.group(2)))
        else:
            unnumbered += 1
    return refs, unnumbered
