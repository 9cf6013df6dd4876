"""The declarant's pages: their declarations and versions, requests for explanation and the answer form,
guidance addressed to them; and the scoped declaration page every role reads."""
from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import (Blueprint, abort, current_app, redirect, render_template, request, send_file, url_for)
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from declarations.auth import role_required
from declarations.db import get_session
from declarations.models import Case, Declaration, ExplanationRequest, Flag, Guidance, Upload, User
from declarations.services import reviews, scoping
from declarations.legal import today
from declarations.services.comparison import items_by_section
from declarations.views.common import actor, flash_error, mail, or_404

bp = Blueprint("declarant", __name__)

ALL_ROLES = ("declarant", "agency_officer", "inspector", "chief_inspector", "admin")


@bp.get("/my")
@role_required("declarant")
def my():
    """My declarations (every version), my uploads, the requests and guidance addressed to me."""
    session = get_session()
    user = actor()
    people = scoping.own_person_ids(session, user)
    declarations = session.scalars(sa.select(Declaration).where(Declaration.person_id.in_(people))
                                   .order_by(Declaration.year.desc(), Declaration.declaration_type,
                                             Declaration.version.desc())).all()
    uploads = session.scalars(sa.select(Upload).where(Upload.uploaded_by_id == user.id)
                              .order_by(Upload.uploaded_at.desc(), Upload.id.desc()).limit(50)).all()
    requests = session.execute(sa.select(ExplanationRequest, Case).join(Case, Case.id == ExplanationRequest.case_id)
                               .where(Case.person_id.in_(people))
                               .order_by(ExplanationRequest.answered_at.is_not(None), ExplanationRequest.due_on)).all()
    guidance = session.execute(sa.select(Guidance, User.username).outerjoin(User, User.id == Guidance.issued_by_id)
                               .where(Guidance.person_id.in_(people)).order_by(Guidance.issued_at.desc())).all()
    return render_template("my.html", declarations=declarations, uploads=uploads, requests=requests,
                           guidance=guidance, today=today())


@bp.get("/declarations/<int:declaration_id>")
@role_required(*ALL_ROLES)
def declaration(declaration_id: int):
    """One declaration (any version) laid out by the sections of the official form, within the user's scope."""
    session = get_session()
    user = actor()
    decl = or_404(scoping.visible_declaration(session, user, declaration_id))
    versions = session.scalars(sa.select(Declaration).where(
        Declaration.person_id == decl.person_id, Declaration.declaration_type == decl.declaration_type,
        Declaration.year == decl.year).order_by(Declaration.version)).all()
    flags = []
    if user.role != "declarant":
        flags = session.scalars(sa.select(Flag).where(Flag.declaration_id == decl.id, Flag.status == "open")
                                .order_by(Flag.weight.desc())).all()
    case = session.scalar(sa.select(Case).where(Case.person_id == decl.person_id,
                                                Case.declaration_type == decl.declaration_type,
                                                Case.year == decl.year))
    show_case = case is not None and scoping.can_see_case(session, user, case)
    return render_template("declaration.html", declaration=decl, versions=versions,
                           sections=items_by_section(decl), flags=flags, case=case if show_case else None)


@bp.route("/explanations/<int:request_id>", methods=["GET", "POST"])
@role_required(*ALL_ROLES)
def explanation(request_id: int):
    """A request for explanation; the declarant answers here (text and an optional file)."""
    session = get_session()
    user = actor()
    req = or_404(scoping.visible_explanation(session, user, request_id))
    case = session.get(Case, req.case_id)
    can_answer = req.answered_at is None and scoping.can_answer_for(session, user, case.person_id)
    if request.method == "POST":
        if not can_answer:
            abort(403)
        name = path = None
        upload = request.files.get("attachment")
        if upload and upload.filename:
            name = secure_filename(upload.filename) or "dinh-kem"
            folder = Path(current_app.config["UPLOAD_FOLDER"]) / "explanations"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{uuid.uuid4().hex}-{name}"
            upload.save(target)
            path = str(target)
        try:
            reviews.answer_explanation(session, req, answer=request.form.get("answer", ""), actor=user,
                                       attachment_name=name, attachment_path=path, mail=mail())
        except reviews.ReviewError as exc:
            session.rollback()
            if path:
                Path(path).unlink(missing_ok=True)
            flash_error(exc)
            return redirect(url_for("declarant.explanation", request_id=request_id), code=303)
        session.commit()
        from flask import flash

        flash(_("Đã gửi giải trình."), "success")
        return redirect(url_for("declarant.explanation", request_id=request_id), code=303)
    decl = session.get(Declaration, case.declaration_id) if case.declaration_id else None
    return render_template("explanation.html", req=req, case=case, declaration=decl, can_answer=can_answer,
                           today=today(), can_see_case=scoping.can_see_case(session, user, case))


@bp.get("/explanations/<int:request_id>/attachment")
@role_required(*ALL_ROLES)
def attachment(request_id: int):
    """The file attached to an explanation, as a download."""
    session = get_session()
    req = or_404(scoping.visible_explanation(session, actor(), request_id))
    if not req.attachment_path or not Path(req.attachment_path).is_file():
        abort(404)
    return send_file(req.attachment_path, as_attachment=True, download_name=req.attachment_name or "dinh-kem",
                     mimetype="application/octet-stream")
