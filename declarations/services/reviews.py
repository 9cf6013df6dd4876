"""The Inspectorate's review workflow: the one place that knows which transitions are allowed.

new → in_review → explanation_requested (due in 7 days by default, Law Art. 38.2) → explanation_received
→ cleared (with a reason) or escalation_proposed → verification (the chief inspector approves) or back
to in_review (the chief inspector returns it). Guidance can be issued at any step; a reviewer can
dismiss a single flag; a case can be reassigned. Every step writes an audit row with who, when and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from declarations.models import (AuditEntry, Case, Declaration, ExplanationRequest, Flag, Guidance, Upload, User)
from declarations.models._types import utcnow
from declarations.services import audit, scoping
from declarations.services.audit import Actor


class ReviewError(ValueError):
    """The action cannot be done as asked; message_vi/message_en say why."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


class NotPermitted(ReviewError):
    """The actor's role or scope does not allow this action."""


class TransitionNotAllowed(ReviewError):
    """The case is not in a state from which this action may be taken."""


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    needs_reason: bool = False


REVIEWERS = scoping.REVIEWER_ROLES
CHIEF = ("chief_inspector",)

#: action -> the states it may start from, the state it leads to, and who may take it
TRANSITIONS: dict[str, Transition] = {
    "start": Transition(("new",), "in_review", REVIEWERS),
    "request_explanation": Transition(("in_review", "explanation_received"), "explanation_requested", REVIEWERS),
    "receive_explanation": Transition(("explanation_requested",), "explanation_received",
                                      ("declarant", *REVIEWERS)),
    "clear": Transition(("in_review", "explanation_received"), "cleared", REVIEWERS, needs_reason=True),
    "propose_escalation": Transition(("in_review", "explanation_requested", "explanation_received"),
                                     "escalation_proposed", REVIEWERS, needs_reason=True),
    "approve_escalation": Transition(("escalation_proposed",), "verification", CHIEF, needs_reason=True),
    "return_escalation": Transition(("escalation_proposed",), "in_review", CHIEF, needs_reason=True),
    "reopen": Transition(("cleared",), "in_review", REVIEWERS, needs_reason=True),
}

#: the actions offered as buttons on the case page (requesting and answering have their own forms)
SIMPLE_ACTIONS = ("start", "clear", "propose_escalation", "approve_escalation", "return_escalation", "reopen")


def _role(actor: Actor) -> str | None:
    return actor.role if isinstance(actor, User) else None


def _check(session: Session, case: Case, action: str, actor: Actor, reason: str | None = None) -> Transition:
    rule = TRANSITIONS[action]
    role = _role(actor)
    if role not in rule.roles:
        raise NotPermitted("Vai trò của bạn không được thực hiện thao tác này",
                           f"your role may not {action.replace('_', ' ')}")
    if role in REVIEWERS and not scoping.can_act_on_case(session, actor, case):
        raise NotPermitted("Hồ sơ này không thuộc phạm vi của bạn", "this case is not in your scope")
    if role == "declarant" and not scoping.can_answer_for(session, actor, case.person_id):
        raise NotPermitted("Yêu cầu giải trình này không gửi cho bạn", "this request is not addressed to you")
    if case.state not in rule.sources:
        raise TransitionNotAllowed(f"Không thể thực hiện khi hồ sơ đang ở trạng thái «{case.state}»",
                                   f"not allowed while the case is {case.state}")
    if rule.needs_reason and not (reason and reason.strip()):
        raise ReviewError("Cần ghi rõ lý do", "a reason is required")
    return rule


def allowed_actions(session: Session, case: Case, actor: Actor) -> list[str]:
    """The actions `actor` may take on `case` now (for the buttons on the case page)."""
    allowed = []
    for action in TRANSITIONS:
        try:
            _check(session, case, action, actor, reason="-")
        except ReviewError:
            continue
        allowed.append(action)
    return allowed


def _move(session: Session, case: Case, action: str, *, actor: Actor, reason: str | None,
          extra: dict | None = None) -> None:
    rule = TRANSITIONS[action]
    before = case.state
    case.state = rule.target
    case.updated_at = utcnow()
    if case.assignee_id is None and _role(actor) in REVIEWERS:
        case.assignee_id = actor.id
    session.flush()
    audit.record(session, actor=actor, action=f"case.{action}", object_type="case", object_id=case.id,
                 summary=(reason or "").strip() or None, before={"state": before},
                 after={"state": case.state, **(extra or {})})


def start_review(session: Session, case: Case, *, actor: Actor) -> Case:
    """Take up a new case (assigns it to the actor when nobody has it)."""
    _check(session, case, "start", actor)
    _move(session, case, "start", actor=actor, reason=None)
    return case


def request_explanation(session: Session, case: Case, *, question: str, actor: Actor, due_on: date | None = None,
                        today: date | None = None, explanation_days: int = 7,
                        mail: dict | None = None) -> ExplanationRequest:
    """Ask the declarant to explain (Law Art. 38.2: within 7 days by default); they are notified."""
    if not (question and question.strip()):
        raise ReviewError("Cần ghi nội dung yêu cầu giải trình", "the request needs a question")
    _check(session, case, "request_explanation", actor)
    from declarations.legal import today as vn_today

    today = today or vn_today()
    due_on = due_on or today + timedelta(days=explanation_days)
    if due_on < today:
        raise ReviewError("Hạn giải trình không được trước hôm nay", "the due date cannot be in the past")
    request = ExplanationRequest(case_id=case.id, requested_by_id=actor.id, question=question.strip(), due_on=due_on)
    session.add(request)
    session.flush()
    _move(session, case, "request_explanation", actor=actor, reason=question.strip(),
          extra={"request_id": request.id, "due_on": due_on.isoformat()})
    from declarations.services.notifications import notify

    notify(session, kind="explanation_request", subject="Yêu cầu giải trình về bản kê khai tài sản, thu nhập",
           body=f"{question.strip()}\nHạn giải trình: {due_on.strftime('%d/%m/%Y')}",
           link=f"/explanations/{request.id}", person_id=case.person_id, mail=mail)
    return request


def open_request(session: Session, case: Case) -> ExplanationRequest | None:
    """The case's unanswered explanation request, if any."""
    return session.scalar(sa.select(ExplanationRequest).where(
        ExplanationRequest.case_id == case.id, ExplanationRequest.answered_at.is_(None))
        .order_by(ExplanationRequest.id.desc()).limit(1))


def answer_explanation(session: Session, request: ExplanationRequest, *, answer: str, actor: Actor,
                       attachment_name: str | None = None, attachment_path: str | None = None,
                       now: datetime | None = None, mail: dict | None = None) -> ExplanationRequest:
    """Record the declarant's explanation; after the due date it is still accepted, but marked late."""
    if not (answer and answer.strip()):
        raise ReviewError("Cần ghi nội dung giải trình", "the explanation is empty")
    if request.answered_at is not None:
        raise TransitionNotAllowed("Yêu cầu này đã được trả lời", "this request has been answered")
    case = session.get(Case, request.case_id)
    _check(session, case, "receive_explanation", actor)
    now = now or utcnow()
    from declarations.legal import TIMEZONE

    answered_day = (now if now.tzinfo else now.replace(tzinfo=TIMEZONE)).astimezone(TIMEZONE).date()
    request.answer = answer.strip()
    request.answered_at = now
    request.answered_by_id = actor.id
    request.answered_late = answered_day > request.due_on
    request.attachment_name = attachment_name
    request.attachment_path = attachment_path
    session.flush()
    _move(session, case, "receive_explanation", actor=actor, reason=None,
          extra={"request_id": request.id, "late": request.answered_late, "attachment": attachment_name})
    from declarations.services.notifications import notify

    targets = {uid for uid in (case.assignee_id, request.requested_by_id) if uid}
    if targets:
        notify(session, kind="explanation_received", subject="Đã nhận giải trình",
               body=f"{'Giải trình nộp muộn. ' if request.answered_late else ''}{request.answer[:500]}",
               link=f"/cases/{case.id}", user_ids=targets, mail=mail)
    return request


def _simple(action: str):
    def run(session: Session, case: Case, *, reason: str, actor: Actor, mail: dict | None = None) -> Case:
        _check(session, case, action, actor, reason)
        _move(session, case, action, actor=actor, reason=reason)
        _after(session, case, action, reason, mail)
        return case

    run.__name__ = action
    run.__doc__ = f"Move the case by `{action}` (audited with the reason)."
    return run


def _after(session: Session, case: Case, action: str, reason: str, mail: dict | None) -> None:
    from declarations.services.notifications import notify

    if action == "propose_escalation":
        chiefs = set(session.scalars(sa.select(User.id).where(User.role == "chief_inspector", User.active.is_(True))))
        if chiefs:
            notify(session, kind="escalation_proposed", subject="Đề nghị xác minh tài sản, thu nhập",
                   body=reason, link=f"/cases/{case.id}", user_ids=chiefs, mail=mail)
    elif action in ("approve_escalation", "return_escalation") and case.assignee_id:
        subject = "Đã phê duyệt xác minh" if action == "approve_escalation" else "Đề nghị xác minh bị trả lại"
        notify(session, kind=action, subject=subject, body=reason, link=f"/cases/{case.id}",
               user_ids={case.assignee_id}, mail=mail)


clear_case = _simple("clear")
propose_escalation = _simple("propose_escalation")
approve_escalation = _simple("approve_escalation")
return_escalation = _simple("return_escalation")
reopen_case = _simple("reopen")

ACTION_FUNCTIONS = {"clear": clear_case, "propose_escalation": propose_escalation,
                    "approve_escalation": approve_escalation, "return_escalation": return_escalation,
                    "reopen": reopen_case}


def take_action(session: Session, case: Case, action: str, *, reason: str | None, actor: Actor,
                mail: dict | None = None) -> Case:
    """One of SIMPLE_ACTIONS by name (the case page's buttons)."""
    if action == "start":
        return start_review(session, case, actor=actor)
    if action not in ACTION_FUNCTIONS:
        raise TransitionNotAllowed("Thao tác không tồn tại", f"unknown action {action!r}")
    return ACTION_FUNCTIONS[action](session, case, reason=reason or "", actor=actor, mail=mail)


def dismiss_flag(session: Session, flag: Flag, *, reason: str, actor: Actor, case: Case | None = None) -> Flag:
    """A reviewer decides that one flag needs nothing; the case's risk score drops accordingly."""
    role = _role(actor)
    if role not in REVIEWERS:
        raise NotPermitted("Vai trò của bạn không được bỏ qua cảnh báo", "your role may not dismiss flags")
    if case is not None and not scoping.can_act_on_case(session, actor, case):
        raise NotPermitted("Hồ sơ này không thuộc phạm vi của bạn", "this case is not in your scope")
    if flag.status != "open":
        raise TransitionNotAllowed("Chỉ bỏ qua được cảnh báo đang mở", "only an open flag can be dismissed")
    if not (reason and reason.strip()):
        raise ReviewError("Cần ghi rõ lý do", "a reason is required")
    now = utcnow()
    flag.status, flag.closed_at, flag.updated_at = "dismissed", now, now
    flag.close_reason = reason.strip()
    flag.decided_by_id = actor.id
    session.flush()
    audit.record(session, actor=actor, action="flag.dismiss", object_type="flag", object_id=flag.id,
                 summary=reason.strip(), before={"status": "open"},
                 after={"status": "dismissed", "rule": flag.rule_code, "case_id": case.id if case else None})
    from declarations.services.checks import sync_cases

    sync_cases(session, [flag.person_id])
    return flag


def reassign_case(session: Session, case: Case, assignee: User, *, reason: str | None, actor: Actor,
                  mail: dict | None = None) -> Case:
    """Give the case to another reviewer whose agencies include the case's."""
    if _role(actor) not in REVIEWERS or not scoping.can_act_on_case(session, actor, case):
        raise NotPermitted("Bạn không được phân công hồ sơ này", "you may not reassign this case")
    if not scoping.can_act_on_case(session, assignee, case):
        raise ReviewError("Người được giao phải là thanh tra viên phụ trách cơ quan này",
                          "the assignee must be a reviewer of this agency")
    before = case.assignee_id
    case.assignee_id = assignee.id
    case.updated_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="case.reassign", object_type="case", object_id=case.id,
                 summary=(reason or "").strip() or None, before={"assignee_id": before},
                 after={"assignee_id": assignee.id, "assignee": assignee.username})
    if assignee.id != getattr(actor, "id", None):
        from declarations.services.notifications import notify

        notify(session, kind="case_assigned", subject="Được giao hồ sơ kiểm soát", body=reason or "",
               link=f"/cases/{case.id}", user_ids={assignee.id}, mail=mail)
    return case


def issue_guidance(session: Session, *, text: str, actor: Actor, case: Case | None = None,
                   person_id: int | None = None, agency_id: int | None = None,
                   mail: dict | None = None) -> Guidance:
    """Guidance (hướng dẫn) to a declarant or an agency, at any step; shown to them and notified."""
    if _role(actor) not in REVIEWERS:
        raise NotPermitted("Vai trò của bạn không được ban hành hướng dẫn", "your role may not issue guidance")
    if case is not None and not scoping.can_act_on_case(session, actor, case):
        raise NotPermitted("Hồ sơ này không thuộc phạm vi của bạn", "this case is not in your scope")
    if not (text and text.strip()):
        raise ReviewError("Cần ghi nội dung hướng dẫn", "the guidance is empty")
    if (person_id is None) == (agency_id is None):
        raise ReviewError("Chọn người nhận: người kê khai hoặc cơ quan", "address it to a declarant or an agency")
    if agency_id is not None and scoping.agency_scope(actor) is not None and agency_id not in scoping.agency_scope(actor):
        raise NotPermitted("Cơ quan không thuộc phạm vi của bạn", "the agency is not in your scope")
    guidance = Guidance(case_id=case.id if case else None, person_id=person_id, agency_id=agency_id,
                        issued_by_id=actor.id, text=text.strip())
    session.add(guidance)
    session.flush()
    audit.record(session, actor=actor, action="case.guidance" if case else "guidance.issue",
                 object_type="case" if case else "guidance", object_id=case.id if case else guidance.id,
                 summary=text.strip()[:500], after={"guidance_id": guidance.id, "person_id": person_id,
                                                    "agency_id": agency_id})
    from declarations.services.notifications import notify

    if person_id is not None:
        notify(session, kind="guidance", subject="Hướng dẫn của Thanh tra tỉnh", body=text.strip(),
               link="/my", person_id=person_id, mail=mail)
    else:
        from declarations.models import user_agencies

        officers = set(session.scalars(sa.select(User.id).join(user_agencies, user_agencies.c.user_id == User.id)
                                       .where(user_agencies.c.agency_id == agency_id,
                                              User.role == "agency_officer")))
        if officers:
            notify(session, kind="guidance", subject="Hướng dẫn của Thanh tra tỉnh", body=text.strip(),
                   link="/agency", user_ids=officers, mail=mail)
    return guidance


# --- the timeline -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    action: str
    summary: str | None
    detail: dict | None


def case_timeline(session: Session, case: Case) -> list[TimelineEntry]:
    """Everything that happened to the case: its audit rows, the declaration's versions and uploads, its flags."""
    versions = list(session.scalars(sa.select(Declaration.id).where(
        Declaration.person_id == case.person_id, Declaration.declaration_type == case.declaration_type,
        Declaration.year == case.year)))
    flag_ids = [str(i) for i in session.scalars(sa.select(Flag.id).where(_case_flags(case)))]
    conditions = [sa.and_(AuditEntry.object_type == "case", AuditEntry.object_id == str(case.id))]
    if versions:
        conditions.append(sa.and_(AuditEntry.object_type == "declaration",
                                  AuditEntry.object_id.in_([str(v) for v in versions])))
    if flag_ids:
        conditions.append(sa.and_(AuditEntry.object_type == "flag", AuditEntry.object_id.in_(flag_ids)))
    rows = session.scalars(sa.select(AuditEntry).where(sa.or_(*conditions))
                           .order_by(AuditEntry.at, AuditEntry.id)).all()
    entries = [TimelineEntry(r.at, r.actor_name, r.action, r.summary, r.after) for r in rows]
    seen_uploads = {(e.detail or {}).get("upload_id") for e in entries if e.action == "declaration.import"}
    if versions:
        for upload, username in session.execute(
                sa.select(Upload, User.username).join(Declaration, Declaration.upload_id == Upload.id)
                .outerjoin(User, User.id == Upload.uploaded_by_id).where(Declaration.id.in_(versions))):
            if upload.id not in seen_uploads:
                entries.append(TimelineEntry(upload.uploaded_at, username or "system", "declaration.upload",
                                             upload.filename, {"upload_id": upload.id}))
    entries.sort(key=lambda e: (_aware(e.at), e.action))
    return entries


def _aware(moment: datetime) -> datetime:
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _case_flags(case: Case):
    """SQL condition: the flags that belong to this case (on its declaration or its roster line)."""
    parts = []
    if case.declaration_id is not None:
        parts.append(Flag.declaration_id == case.declaration_id)
    if case.roster_entry_id is not None:
        parts.append(Flag.roster_entry_id == case.roster_entry_id)
    if not parts:
        return sa.false()
    return sa.and_(Flag.person_id == case.person_id, sa.or_(*parts))


case_flags_condition = _case_flags
