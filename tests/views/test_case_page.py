"""The case page and the workflow through the web: comparison, chart, evidence, timeline, actions."""
from __future__ import annotations

import io

import sqlalchemy as sa

from declarations.models import AuditEntry, Case, ExplanationRequest, Flag


def test_case_page_shows_the_comparison_chart_evidence_and_timeline(world, people, sign_in):
    page = sign_in("thanhtravien").get(f"/cases/{world.case_a}").get_data(as_text=True)
    assert "I. Thông tin chung" in page and "II. Thông tin mô tả về tài sản" in page
    assert "2.1. Nhà ở" in page                                     # by the sections of the form
    assert '<tr class="added"><td>2.1</td><td>Nhà ở tại phường 3</td>' in page
    assert "+2.500.000.000" in page                                 # change of section 2.1
    assert "<svg class=\"chart\"" in page and "<script" not in page
    assert "WEALTH_EXCEEDS_INCOME" in page and "Căn cứ pháp lý" in page and "Luật PCTN 2018" in page
    assert "Tiếp nhận bản kê khai" in page and "Phát sinh cảnh báo" in page


def test_the_workflow_through_the_web(world, people, sign_in, fresh):
    inspector, declarant, chief = sign_in("thanhtravien"), sign_in("nguoikekhai"), sign_in("chanhthanhtra")
    url = f"/cases/{world.case_a}"
    # a transition that is not allowed from "new" is refused with a page, and nothing changes
    assert inspector.post(f"{url}/action/clear", data={"reason": "x"}).status_code == 409
    assert inspector.post(f"{url}/action/start").status_code == 303
    assert inspector.post(f"{url}/explanation", data={"question": "Giải trình nguồn gốc căn nhà"}).status_code == 303
    with fresh() as db:
        req_id = db.scalar(sa.select(ExplanationRequest.id).where(ExplanationRequest.case_id == world.case_a))
    form = declarant.get(f"/explanations/{req_id}").get_data(as_text=True)
    assert "Giải trình nguồn gốc căn nhà" in form and 'name="answer"' in form
    response = declarant.post(f"/explanations/{req_id}", data={
        "answer": "Nhà được bố mẹ tặng cho", "attachment": (io.BytesIO(b"%PDF-1.4 hop dong"), "hop-dong.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    attachment = inspector.get(f"/explanations/{req_id}/attachment")
    assert attachment.status_code == 200 and attachment.data == b"%PDF-1.4 hop dong"
    assert declarant.post(f"/explanations/{req_id}", data={"answer": "again"}).status_code == 403
    # the chief cannot clear while a reason is missing; the inspector clears with one
    assert inspector.post(f"{url}/action/clear", data={"reason": ""}).status_code == 303
    with fresh() as db:
        assert db.get(Case, world.case_a).state == "explanation_received"
    assert inspector.post(f"{url}/action/clear", data={"reason": "Giải trình hợp lý"}).status_code == 303
    with fresh() as db:
        assert db.get(Case, world.case_a).state == "cleared"
    page = chief.get(url).get_data(as_text=True)
    for actor, label in (("thanhtravien", "Bắt đầu xem xét"), ("thanhtravien", "Yêu cầu giải trình"),
                         ("nguoikekhai", "Nhận giải trình"), ("thanhtravien", "Kết thúc hồ sơ")):
        assert f'<strong class="actor">{actor}</strong> · <span class="what" title="' in page
        assert label in page
    with fresh() as db:
        actions = db.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "case",
                                                                AuditEntry.object_id == str(world.case_a))).all()
    assert actions == ["case.start", "case.request_explanation", "case.receive_explanation", "case.clear"]


def test_dismiss_reassign_and_guidance_through_the_web(world, people, sign_in, fresh, make_user):
    make_user("inspector", "tv_khac", agencies=("Sở Tài chính",))
    inspector = sign_in("thanhtravien")
    url = f"/cases/{world.case_a}"
    with fresh() as db:
        flag_id = db.scalar(sa.select(Flag.id).where(Flag.declaration_id == world.declaration_a, Flag.status == "open"))
        other = db.scalar(sa.text("SELECT id FROM users WHERE username = 'tv_khac'"))
        foreign = db.scalar(sa.select(Flag.id).where(Flag.declaration_id == world.declaration_b))
    assert inspector.post(f"{url}/flags/{flag_id}/dismiss", data={"reason": "Đã rõ"}).status_code == 303
    assert inspector.post(f"{url}/assign", data={"assignee_id": other, "reason": "Nghỉ phép"}).status_code == 303
    assert inspector.post(f"{url}/guidance", data={"target": "agency", "text": "Đôn đốc kê khai bổ sung"}
                          ).status_code == 303
    with fresh() as db:
        assert db.get(Flag, flag_id).status == "dismissed"
        assert db.get(Case, world.case_a).assignee_id == other
    officer_page = sign_in("canbotochuc").get("/agency?year=2024").get_data(as_text=True)
    assert "Đôn đốc kê khai bổ sung" in officer_page
    # a flag of another case cannot be dismissed through this case
    assert inspector.post(f"{url}/flags/{foreign}/dismiss", data={"reason": "x"}).status_code == 404


def test_chief_approves_an_escalation(world, people, sign_in, fresh):
    inspector, chief = sign_in("thanhtravien"), sign_in("chanhthanhtra")
    url = f"/cases/{world.case_a}"
    inspector.post(f"{url}/action/start")
    inspector.post(f"{url}/action/propose_escalation", data={"reason": "Tăng tài sản không giải thích được"})
    assert inspector.post(f"{url}/action/approve_escalation", data={"reason": "x"}).status_code == 403
    assert "btn-approve_escalation" in chief.get(url).get_data(as_text=True)
    assert chief.post(f"{url}/action/approve_escalation", data={"reason": "Đồng ý xác minh"}).status_code == 303
    with fresh() as db:
        assert db.get(Case, world.case_a).state == "verification"
