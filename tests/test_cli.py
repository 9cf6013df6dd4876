"""The command-line contract of PRODUCT.md: import, import-roster, check, export-flags, rules, template, users."""
from __future__ import annotations

import json
from datetime import date

import openpyxl
import sqlalchemy as sa

from declarations.models import Flag, User
from tests.workbooks import (HOME, LAND, SAVINGS, Asset, annual_declaration, declaration_bytes, first_declaration,
                             roster_bytes)

BIG = Asset("2.1", "Nhà mới", 2_000_000_000, certificate="CS-9999", address="1 Trần Phú")


def _write(folder, name, data):
    path = folder / name
    path.write_bytes(data)
    return path


def test_import_prints_a_line_per_workbook_and_exits_1_on_any_rejection(runner, tmp_path):
    good = _write(tmp_path, "a-2023.xlsx", declaration_bytes(first_declaration()))
    bad = _write(tmp_path, "b-bad.xlsx", declaration_bytes(annual_declaration(id_number="12-34")))
    result = runner.invoke(args=["import", str(good), str(bad)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("accepted") and "a-2023.xlsx" in lines[0]
    assert lines[1].startswith("rejected") and "b-bad.xlsx" in lines[1]
    assert "[bad_identity]" in result.output


def test_import_json_report_and_exit_0(runner, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "1.xlsx", declaration_bytes(first_declaration()))
    _write(folder, "2.xlsx", declaration_bytes(annual_declaration(assets=[LAND, HOME, SAVINGS, BIG])))
    result = runner.invoke(args=["import", "--json", "--as-of", "2025-01-15", str(folder)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["total"], report["accepted"], report["rejected"]) == (2, 2, 0)
    assert [o["status"] for o in report["outcomes"]] == ["accepted", "accepted"]
    again = runner.invoke(args=["import", "--json", str(folder)])
    assert again.exit_code == 0
    assert json.loads(again.output)["duplicate"] == 2


def test_import_roster_check_and_export_flags_json_contract(runner, tmp_path, app):
    roster = _write(tmp_path, "roster.xlsx", roster_bytes([
        ("Nguyễn Văn An", date(1975, 4, 30), "001075012345", "Phó Giám đốc", "Sở Tài chính", "annual", 2024, None),
        ("Lê Thị Hoa", date(1990, 2, 3), "036190000222", "Chuyên viên", "Sở Y tế", "annual", 2024, None)]))
    assert runner.invoke(args=["import-roster", str(roster)]).exit_code == 0
    _write(tmp_path, "a.xlsx", declaration_bytes(first_declaration()))
    _write(tmp_path, "b.xlsx", declaration_bytes(annual_declaration(assets=[LAND, HOME, SAVINGS, BIG])))
    assert runner.invoke(args=["import", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")]).exit_code == 0
    check = runner.invoke(args=["check", "--as-of", "2025-01-15"])
    assert check.exit_code == 0, check.output
    out = tmp_path / "flags.json"
    assert runner.invoke(args=["export-flags", "--format", "json", "--output", str(out)]).exit_code == 0
    flags = json.loads(out.read_text(encoding="utf-8"))
    keys = {"cccd", "full_name", "agency", "declaration_type", "year", "rule", "severity", "evidence"}
    assert all(keys <= set(f) for f in flags)
    missing = [f for f in flags if f["rule"] == "MISSING"]
    assert [(f["cccd"], f["declaration_type"], f["year"], f["agency"]) for f in missing] == [
        ("036190000222", "annual", 2024, "Sở Y tế")]
    increase = [f for f in flags if f["rule"] == "UNEXPLAINED_INCREASE"]
    assert [(f["cccd"], f["declaration_type"], f["year"], f["severity"]) for f in increase] == [
        ("001075012345", "annual", 2024, "high")]
    with app.app_context():
        from declarations.db import get_session

        assert len(flags) == get_session().scalar(sa.select(sa.func.count(Flag.id)).where(Flag.status == "open"))


def test_export_flags_xlsx_and_csv(runner, tmp_path):
    _write(tmp_path, "a.xlsx", declaration_bytes(first_declaration()))
    _write(tmp_path, "b.xlsx", declaration_bytes(annual_declaration(assets=[LAND, HOME, SAVINGS, BIG])))
    runner.invoke(args=["import", str(tmp_path / "a.xlsx"), str(tmp_path / "b.xlsx")])
    xlsx = tmp_path / "flags.xlsx"
    assert runner.invoke(args=["export-flags", "--format", "xlsx", "--output", str(xlsx)]).exit_code == 0
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header[:6] == ["Số CCCD/CMND", "Họ và tên", "Cơ quan/đơn vị", "Loại kê khai", "Năm", "Mã cảnh báo"]
    rules = {row[5] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert "UNEXPLAINED_INCREASE" in rules
    assert ws["K2"].number_format == "#,##0"
    csv_out = runner.invoke(args=["export-flags", "--format", "csv"])
    assert csv_out.output.splitlines()[0].startswith("cccd,full_name,agency,declaration_type,year,rule")


def test_rules_lists_every_check(runner):
    result = runner.invoke(args=["rules"])
    assert result.exit_code == 0
    codes = [line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert codes == ["MISSING", "LATE", "UNEXPLAINED_INCREASE", "WEALTH_EXCEEDS_INCOME", "ASSET_DISAPPEARED",
                     "VALUE_CHANGED", "VARIATION_MISMATCH", "NEW_FOREIGN_ASSET", "SUPPLEMENTARY_MISSING",
                     "FORM_INCONSISTENT"]


def test_template_writes_workbooks_the_importer_reads(runner, tmp_path):
    out = tmp_path / "mau.xlsx"
    assert runner.invoke(args=["template", "--out", str(out)]).exit_code == 0
    assert {"Thông tin chung", "Tài sản", "Thu nhập", "Biến động"} <= set(openpyxl.load_workbook(out).sheetnames)
    roster = tmp_path / "ds.xlsx"
    assert runner.invoke(args=["template", "--out", str(roster), "--roster"]).exit_code == 0


def test_create_user_command(runner, app):
    ok = runner.invoke(args=["create-user", "tv", "--role", "inspector", "--password", "mật khẩu dài",
                             "--agency", "Sở Tài chính", "--agency", "Sở Y tế"])
    assert ok.exit_code == 0, ok.output
    declarant = runner.invoke(args=["create-user", "an", "--role", "declarant", "--password", "12345678",
                                    "--cccd", "001075012345"])
    assert declarant.exit_code == 0, declarant.output
    dup = runner.invoke(args=["create-user", "tv", "--role", "admin", "--password", "12345678"])
    assert dup.exit_code != 0 and "exists" in dup.output
    prompted = runner.invoke(args=["create-user", "qt", "--role", "admin"], input="password1\npassword1\n")
    assert prompted.exit_code == 0, prompted.output
    with app.app_context():
        from declarations.db import get_session

        s = get_session()
        tv = s.scalar(sa.select(User).where(User.username == "tv"))
        assert sorted(a.name for a in tv.agencies) == ["Sở Tài chính", "Sở Y tế"]
        an = s.scalar(sa.select(User).where(User.username == "an"))
        assert an.person.cccd == "001075012345"


def test_a_database_failure_in_a_batch_rejects_that_workbook_alone(runner, tmp_path, app):
    """A real database error (a trigger refusing one declaration) costs that workbook only."""
    from declarations.db import get_engine

    with app.app_context(), get_engine().begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("CREATE TRIGGER boom BEFORE INSERT ON declarations WHEN NEW.full_name = 'Boom' "
                                 "BEGIN SELECT RAISE(ABORT, 'boom'); END")
        else:
            conn.exec_driver_sql("CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                                 "IF NEW.full_name = 'Boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$")
            conn.exec_driver_sql("CREATE TRIGGER boom BEFORE INSERT ON declarations FOR EACH ROW "
                                 "EXECUTE FUNCTION boom()")
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "1.xlsx", declaration_bytes(first_declaration()))
    _write(folder, "2.xlsx", declaration_bytes(first_declaration(full_name="Boom", id_number="001099000002")))
    _write(folder, "3.xlsx", declaration_bytes(first_declaration(full_name="Lê Thị Hoa", id_number="036190000222")))
    result = runner.invoke(args=["import", "--json", str(folder)])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert [(o["status"], [e["code"] for e in o["errors"]]) for o in report["outcomes"]] == [
        ("accepted", []), ("rejected", ["storage_error"]), ("accepted", [])]
    with app.app_context():
        from declarations.db import get_session
        from declarations.models import Declaration, Person

        s = get_session()
        assert sorted(s.scalars(sa.select(Declaration.full_name))) == ["Lê Thị Hoa", "Nguyễn Văn An"]
        assert s.scalar(sa.select(Person.id).where(Person.cccd == "001099000002")) is None


def test_demo_writes_a_province_and_its_manifest(runner, tmp_path):
    out = tmp_path / "tinh"
    result = runner.invoke(args=["demo", "--declarants", "20", "--years", "2", "--out", str(out), "--seed", "4"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["people"] == 20
    assert len(list(out.rglob("*.xlsx"))) == manifest["counts"]["declaration_files"] + manifest["counts"]["roster_files"]
    imported = runner.invoke(args=["import", "--as-of", manifest["as_of"], str(out / "ke-khai")])
    assert imported.exit_code == 0, imported.output
