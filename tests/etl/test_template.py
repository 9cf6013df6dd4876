"""The blank workbooks of `declarations template`: official layout, dropdowns, formats, and a blank
template filled in as intended reads back to exactly what was typed."""
from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from etl import layout
from etl.records import (AssetRecord, DeclarationRecord, Identity, IncomeRecord, RelativeRecord, RosterRecord,
                         VariationRecord)
from etl.template import (DATE_FORMAT, FIRST_DATA_ROW, GENERAL_FIRST_ROW, HEADER_ROW, INSTRUCTIONS_SHEET,
                          VND_FORMAT, write_declaration_template, write_roster_template)

TABLES = (layout.RELATIVES, layout.ASSETS, layout.INCOME, layout.VARIATIONS)


@pytest.fixture(scope="module")
def declaration_template(tmp_path_factory):
    return write_declaration_template(tmp_path_factory.mktemp("tpl") / "ban-ke-khai.xlsx")


@pytest.fixture(scope="module")
def roster_template(tmp_path_factory):
    return write_roster_template(tmp_path_factory.mktemp("tpl") / "danh-sach.xlsx")


def _validations(ws) -> dict[str, list[str]]:
    """Top-left cell of each list validation -> its items."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        items = dv.formula1.strip('"').split(",")
        for cells in str(dv.sqref).split():
            out[cells.split(":")[0]] = items
    return out


def _column(spec: layout.Sheet, field: str) -> str:
    index = next(i for i, c in enumerate(spec.columns, 1) if c.field == field)
    return openpyxl.utils.get_column_letter(index)


def test_declaration_template_has_the_official_sheets_and_headers(declaration_template):
    wb = openpyxl.load_workbook(declaration_template)
    assert wb.sheetnames == [s.name for s in layout.DECLARATION_SHEETS] + [INSTRUCTIONS_SHEET]
    general = wb[layout.GENERAL.name]
    labels = [general.cell(row=GENERAL_FIRST_ROW + k, column=1).value
              for k in range(len(layout.GENERAL.columns))]
    assert labels == [c.label for c in layout.GENERAL.columns]
    for spec in TABLES:
        ws = wb[spec.name]
        assert [c.value for c in ws[HEADER_ROW]] == [c.label for c in spec.columns]
        assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
        assert ws.max_row == HEADER_ROW            # blank: nothing below the header
        assert ws.cell(row=1, column=1).value       # the title row


def test_declaration_template_dropdowns(declaration_template):
    wb = openpyxl.load_workbook(declaration_template)
    general = _validations(wb[layout.GENERAL.name])
    type_row = GENERAL_FIRST_ROW + [c.field for c in layout.GENERAL.columns].index("declaration_type")
    assert general[f"B{type_row}"] == [v[0] for v in layout.DECLARATION_TYPES.values()]
    first = f"{FIRST_DATA_ROW}"
    assets = _validations(wb[layout.ASSETS.name])
    assert assets[_column(layout.ASSETS, "section") + first] == list(layout.SECTIONS)
    assert _validations(wb[layout.VARIATIONS.name])[_column(layout.VARIATIONS, "section") + first] == [
        *layout.SECTIONS, layout.INCOME_SECTION_LABELS[0]]
    assert _validations(wb[layout.RELATIVES.name])[_column(layout.RELATIVES, "relation") + first] == [
        v[0] for v in layout.RELATIONS.values()]
    assert _validations(wb[layout.INCOME.name])[_column(layout.INCOME, "earner") + first] == [
        v[0] for v in layout.INCOME_EARNERS.values()]


def test_declaration_template_number_formats(declaration_template):
    wb = openpyxl.load_workbook(declaration_template)
    formats = {
        (layout.ASSETS, "value"): VND_FORMAT, (layout.INCOME, "amount"): VND_FORMAT,
        (layout.VARIATIONS, "value_change"): VND_FORMAT, (layout.RELATIVES, "date_of_birth"): DATE_FORMAT,
        (layout.RELATIVES, "id_number"): "@", (layout.ASSETS, "certificate"): "@",
    }
    for (spec, field), number_format in formats.items():
        column = wb[spec.name].column_dimensions[_column(spec, field)]
        assert column.number_format == number_format, (spec.name, field)
    general = wb[layout.GENERAL.name]
    fields = [c.field for c in layout.GENERAL.columns]
    def value_cell(field):
        return general.cell(row=GENERAL_FIRST_ROW + fields.index(field), column=2)
    assert value_cell("completed_on").number_format == DATE_FORMAT
    assert value_cell("date_of_birth").number_format == DATE_FORMAT
    assert value_cell("id_number").number_format == "@"
    instructions = [c.value for c in wb[INSTRUCTIONS_SHEET]["A"] if c.value]
    assert any("dd/mm/yyyy" in line for line in instructions)
    assert set(layout.SECTIONS) <= set(instructions)


def test_roster_template(roster_template):
    wb = openpyxl.load_workbook(roster_template)
    assert wb.sheetnames == [layout.ROSTER.name, INSTRUCTIONS_SHEET]
    ws = wb[layout.ROSTER.name]
    assert [c.value for c in ws[HEADER_ROW]] == [c.label for c in layout.ROSTER.columns]
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    dropdown = _validations(ws)[_column(layout.ROSTER, "declaration_type") + str(FIRST_DATA_ROW)]
    assert dropdown == [v[0] for v in layout.DECLARATION_TYPES.values()]
    for field in ("date_of_birth", "event_date"):
        assert ws.column_dimensions[_column(layout.ROSTER, field)].number_format == DATE_FORMAT


# -- filled in as intended, read back -----------------------------------------------------------

RECORD = DeclarationRecord(
    declaration_type="annual", year=2025, completed_on=date(2025, 12, 15), full_name="Nguyễn Thị Thu Hương",
    date_of_birth=date(1978, 3, 9), identity=Identity("cccd", "040178001234"),
    position="Phó Giám đốc Sở", agency="Sở Tài chính", residence="Số 12, đường Lê Lợi, phường Thành Vinh",
    relatives=[
        RelativeRecord("husband", "Lê Văn Hùng", date(1975, 1, 2), Identity("cccd", "040075009876"),
                       "Giáo viên", "Trường Tiểu học Vinh Tân", "Số 12, đường Lê Lợi, phường Thành Vinh"),
        RelativeRecord("minor_child", "Lê Minh Anh", date(2012, 5, 6), None, "Học sinh", None, None),
    ],
    assets=[
        AssetRecord("1.1", "Đất ở", owner="Nguyễn Thị Thu Hương", address="Số 12, đường Lê Lợi",
                    area=Decimal("120.5"), certificate="CS 012345", year_acquired=2010, value=1_200_000_000),
        AssetRecord("3.1", "Cây lâu năm (vườn cam)", value=None, value_unknown=True, year_acquired=2009,
                    other_info="Chưa thu hoạch ổn định"),
        AssetRecord("5", "Tiền gửi tiết kiệm tại ngân hàng BIDV", value=450_000_000),
        AssetRecord("7.1", "Xe ô tô Toyota Vios", quantity=Decimal(1), certificate="37A-123.45",
                    year_acquired=2025, value=560_000_000),
        AssetRecord("9", "Tài khoản tiền gửi tại ngân hàng DBS", certificate="120-456789-001",
                    year_acquired=2020, value=300_000_000, country="Singapore"),
    ],
    incomes=[IncomeRecord("declarant", 320_000_000, "Tiền lương"), IncomeRecord("spouse", 180_000_000, None)],
    variations=[
        VariationRecord("5", None, -200_000_000, "Rút tiền tiết kiệm để mua xe ô tô"),
        VariationRecord("7.1", Decimal(1), 560_000_000, "Mua bằng tiền tiết kiệm và thu nhập"),
        VariationRecord("income", None, 500_000_000, "Tổng thu nhập giữa hai lần kê khai"),
    ],
    has_income_sheet=True, has_variation_sheet=True,
)

_VOCAB = {"relation": layout.RELATIONS, "earner": layout.INCOME_EARNERS,
          "declaration_type": layout.DECLARATION_TYPES}


def _typed(field: str, value):
    """What a person picks or types into the template's cell for a record value."""
    if value is None:
        return None
    if field in _VOCAB:
        return _VOCAB[field][value][0]
    if isinstance(value, Identity):
        return value.number
    if field == "section" and value == layout.INCOME_SECTION:
        return layout.INCOME_SECTION_LABELS[0]
    if field == "value" and value is None:
        return layout.UNKNOWN_VALUE_TEXT
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def fill_declaration(template, record: DeclarationRecord) -> bytes:
    wb = openpyxl.load_workbook(template)
    ws = wb[layout.GENERAL.name]
    values = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    values["id_number"] = record.identity
    for k, column in enumerate(layout.GENERAL.columns):
        ws.cell(row=GENERAL_FIRST_ROW + k, column=2, value=_typed(column.field, values[column.field]))
    tables = {
        layout.RELATIVES: [{**dataclasses.asdict(r), "id_number": r.identity} for r in record.relatives],
        layout.ASSETS: [{**dataclasses.asdict(a),
                         "value": layout.UNKNOWN_VALUE_TEXT if a.value_unknown else a.value}
                        for a in record.assets],
        layout.INCOME: [dataclasses.asdict(i) for i in record.incomes],
        layout.VARIATIONS: [dataclasses.asdict(v) for v in record.variations],
    }
    for spec, rows in tables.items():
        ws = wb[spec.name]
        for r, row in enumerate(rows, start=FIRST_DATA_ROW):
            for c, column in enumerate(spec.columns, start=1):
                ws.cell(row=r, column=c, value=_typed(column.field, row.get(column.field)))
    if record.no_change:
        wb[layout.VARIATIONS.name].cell(row=FIRST_DATA_ROW, column=1, value=layout.NO_CHANGE_TEXT)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _plain(record) -> dict:
    data = dataclasses.asdict(record)

    def strip(x):
        if isinstance(x, dict):
            return {k: strip(v) for k, v in x.items() if k not in ("row", "sheet")}
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x
    return strip(data)


@pytest.mark.parametrize("variant", ["annual", "first", "no_change"])
def test_filled_declaration_template_reads_back(declaration_template, variant):
    declaration = pytest.importorskip("etl.declaration")
    record = RECORD
    if variant == "first":
        # Thu nhập and Biến động stay blank in a first-time declaration: read as absent.
        record = dataclasses.replace(RECORD, declaration_type="first", incomes=[], variations=[],
                                     has_income_sheet=False, has_variation_sheet=False)
    elif variant == "no_change":
        record = dataclasses.replace(RECORD, variations=[], no_change=True)
    result = declaration.read_declaration(fill_declaration(declaration_template, record), "ban-ke-khai.xlsx")
    assert result.errors == []
    assert _plain(result.records[0]) == _plain(record)


def test_filled_roster_template_reads_back(roster_template):
    roster = pytest.importorskip("etl.roster")
    records = [
        RosterRecord("Trần Văn Nam", date(1980, 2, 3), Identity("cccd", "001080001111"), "Sở Nội vụ", "first",
                     2025, position="Chuyên viên", event_date=date(2025, 3, 1), note="Tiếp nhận"),
        RosterRecord("Phạm Thị Lan", date(1972, 12, 30), Identity("cmnd", "182345678"), "Sở Nội vụ", "annual",
                     2025, position="Giám đốc Sở"),
        RosterRecord("Hồ Đức Anh", date(1985, 7, 7), Identity("cccd", "040085002222"),
                     "Ủy ban nhân dân xã Nam Đàn", "personnel", 2025,
                     position="Công chức Địa chính - Xây dựng", event_date=date(2025, 9, 1)),
    ]
    wb = openpyxl.load_workbook(roster_template)
    ws = wb[layout.ROSTER.name]
    for r, record in enumerate(records, start=FIRST_DATA_ROW):
        values = {**dataclasses.asdict(record), "seq": r - FIRST_DATA_ROW + 1, "id_number": record.identity}
        for c, column in enumerate(layout.ROSTER.columns, start=1):
            ws.cell(row=r, column=c, value=_typed(column.field, values.get(column.field)))
    buffer = io.BytesIO()
    wb.save(buffer)
    result = roster.read_roster(buffer.getvalue(), "danh-sach.xlsx")
    assert result.errors == []
    assert [_plain(r) for r in result.records] == [_plain(r) for r in records]
