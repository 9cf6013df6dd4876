"""Upload of declaration workbooks (declarants, agency officers) and rosters (agency officers)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file
from flask_babel import gettext as _

from declarations.auth import role_required
from declarations.db import get_session
from declarations.services.imports import (BatchReport, Limits, expand_zip, import_declaration, import_roster,
                                           new_batch_id)
from declarations.services.legal import load_params
from declarations.views.common import actor

bp = Blueprint("uploads", __name__)

UPLOADERS = ("declarant", "agency_officer")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".zip")


def _workbooks(files) -> list[tuple[str, bytes]]:
    """The uploaded files as (name, bytes); a .zip is opened into its workbooks."""
    found = []
    for storage in files:
        if not storage or not storage.filename:
            continue
        name = Path(storage.filename).name
        data = storage.read()
        if name.lower().endswith(".zip"):
            members = expand_zip(data, name, max_member_bytes=current_app.config["MAX_WORKBOOK_BYTES"])
            found.extend((member.split("/", 1)[-1], payload) for member, payload in members)
        else:
            found.append((name, data))
    return found


@bp.route("/upload", methods=["GET", "POST"])
@role_required(*UPLOADERS)
def upload():
    """Upload one or more workbooks (or a .zip) and see at once what was accepted and why not."""
    user = actor()
    kinds = ("declaration", "roster") if user.role == "agency_officer" else ("declaration",)
    if request.method == "GET":
        return render_template("upload.html", kinds=kinds, report=None, kind="declaration")
    kind = request.form.get("kind", "declaration")
    if kind not in kinds:
        abort(403)
    if user.role == "declarant" and user.person_id is None:
        abort(403)
    files = _workbooks(request.files.getlist("files"))
    if not files:
        return render_template("upload.html", kinds=kinds, report=None, kind=kind,
                               message=_("Chưa chọn tệp nào để tải lên.")), 400
    session = get_session()
    config = current_app.config
    limits = Limits.from_config(config)
    report = BatchReport(new_batch_id())
    params = load_params(session) if kind == "declaration" else None
    scope = {"scope_person_id": user.person_id} if user.role == "declarant" else {"scope_agency_ids": user.agency_ids}
    for name, data in files:
        # Each workbook is its own unit: a savepoint, so one rejected file leaves the others alone.
        with session.begin_nested():
            if kind == "roster":
                outcome = import_roster(session, data, name, actor=user, limits=limits,
                                        upload_folder=config["UPLOAD_FOLDER"], batch_id=report.batch_id,
                                        scope_agency_ids=user.agency_ids)
            else:
                outcome = import_declaration(session, data, name, actor=user, params=params, limits=limits,
                                             upload_folder=config["UPLOAD_FOLDER"], batch_id=report.batch_id,
                                             **scope)
        report.outcomes.append(outcome)
    session.commit()
    status = 200 if report.all_accepted else 422
    return render_template("upload.html", kinds=kinds, report=report, kind=kind), status


@bp.get("/upload/template")
def template():
    """The blank workbook in the official layout (declaration, or roster with ?kind=roster)."""
    from etl.template import write_declaration_template, write_roster_template

    roster = request.args.get("kind") == "roster"
    name = "danh-sach-nguoi-co-nghia-vu-ke-khai.xlsx" if roster else "mau-ban-ke-khai-tai-san-thu-nhap.xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        (write_roster_template if roster else write_declaration_template)(path)
        data = path.read_bytes()
    import io

    return send_file(io.BytesIO(data), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
