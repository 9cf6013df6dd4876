"""The three journeys of issue 5, in a real browser against a real server."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.views.conftest import AGENCY_A, CCCD_A, import_two_years
from tests.views.workbooks import bad_declaration_workbook, declaration_workbook

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_declarant_fixes_a_rejected_workbook(make_user, open_as, live_server, shots):
    make_user("declarant", "nguoikekhai", cccd=CCCD_A, full_name="Nguyễn Văn An")
    page = open_as("nguoikekhai")
    shots(page, "home")
    page.get_by_role("link", name="Tải lên").first.click()
    page.get_by_label("Chọn tệp Excel (.xlsx) hoặc tệp nén .zip").set_input_files(
        {"name": "ban-ke-khai-2024.xlsx", "mimeType": XLSX, "buffer": bad_declaration_workbook(cccd=CCCD_A)})
    shots(page, "upload-form")
    page.locator("#upload-submit").click()
    table = page.locator("table.errors")
    expect(table).to_be_visible()
    expect(page.locator(".outcome")).to_have_attribute("data-status", "rejected")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Thông tin chung")
    expect(rows.nth(0)).to_contain_text("31/13/2024")
    expect(rows.nth(1)).to_contain_text("Tài sản")
    expect(rows.nth(1).locator("td").nth(2)).to_have_text("I")
    expect(rows.nth(1)).to_contain_text("một tỷ")
    shots(page, "errors-table")
    page.get_by_label("Chọn tệp Excel (.xlsx) hoặc tệp nén .zip").set_input_files(
        {"name": "ban-ke-khai-2024.xlsx", "mimeType": XLSX, "buffer": declaration_workbook(cccd=CCCD_A)})
    page.locator("#upload-submit").click()
    expect(page.locator(".outcome")).to_have_attribute("data-status", "accepted")
    expect(page.locator("#result")).to_contain_text("Đã chấp nhận")
    shots(page, "accepted")
    page.get_by_role("link", name="Bản kê khai của tôi").click()
    expect(page.locator("main")).to_contain_text("Hằng năm")
    shots(page, "my-declarations")


def test_inspector_requests_an_explanation_and_clears_the_case(app, make_user, open_as, shots):
    import_two_years(app, CCCD_A, "Nguyễn Văn An", AGENCY_A)
    import_two_years(app, "001090067890", "Trần Thị Bình", AGENCY_A)
    make_user("inspector", "thanhtravien", agencies=(AGENCY_A,))
    make_user("declarant", "nguoikekhai", cccd=CCCD_A, full_name="Nguyễn Văn An")
    inspector = open_as("thanhtravien")
    inspector.get_by_role("link", name="Hàng đợi").click()
    shots(inspector, "queue")
    first = inspector.locator("table.queue tbody tr").first
    risks = [int(x) for x in inspector.locator("table.queue tbody tr td:first-child").all_inner_texts()]
    assert risks == sorted(risks, reverse=True) and len(risks) == 2
    first.get_by_role("link").click()
    expect(inspector.locator("#comparison")).to_contain_text("So sánh với các bản kê khai trước")
    added = inspector.locator("#comparison tr.added")
    expect(added).to_contain_text("Nhà ở tại phường 3")
    expect(inspector.locator("#comparison table.sections")).to_contain_text("+2.500.000.000")
    expect(inspector.locator("#chart svg")).to_be_visible()
    shots(inspector, "case-comparison")
    inspector.locator("#btn-start").click()
    expect(inspector.locator("#case-state")).to_have_attribute("data-state", "in_review")
    inspector.get_by_label("Nội dung yêu cầu giải trình").fill("Đề nghị giải trình nguồn gốc căn nhà 2,5 tỷ đồng")
    shots(inspector, "request-form")
    inspector.locator("#btn-request_explanation").click()
    expect(inspector.locator("#case-state")).to_have_attribute("data-state", "explanation_requested")
    case_url = inspector.url

    declarant = open_as("nguoikekhai")
    declarant.get_by_role("link", name="Bản kê khai của tôi").click()
    declarant.get_by_role("link", name=re.compile("Đề nghị giải trình nguồn gốc")).click()
    shots(declarant, "explanation-request")
    declarant.get_by_label("Nội dung giải trình").fill("Căn nhà do bố mẹ tặng cho năm 2024, có hợp đồng tặng cho.")
    declarant.get_by_label("Tệp đính kèm (không bắt buộc)").set_input_files(
        {"name": "hop-dong-tang-cho.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 tang cho"})
    declarant.locator("#send-answer").click()
    expect(declarant.locator("#answer")).to_contain_text("bố mẹ tặng cho")
    shots(declarant, "explanation-sent")

    inspector.goto(case_url)
    expect(inspector.locator("#explanations")).to_contain_text("bố mẹ tặng cho")
    inspector.get_by_label("Lý do (Kết thúc (không vi phạm))").fill("Giải trình hợp lý, có hợp đồng tặng cho")
    inspector.locator("#btn-clear").click()
    expect(inspector.locator("#case-state")).to_have_attribute("data-state", "cleared")
    timeline = inspector.locator("#timeline li")
    texts = timeline.all_inner_texts()
    for actor, step in (("thanhtravien", "Bắt đầu xem xét"), ("thanhtravien", "Yêu cầu giải trình"),
                        ("nguoikekhai", "Nhận giải trình"), ("thanhtravien", "Kết thúc hồ sơ")):
        assert any(actor in t and step in t for t in texts), (actor, step, texts)
    inspector.locator("#timeline").scroll_into_view_if_needed()
    shots(inspector, "cleared-timeline")


def test_chief_inspector_approves_an_escalation(app, make_user, open_as, shots):
    decl = import_two_years(app, CCCD_A, "Nguyễn Văn An", AGENCY_A)
    make_user("inspector", "thanhtravien", agencies=(AGENCY_A,))
    make_user("chief_inspector", "chanhthanhtra")
    inspector = open_as("thanhtravien")
    inspector.get_by_role("link", name="Hàng đợi").click()
    inspector.locator("table.queue tbody tr").first.get_by_role("link").click()
    inspector.locator("#btn-start").click()
    inspector.get_by_label("Lý do (Đề nghị xác minh)").fill("Tài sản tăng 2,5 tỷ đồng, thu nhập không tương xứng")
    inspector.locator("#btn-propose_escalation").click()
    expect(inspector.locator("#case-state")).to_have_attribute("data-state", "escalation_proposed")
    shots(inspector, "escalation-proposed")

    chief = open_as("chanhthanhtra")
    shots(chief, "home")
    chief.get_by_role("link", name=re.compile("đề nghị xác minh chờ duyệt")).click()
    shots(chief, "queue-escalations")
    chief.locator("table.queue tbody tr").first.get_by_role("link").click()
    chief.get_by_label("Lý do (Phê duyệt xác minh)").fill("Đồng ý tiến hành xác minh tài sản, thu nhập")
    chief.locator("#btn-approve_escalation").click()
    expect(chief.locator("#case-state")).to_have_attribute("data-state", "verification")
    texts = chief.locator("#timeline li").all_inner_texts()
    assert any("chanhthanhtra" in t and "Phê duyệt xác minh" in t for t in texts), texts
    shots(chief, "verification")
    assert decl
