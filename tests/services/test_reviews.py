"""The review workflow: every transition allowed and forbidden, each with its audit entry."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from declarations.models import AuditEntry, Case, ExplanationRequest, Flag, Guidance, Notification, User
from declarations.services import reviews
from declarations.services.reviews import NotPermitted, ReviewError, TransitionNotAllowed
from tests.conftest import PASSWORD
from tests.views.conftest import AGENCY_A, AGENCY_B, CCCD_A, module_app, module_world  # noqa: F401  (fixtures)

STATES = ("new", "in_review", "explanation_requested", "explanation_received", "cleared", "escalation_proposed",
          "verification")


@pytest.fixture(scope="module")
def world(module_world):  # noqa: F811
    return module_world[0]


@pytest.fixture(scope="module")
def actors(module_app, module_world):  # noqa: F811
    """The users, created once; every test runs in a transaction that is rolled back (services only flush)."""
    from declarations.db import new_session
    from declarations.services.audit import SYSTEM
    from declarations.services.users import create_user

    specs = {"inspector": ("tv_a", "inspector", [AGENCY_A], None), "inspector2": ("tv_a2", "inspector", [AGENCY_A], None),
             "inspector_b": ("tv_b", "inspector", [AGENCY_B], None), "chief": ("chanh", "chief_inspector", [], None),
             "admin": ("qt", "admin", [], None), "declarant": ("nkk", "declarant", [], CCCD_A),
             "officer": ("cb", "agency_officer", [AGENCY_A], None)}
    with module_app.app_context(), new_session() as s, s.begin():
        return {key: create_user(s, name, role=role, password=PASSWORD, actor=SYSTEM, agencies=agencies,
                                 cccd=cccd).id for key, (name, role, agencies, cccd) in specs.items()}


@pytest.fixture
def db(module_app):  # noqa: F811
    """A session whose work is rolled back at the end of the test."""
    from declarations.db import get_session

    with module_app.app_context():
        session = get_session()
        yield session
        session.rollback()


def _user(db, actors, key) -> User:
    return db.get(User, actors[key])


def _audits(db, case_id: int) -> list[AuditEntry]:
    return db.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "case",
                                                  AuditEntry.object_id == str(case_id)).order_by(AuditEntry.id)).all()


def _run(db, case, action, user, **kw):
    if action == "start":
        return reviews.start_review(db, case, actor=user)
    if action == "request_explanation":
        return reviews.request_explanation(db, case, question="Giải trình nguồn gốc nhà ở mới", actor=user, **kw)
    if action == "receive_explanation":
        req = reviews.open_request(db, case) or ExplanationRequest(case_id=case.id, question="q",
                                                                   due_on=date.today() + timedelta(days=7))
        if req.id is None:
            db.add(req)
            db.flush()
        return reviews.answer_explanation(db, req, answer="Tiền thừa kế từ cha mẹ", actor=user)
    return reviews.take_action(db, case, action, reason="Lý do cụ thể", actor=user)


WHO = {"start": "inspector", "request_explanation": "inspector", "receive_explanation": "declarant",
       "clear": "inspector", "propose_escalation": "inspector", "approve_escalation": "chief",
       "return_escalation": "chief", "reopen": "inspector"}


@pytest.mark.parametrize("action,source", [(a, s) for a, t in reviews.TRANSITIONS.items() for s in t.sources])
def test_every_allowed_transition_moves_the_case_and_is_audited(db, world, actors, action, source):  # noqa: F811
    case = db.get(Case, world.case_a)
    case.state = source
    db.flush()
    user = _user(db, actors, WHO[action])
    _run(db, case, action, user)
    db.flush()
    assert case.state == reviews.TRANSITIONS[action].target
    entry = _audits(db, case.id)[-1]
    assert entry.action == f"case.{action}"
    assert entry.actor_name == user.username and entry.actor_id == user.id
    assert entry.before == {"state": source} and entry.after["state"] == case.state
    assert entry.at is not None
    if reviews.TRANSITIONS[action].needs_reason:
        assert entry.summary == "Lý do cụ thể"


@pytest.mark.parametrize("action,source", [(a, s) for a, t in reviews.TRANSITIONS.items()
                                           for s in STATES if s not in t.sources])
def test_every_forbidden_transition_is_refused_and_leaves_no_trace(db, world, actors, action, source):  # noqa: F811
    case = db.get(Case, world.case_a)
    case.state = source
    db.flush()
    before = len(_audits(db, case.id))
    with pytest.raises(ReviewError):
        _run(db, case, action, _user(db, actors, WHO[action]))
    assert case.state == source
    assert len(_audits(db, case.id)) == before


@pytest.mark.parametrize("action,who", [
    ("start", "declarant"), ("start", "officer"), ("start", "admin"), ("start", "inspector_b"),
    ("approve_escalation", "inspector"), ("return_escalation", "inspector"), ("clear", "admin"),
    ("receive_explanation", "officer"),
])
def test_roles_and_scopes_that_may_not_act(db, world, actors, action, who):  # noqa: F811
    case = db.get(Case, world.case_a)
    case.state = reviews.TRANSITIONS[action].sources[0]
    db.flush()
    with pytest.raises(NotPermitted):
        _run(db, case, action, _user(db, actors, who))


def test_a_reason_is_required(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    case.state = "in_review"
    db.flush()
    with pytest.raises(ReviewError):
        reviews.clear_case(db, case, reason="  ", actor=_user(db, actors, "inspector"))
    assert case.state == "in_review"


def test_explanation_due_in_seven_days_by_default_and_notified(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    inspector = _user(db, actors, "inspector")
    reviews.start_review(db, case, actor=inspector)
    req = reviews.request_explanation(db, case, question="Vì sao tài sản tăng?", actor=inspector,
                                      today=date(2025, 3, 3))
    db.flush()
    assert req.due_on == date(2025, 3, 10)  # Law Art. 38.2: 7 days
    assert case.assignee_id == inspector.id
    notified = db.scalars(sa.select(Notification.user_id).where(Notification.kind == "explanation_request")).all()
    assert actors["declarant"] in notified


def test_an_explanation_after_its_due_date_is_accepted_but_marked_late(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    inspector, declarant = _user(db, actors, "inspector"), _user(db, actors, "declarant")
    reviews.start_review(db, case, actor=inspector)
    req = reviews.request_explanation(db, case, question="Giải trình", actor=inspector, today=date(2025, 3, 3))
    late = datetime(2025, 3, 12, 9, 0, tzinfo=timezone.utc)
    reviews.answer_explanation(db, req, answer="Nộp muộn vì đi công tác", actor=declarant, now=late)
    db.flush()
    assert case.state == "explanation_received"
    assert req.answered_late is True and req.answer == "Nộp muộn vì đi công tác"
    entry = _audits(db, case.id)[-1]
    assert entry.action == "case.receive_explanation" and entry.after["late"] is True
    assert entry.actor_name == declarant.username


def test_an_explanation_on_the_due_date_is_on_time(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    inspector, declarant = _user(db, actors, "inspector"), _user(db, actors, "declarant")
    reviews.start_review(db, case, actor=inspector)
    req = reviews.request_explanation(db, case, question="Giải trình", actor=inspector, today=date(2025, 3, 3))
    # 23:30 in Hanoi on the due date is 16:30 UTC: still on time
    reviews.answer_explanation(db, req, answer="Đúng hạn", actor=declarant,
                               now=datetime(2025, 3, 10, 16, 30, tzinfo=timezone.utc))
    assert req.answered_late is False


def test_dismissing_one_flag_records_who_and_why_and_lowers_the_risk(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    flag = db.scalar(sa.select(Flag).where(reviews.case_flags_condition(case), Flag.status == "open")
                     .order_by(Flag.weight.desc()))
    risk = case.risk_score
    inspector = _user(db, actors, "inspector")
    reviews.dismiss_flag(db, flag, reason="Đã xác minh qua hồ sơ thừa kế", actor=inspector, case=case)
    db.flush()
    db.refresh(case)
    assert flag.status == "dismissed" and flag.decided_by_id == inspector.id
    assert flag.close_reason == "Đã xác minh qua hồ sơ thừa kế"
    assert case.risk_score == risk - flag.weight
    entry = db.scalar(sa.select(AuditEntry).where(AuditEntry.action == "flag.dismiss"))
    assert entry.object_id == str(flag.id) and entry.actor_name == inspector.username
    with pytest.raises(TransitionNotAllowed):
        reviews.dismiss_flag(db, flag, reason="again", actor=inspector, case=case)
    with pytest.raises(NotPermitted):
        other = db.scalar(sa.select(Flag).where(reviews.case_flags_condition(case), Flag.status == "open"))
        reviews.dismiss_flag(db, other, reason="x", actor=_user(db, actors, "admin"), case=case)


def test_reassign_within_the_agency_only(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    inspector = _user(db, actors, "inspector")
    reviews.reassign_case(db, case, _user(db, actors, "inspector2"), reason="Cân đối công việc", actor=inspector)
    db.flush()
    assert case.assignee_id == actors["inspector2"]
    entry = _audits(db, case.id)[-1]
    assert entry.action == "case.reassign" and entry.after["assignee"] == "tv_a2"
    with pytest.raises(ReviewError):
        reviews.reassign_case(db, case, _user(db, actors, "inspector_b"), reason=None, actor=inspector)
    with pytest.raises(NotPermitted):
        reviews.reassign_case(db, case, inspector, reason=None, actor=_user(db, actors, "inspector_b"))


@pytest.mark.parametrize("state", STATES)
def test_guidance_at_any_step_is_shown_to_the_declarant_or_the_agency(db, world, actors, state):  # noqa: F811
    case = db.get(Case, world.case_a)
    case.state = state
    inspector = _user(db, actors, "inspector")
    g1 = reviews.issue_guidance(db, text="Bổ sung giấy tờ nhà ở", actor=inspector, case=case,
                                person_id=case.person_id)
    g2 = reviews.issue_guidance(db, text="Đôn đốc kê khai", actor=inspector, case=case, agency_id=case.agency_id)
    db.flush()
    assert case.state == state  # guidance does not move the case
    assert db.scalar(sa.select(sa.func.count(Guidance.id)).where(Guidance.case_id == case.id)) == 2
    assert g1.person_id and g2.agency_id
    kinds = db.execute(sa.select(Notification.user_id).where(Notification.kind == "guidance")).scalars().all()
    assert actors["declarant"] in kinds and actors["officer"] in kinds
    assert [e.action for e in _audits(db, case.id)][-2:] == ["case.guidance", "case.guidance"]
    with pytest.raises(NotPermitted):
        reviews.issue_guidance(db, text="x", actor=_user(db, actors, "inspector_b"), agency_id=world.agency_a)


def test_escalation_path_and_timeline_name_every_actor(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    inspector, chief, declarant = (_user(db, actors, k) for k in ("inspector", "chief", "declarant"))
    reviews.start_review(db, case, actor=inspector)
    req = reviews.request_explanation(db, case, question="Giải trình", actor=inspector)
    reviews.answer_explanation(db, req, answer="Không rõ", actor=declarant)
    reviews.propose_escalation(db, case, reason="Giải trình không thuyết phục", actor=inspector)
    reviews.return_escalation(db, case, reason="Cần làm rõ thêm", actor=chief)
    reviews.propose_escalation(db, case, reason="Đã làm rõ, vẫn không hợp lý", actor=inspector)
    reviews.approve_escalation(db, case, reason="Đồng ý xác minh", actor=chief)
    db.flush()
    assert case.state == "verification"
    steps = [(e.action, e.actor) for e in reviews.case_timeline(db, case) if e.action.startswith("case.")]
    assert steps == [("case.start", "tv_a"), ("case.request_explanation", "tv_a"),
                     ("case.receive_explanation", "nkk"), ("case.propose_escalation", "tv_a"),
                     ("case.return_escalation", "chanh"), ("case.propose_escalation", "tv_a"),
                     ("case.approve_escalation", "chanh")]
    timeline = reviews.case_timeline(db, case)
    assert any(e.action == "declaration.import" for e in timeline)
    assert any(e.action == "flag.open" for e in timeline)
    assert db.scalar(sa.select(Notification.id).where(Notification.kind == "escalation_proposed",
                                                      Notification.user_id == chief.id)) is not None


def test_allowed_actions_offer_only_what_the_user_may_do(db, world, actors):  # noqa: F811
    case = db.get(Case, world.case_a)
    assert reviews.allowed_actions(db, case, _user(db, actors, "inspector")) == ["start"]
    assert reviews.allowed_actions(db, case, _user(db, actors, "admin")) == []
    case.state = "escalation_proposed"
    assert reviews.allowed_actions(db, case, _user(db, actors, "chief")) == ["approve_escalation",
                                                                              "return_escalation"]
    assert reviews.allowed_actions(db, case, _user(db, actors, "inspector")) == []
