"""Upload: accepted or the cell-level errors at once; batches and .zip; rosters; the size limit."""
from __future__ import annotations

import io
import zipfile

import sqlalchemy as sa

from declarations.models import AuditEntry, Declaration, RosterEntry, Upload
from tests.views.workbooks import bad_declaration_workbook, declaration_workbook, roster_workbook

CCCD = "001085012345"


def _post(client, files, kind="declaration"):
    data = {"kind": kind, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/upload", data=data, content_type="multipart/form-data")


def test_declarant_sees_errors_then_the_corrected_workbook_accepted(client, login_as, db):
    login_as("declarant", cccd=CCCD, full_name="Nguyễn Văn An")
    response = _post(client, [("ban-ke-khai.xlsx", bad_declaration_workbook(cccd=CCCD))])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bị từ chối" in page and "Ngày hoàn thành kê khai" in page and "31/13/2024" in page
    assert "<td>Tài sản</td><td class=\"num\">2</td><td>I</td>" in page  # sheet, row, column
    assert "một tỷ" in page
    upload = db.scalar(sa.select(Upload).where(Upload.status == "rejected"))
    assert {(e["sheet"], e["row"], e["column"]) for e in upload.errors} == {("Thông tin chung", 5, "B"),
                                                                            ("Tài sản", 2, "I")}
    response = _post(client, [("ban-ke-khai.xlsx", declaration_workbook(cccd=CCCD))])
    assert response.status_code == 200
    assert "Đã chấp nhận" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Declaration.id))) == 1


def test_declarant_cannot_upload_someone_elses_declaration(client, login_as, db):
    login_as("declarant", cccd=CCCD)
    response = _post(client, [("x.xlsx", declaration_workbook(cccd="001090067890"))])
    assert response.status_code == 422
    assert "không phải của bạn" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count(Declaration.id))) == 0


def test_officer_uploads_a_roster_then_a_zip_batch(client, login_as, db):
    login_as("agency_officer", agencies=("Sở Tài chính",))
    roster = roster_workbook([("Nguyễn Văn An", "15/03/1975", CCCD, "annual", 2024),
                              ("Lê Văn Cường", "01/01/1980", "001080000111", "annual", 2024)])
    response = _post(client, [("danh-sach.xlsx", roster)], kind="roster")
    assert response.status_code == 200, response.get_data(as_text=True)[-2000:]
    assert db.scalar(sa.select(sa.func.count(RosterEntry.id))) == 2
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("an.xlsx", declaration_workbook(cccd=CCCD))
        archive.writestr("cuong.xlsx", bad_declaration_workbook(cccd="001080000111", full_name="Lê Văn Cường"))
    response = _post(client, [("lo-ke-khai.zip", buf.getvalue())])
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # one of the two was rejected
    assert "2 tệp: 1 được chấp nhận, 1 bị từ chối" in page
    assert db.scalar(sa.select(sa.func.count(Declaration.id))) == 1
    assert db.scalar(sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "declaration.reject")) == 1
    # the agency's completeness: one declared, one missing or pending
    page = client.get("/agency?year=2024").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Lê Văn Cường" in page
    xlsx = client.get("/agency/completeness.xlsx?year=2024")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_officer_cannot_upload_for_another_agency(client, login_as, db):
    login_as("agency_officer", agencies=("Sở Y tế",))
    response = _post(client, [("x.xlsx", declaration_workbook(cccd=CCCD, agency="Sở Tài chính"))])
    assert response.status_code == 422
    assert db.scalar(sa.select(sa.func.count(Declaration.id))) == 0


def test_template_download(client, login_as):
    login_as("declarant", cccd=CCCD)
    response = client.get("/upload/template")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "attachment" in response.headers["Content-Disposition"]


def test_an_upload_over_the_limit_gets_a_413_page(app, client, login_as):
    login_as("declarant", cccd=CCCD)
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = _post(client, [("big.xlsx", b"x" * 80_000)])
    assert response.status_code == 413
    assert "Tệp tải lên quá lớn" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_through_a_real_server_gets_the_page_not_a_reset(app, make_user):
    """Through waitress, as deployed: the client reads a 413 page instead of a broken connection."""
    import http.client
    import re

    from tests.conftest import PASSWORD
    from tests.views.conftest import serve_in_thread

    make_user("declarant", "nkk413", cccd=CCCD)
    app.config["MAX_CONTENT_LENGTH"] = 100_000
    port, stop = serve_in_thread(app)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("POST", "/login", body=f"username=nkk413&password={PASSWORD.replace(' ', '+')}",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        login = conn.getresponse()
        login.read()
        cookie = re.match(r"[^;]+", login.getheader("Set-Cookie")).group(0)
        boundary = "XyZ"
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.xlsx\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"x" * 400_000 + \
            f"\r\n--{boundary}--\r\n".encode()
        conn.request("POST", "/upload", body=body,
                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Cookie": cookie})
        response = conn.getresponse()
        page = response.read().decode()
        assert response.status == 413
        assert "Tệp tải lên quá lớn" in page
        conn.close()
    finally:
        stop()
