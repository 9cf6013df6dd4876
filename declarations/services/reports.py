"""The periodic reports: the annual report on asset and income control, and the consolidated list of obliged persons.

The annual report counts, per agency and for the province, the roster's obligations for a year
(one per roster entry: a person listed for two declaration types counts twice) and what became of
them; the figures the national statistics publish (declared, % of obliged, late, verified) are among
them (vn_law_brief §7). Writers lay them out for printing (.xlsx) or as plain tables (.csv).
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import BinaryIO

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from declarations.legal import DEFAULT_WEIGHTS, TIMEZONE, LegalParams, today
from declarations.models import (CASE_STATES, Agency, Case, Declaration, ExplanationRequest, Flag, Person,
                                 RosterEntry)
from declarations.services.completeness import obligations
from declarations.services.reminders import reminder_history


TYPE_NAMES = {"first": "Lần đầu", "annual": "Hằng năm", "supplementary": "Bổ sung",
              "personnel": "Phục vụ công tác cán bộ"}
RULE_NAMES = {
    "MISSING": "Chưa kê khai quá hạn",
    "LATE": "Kê khai chậm",
    "UNEXPLAINED_INCREASE": "Tăng tài sản chưa giải trình",
    "WEALTH_EXCEEDS_INCOME": "Tài sản tăng vượt thu nhập",
    "ASSET_DISAPPEARED": "Tài sản không còn kê khai",
    "VALUE_CHANGED": "Giá trị tài sản thay đổi",
    "VARIATION_MISMATCH": "Biến động không khớp",
    "NEW_FOREIGN_ASSET": "Tài sản mới ở nước ngoài",
    "SUPPLEMENTARY_MISSING": "Thiếu kê khai bổ sung",
    "FORM_INCONSISTENT": "Không đúng mẫu",
}
STATE_NAMES = {
    "new": "Mới",
    "in_review": "Đang xem xét",
    "explanation_requested": "Đã yêu cầu giải trình",
    "explanation_received": "Đã nhận giải trình",
    "cleared": "Đã kết thúc",
    "escalation_proposed": "Đề xuất xác minh",
    "verification": "Chuyển xác minh",
}
NO_AGENCY = "(Chưa xác định cơ quan)"


# --- the figures ------------------------------------------------------------------------------------

@dataclass
class Figures:
    """The report's counts for one agency (or the province)."""

    agency_id: int | None
    agency_name: str
    obliged: int = 0
    declared: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    missing_after_two_reminders: int = 0
    escalation_marked: int = 0
    explanations_requested: int = 0
    explanations_received: int = 0
    verification: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)

    @property
    def declared_rate(self) -> float | None:
        """Share of the obliged who declared (0..1), None when nobody was obliged."""
        return self.declared / self.obliged if self.obliged else None

    @property
    def open_flags(self) -> int:
        return sum(self.flags.values())

    @property
    def case_total(self) -> int:
        return sum(self.cases.values())

    def add(self, other: "Figures") -> None:
        for name in ("obliged", "declared", "on_time", "late", "missing", "missing_after_two_reminders",
                     "escalation_marked", "explanations_requested", "explanations_received", "verification"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.flags.items():
            self.flags[code] = self.flags.get(code, 0) + n
        for state, n in other.cases.items():
            self.cases[state] = self.cases.get(state, 0) + n


@dataclass
class MissingRow:
    """A person still without the declaration a roster entry says they owe."""

    roster_entry_id: int
    full_name: str
    date_of_birth: date | None
    id_number: str | None
    position: str | None
    agency_name: str
    declaration_type: str
    year: int
    due: date | None
    reminder_1: datetime | None
    reminder_2: datetime | None
    escalation_marked_at: datetime | None
    note: str | None


@dataclass
class AnnualReport:
    province_name: str
    year: int
    as_of: date
    rows: list[Figures]
    total: Figures
    missing: list[MissingRow]
    rule_codes: list[str]
    states: tuple[str, ...] = CASE_STATES
    scope_label: str = "Toàn tỉnh"


def resolve_agency(session: Session, name_or_id: str) -> set[int]:
    """The agency given by id or by name (however spelt), with its sub-units; LookupError if unknown."""
    from etl.text import label_key

    text = name_or_id.strip()
    agency = session.get(Agency, int(text)) if text.isdigit() else session.scalar(
        sa.select(Agency).where(Agency.name_key == label_key(text)))
    if agency is None:
        raise LookupError(f"không có cơ quan/đơn vị {name_or_id!r} (unknown agency)")
    ids = {agency.id}
    frontier = {agency.id}
    while frontier:
        frontier = set(session.scalars(sa.select(Agency.id).where(Agency.parent_id.in_(frontier)))) - ids
        ids |= frontier
    return ids


def annual_report(session: Session, year: int, *, agency_ids: set[int] | None = None, province_name: str,
                  as_of: date | None = None, params: LegalParams | None = None) -> AnnualReport:
    """The annual report for `year`: figures per agency and for the whole scope, and the people missing."""
    from declarations.services.legal import load_params

    params = params or load_params(session)
    as_of = as_of or today()
    per: dict[int | None, Figures] = {}

    def fig(agency_id: int | None) -> Figures:
        if agency_id not in per:
            per[agency_id] = Figures(agency_id, "")
        return per[agency_id]

    def scoped(column):
        return column.in_(agency_ids) if agency_ids is not None else sa.true()

    # Obligations and what became of them.
    entries = session.execute(
        sa.select(RosterEntry.id, RosterEntry.person_id, RosterEntry.agency_id, RosterEntry.declaration_type,
                  RosterEntry.year, RosterEntry.event_date, RosterEntry.position, RosterEntry.note)
        .where(RosterEntry.year == year, scoped(RosterEntry.agency_id)).order_by(RosterEntry.id)).all()
    # One place classifies an obligation as on time, late, missing or not yet due (services.completeness).
    status = {o.roster_entry_id: o.status for o in obligations(session, year, params=params, as_of=as_of,
                                                               agency_ids=agency_ids)}
    history = reminder_history(session, [e.id for e in entries])
    marked = {rid: at for rid, at in session.execute(
        sa.select(Flag.roster_entry_id, Flag.escalation_marked_at).where(
            Flag.rule_code == "MISSING", Flag.year == year, Flag.status == "open",
            Flag.escalation_marked_at.is_not(None)))}
    missing_entries = []
    for entry in entries:
        f = fig(entry.agency_id)
        f.obliged += 1
        reminders = history.get(entry.id, {})
        if status[entry.id] in ("on_time", "late"):
            f.declared += 1
            setattr(f, status[entry.id], getattr(f, status[entry.id]) + 1)
            continue
        if status[entry.id] == "pending":  # not yet due on the report date: neither declared nor missing
            continue
        f.missing += 1
        if 1 in reminders and 2 in reminders:
            f.missing_after_two_reminders += 1
        if entry.id in marked:
            f.escalation_marked += 1
        missing_entries.append((entry, reminders))

    # Open flags for the year, per rule, attributed to the agency of what they concern.
    decl, roster = aliased(Declaration), aliased(RosterEntry)
    flag_agency = sa.func.coalesce(decl.agency_id, roster.agency_id, Person.agency_id)
    for agency_id, code, n in session.execute(
            sa.select(flag_agency, Flag.rule_code, sa.func.count(Flag.id))
            .join(Person, Person.id == Flag.person_id)
            .outerjoin(decl, decl.id == Flag.declaration_id).outerjoin(roster, roster.id == Flag.roster_entry_id)
            .where(Flag.year == year, Flag.status == "open", scoped(flag_agency))
            .group_by(flag_agency, Flag.rule_code)):
        f = fig(agency_id)
        f.flags[code] = f.flags.get(code, 0) + n

    # Review cases, explanations and escalations to verification.
    case_agency = sa.func.coalesce(Case.agency_id, Person.agency_id)
    for agency_id, state, n in session.execute(
            sa.select(case_agency, Case.state, sa.func.count(Case.id)).join(Person, Person.id == Case.person_id)
            .where(Case.year == year, scoped(case_agency)).group_by(case_agency, Case.state)):
        f = fig(agency_id)
        f.cases[state] = f.cases.get(state, 0) + n
        if state == "verification":
            f.verification += n
    for agency_id, requested, received in session.execute(
            sa.select(case_agency, sa.func.count(ExplanationRequest.id), sa.func.count(ExplanationRequest.answered_at))
            .join(Case, Case.id == ExplanationRequest.case_id).join(Person, Person.id == Case.person_id)
            .where(Case.year == year, scoped(case_agency)).group_by(case_agency)):
        f = fig(agency_id)
        f.explanations_requested += requested
        f.explanations_received += received

    names = dict(session.execute(sa.select(Agency.id, Agency.name).where(
        Agency.id.in_([a for a in per if a is not None]))).all()) if per else {}
    for agency_id, f in per.items():
        f.agency_name = names.get(agency_id, NO_AGENCY) if agency_id is not None else NO_AGENCY
    rows = sorted(per.values(), key=lambda f: (f.agency_id is None, _sort_key(f.agency_name)))
    total = Figures(None, "Tổng cộng")
    for f in rows:
        total.add(f)
    codes = list(DEFAULT_WEIGHTS) + sorted(set(total.flags) - set(DEFAULT_WEIGHTS))
    return AnnualReport(province_name, year, as_of, rows, total, _missing_rows(session, missing_entries, params,
                                                                                marked),
                        codes, scope_label="Toàn tỉnh" if agency_ids is None else ", ".join(
                            f.agency_name for f in rows if f.agency_id is not None) or "—")


def _due(params: LegalParams, entry) -> date | None:
    try:
        return params.due_date(entry.declaration_type, entry.year, entry.event_date)
    except ValueError:  # an event-dated obligation without its event date: no deadline to judge by
        return None


def _sort_key(name: str) -> str:
    from etl.text import label_key

    return label_key(name)


def _missing_rows(session: Session, missing_entries, params: LegalParams, marked: dict) -> list[MissingRow]:
    if not missing_entries:
        return []
    person_ids = {entry.person_id for entry, _ in missing_entries}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(person_ids)))}
    agencies = dict(session.execute(sa.select(Agency.id, Agency.name)).all())
    rows = []
    for entry, reminders in missing_entries:
        person = people[entry.person_id]
        rows.append(MissingRow(entry.id, person.full_name, person.date_of_birth, person.identity_number,
                               entry.position or person.position, agencies.get(entry.agency_id, NO_AGENCY),
                               entry.declaration_type, entry.year, _due(params, entry), reminders.get(1),
                               reminders.get(2), marked.get(entry.id), entry.note))
    rows.sort(key=lambda r: (_sort_key(r.agency_name), _sort_key(r.full_name), r.roster_entry_id))
    return rows


# --- the consolidated list of obliged persons -------------------------------------------------------

@dataclass
class ListRow:
    agency_name: str
    full_name: str
    date_of_birth: date | None
    position: str | None
    note: str


@dataclass
class ObligedList:
    province_name: str
    year: int
    rows: list[ListRow]

    def by_agency(self) -> list[tuple[str, list[ListRow]]]:
        groups: dict[str, list[ListRow]] = defaultdict(list)
        for row in self.rows:
            groups[row.agency_name].append(row)
        return list(groups.items())


def obliged_list(session: Session, year: int, *, agency_ids: set[int] | None = None,
                 province_name: str) -> ObligedList:
    """"Tổng hợp danh sách người có nghĩa vụ kê khai tài sản, thu nhập" for `year`: one line per person and agency."""
    query = (sa.select(RosterEntry, Person, Agency.name).join(Person, Person.id == RosterEntry.person_id)
             .join(Agency, Agency.id == RosterEntry.agency_id).where(RosterEntry.year == year))
    if agency_ids is not None:
        query = query.where(RosterEntry.agency_id.in_(agency_ids))
    merged: dict[tuple[str, int], dict] = {}
    for entry, person, agency_name in session.execute(query.order_by(RosterEntry.id)):
        slot = merged.setdefault((agency_name, person.id), {
            "person": person, "position": entry.position or person.position, "types": [], "notes": []})
        slot["types"].append(entry.declaration_type)
        if entry.note and entry.note not in slot["notes"]:
            slot["notes"].append(entry.note)
    rows = []
    for (agency_name, _pid), slot in merged.items():
        kinds = [f"Kê khai {TYPE_NAMES[t].lower()}" for t in dict.fromkeys(slot["types"]) if t != "annual"]
        rows.append(ListRow(agency_name, slot["person"].full_name, slot["person"].date_of_birth, slot["position"],
                            "; ".join(kinds + slot["notes"])))
    rows.sort(key=lambda r: (_sort_key(r.agency_name), _sort_key(r.full_name)))
    return ObligedList(province_name, year, rows)


# --- writers: .xlsx laid out for printing ----------------------------------------------------------

def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "bold": Font(name="Times New Roman", bold=True, size=11),
        "normal": Font(name="Times New Roman", size=11),
        "title": Font(name="Times New Roman", bold=True, size=14),
        "italic": Font(name="Times New Roman", italic=True, size=11),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "right": Alignment(horizontal="right", vertical="center"),
        "head_fill": PatternFill("solid", fgColor="DDEBF7"),
        "total_fill": PatternFill("solid", fgColor="F2F2F2"),
    }


INT_FORMAT = "#,##0"
PCT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"


def _heading(ws, province: str, title: str, subtitle: str, width: int, st) -> int:
    """The administrative heading (agency left, national motto right), title and period; returns the next row."""
    from openpyxl.utils import get_column_letter

    half = max(2, width // 2)
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{get_column_letter(half - 1)}1")
    ws["A1"] = f"THANH TRA {province.upper()}"
    ws.merge_cells(f"{get_column_letter(half)}1:{last}1")
    ws.cell(1, half, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    ws.merge_cells(f"{get_column_letter(half)}2:{last}2")
    ws.cell(2, half, "Độc lập - Tự do - Hạnh phúc")
    for cell in (ws["A1"], ws.cell(1, half)):
        cell.font, cell.alignment = st["bold"], st["center"]
    ws.cell(2, half).font, ws.cell(2, half).alignment = st["bold"], st["center"]
    ws.merge_cells(f"A4:{last}4")
    ws["A4"] = title
    ws["A4"].font, ws["A4"].alignment = st["title"], st["center"]
    ws.row_dimensions[4].height = 36
    ws.merge_cells(f"A5:{last}5")
    ws["A5"] = subtitle
    ws["A5"].font, ws["A5"].alignment = st["italic"], st["center"]
    ws.row_dimensions[5].height = 30
    return 7


def _header(ws, row: int, columns: list[str], st, groups: list[tuple[str, int, int]] = ()) -> int:
    """Header labels at `row` (two rows when `groups` merge some under a common label); returns the first data row."""
    from openpyxl.utils import get_column_letter

    grouped = {c for _label, start, end in groups for c in range(start, end + 1)}
    rows = 2 if groups else 1
    for index, label in enumerate(columns, start=1):
        if index in grouped:
            cell = ws.cell(row + 1, index, label)
        else:
            cell = ws.cell(row, index, label)
            if rows == 2:
                ws.merge_cells(start_row=row, start_column=index, end_row=row + 1, end_column=index)
    for label, start, end in groups:
        ws.cell(row, start, label)
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=end)
    # column numbering, as on official statistical forms: (1), (2), ...
    number_row = row + rows
    for index in range(1, len(columns) + 1):
        ws.cell(number_row, index, f"({index})")
    for r in range(row, number_row + 1):
        for index in range(1, len(columns) + 1):
            cell = ws.cell(r, index)
            cell.border, cell.alignment = st["border"], st["center"]
            cell.font = st["bold"] if r < number_row else st["italic"]
            if r < number_row:
                cell.fill = st["head_fill"]
    ws.row_dimensions[row].height = 30
    if rows == 2:
        ws.row_dimensions[row + 1].height = 45
    ws.print_title_rows = f"{row}:{number_row}"
    ws.freeze_panes = ws.cell(number_row + 1, 3)
    _ = get_column_letter
    return number_row + 1


def _data_row(ws, row: int, values: list, st, formats: dict[int, str], *, total: bool = False) -> None:
    for index, value in enumerate(values, start=1):
        cell = ws.cell(row, index, value)
        cell.border = st["border"]
        cell.font = st["bold"] if total else st["normal"]
        if index in formats:
            cell.number_format = formats[index]
            cell.alignment = st["right"]
        else:
            cell.alignment = st["left"] if index > 1 else st["center"]
        if total:
            cell.fill = st["total_fill"]


def _print_setup(ws, widths: list[float], *, landscape: bool = True) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P / &N"


def _signature(ws, row: int, width: int, st, as_of: date, right_title: str) -> None:
    from openpyxl.utils import get_column_letter

    half = max(2, width // 2)
    last = get_column_letter(width)
    ws.merge_cells(f"{get_column_letter(half)}{row}:{last}{row}")
    ws.cell(row, half, f"…, ngày {as_of.day:02d} tháng {as_of.month:02d} năm {as_of.year}").font = st["italic"]
    ws.cell(row, half).alignment = st["center"]
    ws.merge_cells(f"A{row + 1}:{get_column_letter(half - 1)}{row + 1}")
    ws.cell(row + 1, 1, "NGƯỜI LẬP BIỂU").font = st["bold"]
    ws.cell(row + 1, 1).alignment = st["center"]
    ws.merge_cells(f"{get_column_letter(half)}{row + 1}:{last}{row + 1}")
    ws.cell(row + 1, half, right_title).font = st["bold"]
    ws.cell(row + 1, half).alignment = st["center"]
    ws.merge_cells(f"A{row + 2}:{get_column_letter(half - 1)}{row + 2}")
    ws.cell(row + 2, 1, "(Ký, ghi rõ họ tên)").font = st["italic"]
    ws.cell(row + 2, 1).alignment = st["center"]
    ws.merge_cells(f"{get_column_letter(half)}{row + 2}:{last}{row + 2}")
    ws.cell(row + 2, half, "(Ký, ghi rõ họ tên, đóng dấu)").font = st["italic"]
    ws.cell(row + 2, half).alignment = st["center"]


#: the summary sheet: (header, value getter, number format); groups merge headers over columns
SUMMARY_COLUMNS: list[tuple[str, object, str | None]] = [
    ("STT", None, None),
    ("Cơ quan, đơn vị", None, None),
    ("Số người có nghĩa vụ kê khai", lambda f: f.obliged, INT_FORMAT),
    ("Tổng số", lambda f: f.declared, INT_FORMAT),
    ("Đúng hạn", lambda f: f.on_time, INT_FORMAT),
    ("Chậm hạn", lambda f: f.late, INT_FORMAT),
    ("Tỷ lệ đã kê khai", lambda f: f.declared_rate, PCT_FORMAT),
    ("Tổng số", lambda f: f.missing, INT_FORMAT),
    ("Sau 02 lần đôn đốc", lambda f: f.missing_after_two_reminders, INT_FORMAT),
    ("Cảnh báo đang mở", lambda f: f.open_flags, INT_FORMAT),
    ("Đã yêu cầu", lambda f: f.explanations_requested, INT_FORMAT),
    ("Đã nhận", lambda f: f.explanations_received, INT_FORMAT),
    ("Chuyển xác minh", lambda f: f.verification, INT_FORMAT),
]
SUMMARY_GROUPS = [("Đã kê khai", 4, 7), ("Chưa kê khai", 8, 9), ("Giải trình", 11, 12)]
SHEET_SUMMARY = "Báo cáo tổng hợp"
SHEET_FLAGS = "Cảnh báo theo quy tắc"
SHEET_CASES = "Vụ việc theo trạng thái"
SHEET_MISSING = "Danh sách chưa kê khai"
MISSING_COLUMNS = ["STT", "Họ và tên", "Ngày sinh", "Số CCCD/CMND", "Chức vụ/chức danh", "Cơ quan/đơn vị",
                   "Loại kê khai", "Năm", "Hạn kê khai", "Đôn đốc lần 1", "Đôn đốc lần 2",
                   "Đánh dấu xử lý (NĐ 130, Điều 20.2)", "Ghi chú"]
LIST_TITLE = "TỔNG HỢP DANH SÁCH NGƯỜI CÓ NGHĨA VỤ KÊ KHAI TÀI SẢN, THU NHẬP"
LIST_COLUMNS = ["STT", "Họ và tên", "Ngày tháng năm sinh", "Chức vụ/chức danh công tác", "Cơ quan/đơn vị công tác",
                "Ghi chú"]


def _period(report: AnnualReport) -> str:
    return (f"{report.province_name} · Phạm vi: {report.scope_label} · Kỳ báo cáo: năm {report.year} "
            f"(từ ngày 01/01/{report.year} đến ngày 31/12/{report.year}) · "
            f"Số liệu tính đến ngày {report.as_of:%d/%m/%Y}")


def _local(value: datetime | None) -> date | None:
    return value.astimezone(TIMEZONE).date() if value is not None and value.tzinfo else (
        value.date() if value is not None else None)


def write_report_xlsx(report: AnnualReport, stream: BinaryIO) -> None:
    """The annual report as a printable workbook: summary, flags per rule, cases per state, people missing."""
    from openpyxl import Workbook

    st = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_SUMMARY
    width = len(SUMMARY_COLUMNS)
    title = f"BÁO CÁO KẾT QUẢ KIỂM SOÁT TÀI SẢN, THU NHẬP NĂM {report.year}"
    row = _heading(ws, report.province_name, title, _period(report), width, st)
    row = _header(ws, row, [c[0] for c in SUMMARY_COLUMNS], st, SUMMARY_GROUPS)
    formats = {i: fmt for i, (_h, _g, fmt) in enumerate(SUMMARY_COLUMNS, start=1) if fmt}
    for n, f in enumerate(report.rows, start=1):
        _data_row(ws, row, [n, f.agency_name] + [g(f) for _h, g, _f in SUMMARY_COLUMNS[2:]], st, formats)
        row += 1
    _data_row(ws, row, ["", "Tổng cộng"] + [g(report.total) for _h, g, _f in SUMMARY_COLUMNS[2:]], st, formats,
              total=True)
    row += 2
    ws.cell(row, 1, "Ghi chú: mỗi dòng của danh sách người có nghĩa vụ kê khai (người, loại kê khai) được tính "
                    "một lần; \"Chậm hạn\" theo ngày hoàn thành kê khai so với hạn (Luật PCTN 2018, Điều 36); "
                    "\"Sau 02 lần đôn đốc\": NĐ 130/2020/NĐ-CP, khoản 2 Điều 20.").font = st["italic"]
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.cell(row, 1).alignment = st["left"]
    ws.row_dimensions[row].height = 30
    _signature(ws, row + 2, width, st, report.as_of, "CHÁNH THANH TRA")
    _print_setup(ws, [6, 34, 13, 10, 10, 10, 11, 10, 12, 11, 11, 10, 11])

    # Flags per rule.
    ws = wb.create_sheet(SHEET_FLAGS)
    codes = report.rule_codes
    columns = ["STT", "Cơ quan, đơn vị"] + [f"{RULE_NAMES.get(c, c)} ({c})" for c in codes] + ["Tổng số"]
    row = _heading(ws, report.province_name, f"CẢNH BÁO ĐANG MỞ THEO QUY TẮC KIỂM TRA – NĂM {report.year}",
                   _period(report), len(columns), st)
    row = _header(ws, row, columns, st)
    formats = {i: INT_FORMAT for i in range(3, len(columns) + 1)}
    for n, f in enumerate(report.rows, start=1):
        _data_row(ws, row, [n, f.agency_name] + [f.flags.get(c, 0) for c in codes] + [f.open_flags], st, formats)
        row += 1
    _data_row(ws, row, ["", "Tổng cộng"] + [report.total.flags.get(c, 0) for c in codes]
              + [report.total.open_flags], st, formats, total=True)
    _print_setup(ws, [6, 34] + [13] * len(codes) + [10])

    # Cases per state.
    ws = wb.create_sheet(SHEET_CASES)
    columns = ["STT", "Cơ quan, đơn vị"] + [STATE_NAMES.get(s, s) for s in report.states] + ["Tổng số"]
    row = _heading(ws, report.province_name, f"VỤ VIỆC XEM XÉT THEO TRẠNG THÁI – NĂM {report.year}",
                   _period(report), len(columns), st)
    row = _header(ws, row, columns, st)
    formats = {i: INT_FORMAT for i in range(3, len(columns) + 1)}
    for n, f in enumerate(report.rows, start=1):
        _data_row(ws, row, [n, f.agency_name] + [f.cases.get(s, 0) for s in report.states] + [f.case_total], st,
                  formats)
        row += 1
    _data_row(ws, row, ["", "Tổng cộng"] + [report.total.cases.get(s, 0) for s in report.states]
              + [report.total.case_total], st, formats, total=True)
    _print_setup(ws, [6, 34] + [14] * len(report.states) + [10])

    _missing_sheet(wb.create_sheet(SHEET_MISSING), report, st)
    wb.save(stream)


def _missing_sheet(ws, report: AnnualReport, st) -> None:
    row = _heading(ws, report.province_name, f"DANH SÁCH NGƯỜI CHƯA KÊ KHAI TÀI SẢN, THU NHẬP NĂM {report.year}",
                   _period(report), len(MISSING_COLUMNS), st)
    row = _header(ws, row, MISSING_COLUMNS, st)
    formats = {3: DATE_FORMAT, 8: "0", 9: DATE_FORMAT, 10: DATE_FORMAT, 11: DATE_FORMAT, 12: DATE_FORMAT}
    for n, m in enumerate(report.missing, start=1):
        _data_row(ws, row, [n, m.full_name, m.date_of_birth, m.id_number, m.position, m.agency_name,
                            TYPE_NAMES.get(m.declaration_type, m.declaration_type), m.year, m.due,
                            _local(m.reminder_1), _local(m.reminder_2), _local(m.escalation_marked_at),
                            m.note or ""], st, formats)
        row += 1
    _data_row(ws, row, ["", f"Tổng cộng: {len(report.missing)} người"] + [""] * (len(MISSING_COLUMNS) - 2), st, {},
              total=True)
    _print_setup(ws, [6, 26, 12, 15, 22, 28, 14, 7, 12, 12, 12, 14, 20])


def write_missing_xlsx(report: AnnualReport, stream: BinaryIO) -> None:
    """Only the list of people still missing, as a printable workbook."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_MISSING
    _missing_sheet(ws, report, _styles())
    wb.save(stream)


def write_list_xlsx(data: ObligedList, stream: BinaryIO) -> None:
    """The consolidated list of obliged persons, grouped per agency (I, II, ...), printable."""
    from openpyxl import Workbook

    st = _styles()
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    width = len(LIST_COLUMNS)
    row = _heading(ws, data.province_name, f"{LIST_TITLE} NĂM {data.year}",
                   f"{data.province_name} · Năm kê khai {data.year} · {len(data.rows)} người", width, st)
    row = _header(ws, row, LIST_COLUMNS, st)
    for group_no, (agency, rows) in enumerate(data.by_agency(), start=1):
        _data_row(ws, row, [_roman(group_no), f"{agency} ({len(rows)} người)", "", "", "", ""], st, {}, total=True)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=width)
        row += 1
        for n, r in enumerate(rows, start=1):
            _data_row(ws, row, [n, r.full_name, r.date_of_birth, r.position or "", r.agency_name, r.note], st,
                      {3: DATE_FORMAT})
            row += 1
    _data_row(ws, row, ["", f"Tổng cộng: {len(data.rows)} người", "", "", "", ""], st, {}, total=True)
    _signature(ws, row + 2, width, st, today(), "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ")
    _print_setup(ws, [7, 28, 14, 30, 32, 24], landscape=False)
    wb.save(stream)


def _roman(n: int) -> str:
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


# --- writers: .csv ---------------------------------------------------------------------------------

def _csv(stream: BinaryIO, header: list[str], rows: list[list]) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # BOM: Excel opens it as UTF-8
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    text.flush()
    text.detach()


def _d(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def report_table(report: AnnualReport) -> tuple[list[str], list[list]]:
    """The annual report as one flat table (the .csv): one row per agency and a total row."""
    header = ["STT", "Cơ quan/đơn vị", "Số người có nghĩa vụ kê khai", "Đã kê khai", "Đúng hạn", "Chậm hạn",
              "Tỷ lệ đã kê khai (%)", "Chưa kê khai", "Chưa kê khai sau 02 lần đôn đốc",
              "Đã đánh dấu xử lý (NĐ 130, Điều 20.2)", "Yêu cầu giải trình", "Đã nhận giải trình",
              "Chuyển xác minh", "Cảnh báo đang mở"]
    header += [f"Cảnh báo: {RULE_NAMES.get(c, c)} ({c})" for c in report.rule_codes]
    header += [f"Vụ việc: {STATE_NAMES.get(s, s)}" for s in report.states]

    def line(n, f: Figures) -> list:
        rate = f.declared_rate
        return ([n, f.agency_name, f.obliged, f.declared, f.on_time, f.late,
                 "" if rate is None else f"{rate * 100:.1f}", f.missing, f.missing_after_two_reminders,
                 f.escalation_marked, f.explanations_requested, f.explanations_received, f.verification,
                 f.open_flags]
                + [f.flags.get(c, 0) for c in report.rule_codes] + [f.cases.get(s, 0) for s in report.states])

    rows = [line(n, f) for n, f in enumerate(report.rows, start=1)]
    rows.append(line("", report.total))
    return header, rows


def write_report_csv(report: AnnualReport, stream: BinaryIO) -> None:
    header, rows = report_table(report)
    _csv(stream, header, rows)


def write_missing_csv(report: AnnualReport, stream: BinaryIO) -> None:
    rows = [[n, m.full_name, _d(m.date_of_birth), m.id_number or "", m.position or "", m.agency_name,
             TYPE_NAMES.get(m.declaration_type, m.declaration_type), m.year, _d(m.due), _d(_local(m.reminder_1)),
             _d(_local(m.reminder_2)), _d(_local(m.escalation_marked_at)), m.note or ""]
            for n, m in enumerate(report.missing, start=1)]
    _csv(stream, MISSING_COLUMNS, rows)


def write_list_csv(data: ObligedList, stream: BinaryIO) -> None:
    rows = []
    for agency, group in data.by_agency():
        for n, r in enumerate(group, start=1):
            rows.append([n, r.full_name, _d(r.date_of_birth), r.position or "", agency, r.note])
    _csv(stream, LIST_COLUMNS, rows)
