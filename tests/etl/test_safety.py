"""Hostile and broken files are refused before parsing, each with its stable code, never a traceback."""
from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest
from tests.etl.conftest import DECLARATION, rezip, write_xlsx

from etl.declaration import read_declaration
from etl.roster import read_roster
from etl.safety import check_file

SHEET1 = "xl/worksheets/sheet1.xml"


@pytest.fixture
def valid(xlsx):
    return xlsx(DECLARATION)


def codes(errors):
    return [e.as_tuple() for e in errors]


def test_valid_file_passes(valid):
    assert check_file(valid, "ke-khai.xlsx") == []


def test_file_over_the_size_limit(valid):
    assert codes(check_file(valid, "x.xlsx", max_bytes=len(valid) - 1)) == [("file_too_large", None, None, None)]
    assert check_file(valid, "x.xlsx", max_bytes=len(valid)) == []


@pytest.mark.parametrize("data", [b"", b"hello", os.urandom(4096), b"PK\x03\x04" + os.urandom(2000),
                                  "Họ và tên;Ngày sinh\n".encode()])
def test_not_a_zip(data):
    assert codes(check_file(data, "x.xlsx")) == [("not_xlsx", None, None, None)]


def test_zip_without_workbook_part(valid):
    source = zipfile.ZipFile(io.BytesIO(valid))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/workbook.xml":
                target.writestr(info.filename, source.read(info.filename))
    assert codes(check_file(out.getvalue(), "x.xlsx")) == [("not_xlsx", None, None, None)]


def test_old_binary_xls():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000
    assert codes(check_file(ole2, "ke-khai.xls")) == [("xls_format", None, None, None)]


def test_password_protected_workbook():
    # What Excel writes for "Encrypt with password": an OLE2 container with these two streams.
    ole2 = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le")
            + b"\x00" * 100 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000)
    assert codes(check_file(ole2, "ke-khai.xlsx")) == [("encrypted", None, None, None)]


def test_zip_with_encrypted_entries(valid):
    # Set the "encrypted" bit of traditional zip encryption in every local and central header.
    data = bytearray(valid)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position != -1:
            data[position + flag_offset] |= 0x1
            position = data.find(signature, position + 4)
    assert codes(check_file(bytes(data), "x.xlsx")) == [("encrypted", None, None, None)]


def test_zip_bomb_by_ratio(valid):
    bomb = rezip(valid, add={"xl/media/image1.bin": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    assert codes(check_file(bomb, "x.xlsx")) == [("zip_bomb", None, None, None)]
    assert codes(read_declaration(bomb, "x.xlsx").errors) == [("zip_bomb", None, None, None)]


def test_zip_bomb_by_total_size(valid):
    padded = rezip(valid, add={"xl/media/image1.bin": os.urandom(256 * 1024)})
    assert check_file(padded, "x.xlsx") == []
    assert codes(check_file(padded, "x.xlsx", max_uncompressed=200 * 1024)) == [("zip_bomb", None, None, None)]


def test_zip_bomb_ratio_limit_is_a_parameter(valid):
    bomb = rezip(valid, add={"xl/media/image1.bin": b"\x00" * (2 * 1024 * 1024)})
    assert check_file(bomb, "x.xlsx", max_ratio=10_000) == []
    assert codes(check_file(bomb, "x.xlsx", max_ratio=50)) == [("zip_bomb", None, None, None)]


def test_macros_vba_project(valid):
    content_types = zipfile.ZipFile(io.BytesIO(valid)).read("[Content_Types].xml").replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    xlsm = rezip(valid, replace={"[Content_Types].xml": content_types},
                 add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600})
    assert codes(check_file(xlsm, "ke-khai.xlsm")) == [("macros", None, None, None)]
    assert codes(check_file(xlsm, "ke-khai.xlsx")) == [("macros", None, None, None)]


def test_macros_by_extension(valid):
    assert codes(check_file(valid, "ke-khai.xlsm")) == [("macros", None, None, None)]


def test_xml_entities_in_sheet(valid):
    sheet = zipfile.ZipFile(io.BytesIO(valid)).read(SHEET1)
    head, _, body = sheet.partition(b"?>")
    laughs = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    hostile = rezip(valid, replace={SHEET1: head + b"?>" + laughs + body})
    assert codes(check_file(hostile, "x.xlsx")) == [("xml_entities", None, None, None)]
    assert check_file(hostile, "x.xlsx")[0].value == SHEET1


def test_xml_entities_in_utf16_part(valid):
    doctype = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>'
    hostile = rezip(valid, add={"docProps/custom.xml": b"\xff\xfe" + doctype.encode("utf-16-le")})
    assert codes(check_file(hostile, "x.xlsx")) == [("xml_entities", None, None, None)]


def test_formula_without_cached_value(xlsx, declaration_sheets):
    declaration_sheets["Tài sản"][3][8] = "=800000000+0"      # openpyxl stores no cached value
    result = read_declaration(xlsx(declaration_sheets))
    assert codes(result.errors) == [("formula_no_value", "Tài sản", 4, "I")]
    assert result.records == []


def test_formula_in_an_unused_sheet_is_not_an_error(declaration_sheets):
    declaration_sheets["Hướng dẫn"] = [["Tổng", "=1+1"]]
    assert read_declaration(write_xlsx(declaration_sheets)).ok


def test_empty_workbook(xlsx):
    assert codes(read_declaration(xlsx({"Sheet1": []})).errors) == [("empty_workbook", None, None, None)]
    assert codes(read_roster(xlsx({"Sheet1": [[None]]})).errors) == [("empty_workbook", None, None, None)]


def test_sparse_sheet_spanning_the_whole_grid_is_refused_without_crashing(declaration_sheets):
    book = openpyxl.load_workbook(io.BytesIO(write_xlsx(declaration_sheets)))
    book["Tài sản"]["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    assert codes(read_declaration(buffer.getvalue()).errors) == [("sheet_too_large", "Tài sản", None, None)]


def test_random_corruption_never_raises(valid):
    data = bytearray(valid)
    rng = __import__("random").Random(7)
    for _ in range(40):
        corrupted = bytearray(data)
        for _ in range(20):
            corrupted[rng.randrange(len(corrupted))] = rng.randrange(256)
        result = read_declaration(bytes(corrupted), "x.xlsx")
        assert result.ok or all(e.code for e in result.errors)
