"""The `declarations` command: a Flask CLI group over create_app() (PRODUCT.md, "Command line")."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from declarations.db import get_engine, new_session


def _create_app():
    from flask.cli import NoAppException

    from declarations import create_app
    from declarations.config import ConfigError

    try:
        return create_app()
    except ConfigError as exc:  # a configuration message, not a traceback
        raise NoAppException(str(exc)) from None


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main() -> None:
    """Kiểm soát tài sản, thu nhập: asset and income declaration control."""


def command(name: str, **kwargs):
    """Register a command on the `declarations` group (and, through init_app, on `flask`)."""
    def decorator(func):
        cmd = click.command(name, **kwargs)(with_appcontext(func))
        main.add_command(cmd)
        COMMANDS.append(cmd)
        return cmd
    return decorator


COMMANDS: list[click.Command] = []


def init_app(app: Flask) -> None:
    for cmd in COMMANDS:
        if cmd.name not in app.cli.commands:
            app.cli.add_command(cmd)


@command("init-db")
def init_db() -> None:
    """Create or upgrade the schema to the latest revision and seed the legal parameters."""
    from declarations import schema
    from declarations.services.legal import seed_parameters

    schema.upgrade(get_engine())
    with new_session() as session, session.begin():
        seed_parameters(session)
    click.echo(f"database at revision {schema.head_revision()}: {_safe_url()}")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


@command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(
    ["declarant", "agency_officer", "inspector", "chief_inspector", "admin"]))
@click.option("--password", help="without it, the command asks")
@click.option("--agency", "agencies", multiple=True, help="agency in scope (officers, inspectors)")
@click.option("--cccd", help="the declarant's CCCD")
@click.option("--full-name")
@click.option("--email")
def create_user_command(username, role, password, agencies, cccd, full_name, email) -> None:
    """Create a user with a role and its scope."""
    from declarations.services.audit import CLI
    from declarations.services.users import UserError, create_user

    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with new_session() as session, session.begin():
            user = create_user(session, username, role=role, password=password, actor=CLI,
                               agencies=list(agencies), cccd=cccd, full_name=full_name, email=email)
            click.echo(f"created user {user.username} ({user.role})")
    except UserError as exc:
        raise click.ClickException(str(exc)) from None


def _params(session):
    from declarations.services.legal import load_params

    return load_params(session)


def _limits():
    from declarations.services.imports import Limits

    return Limits.from_config(current_app.config)


def _print_outcome(outcome) -> None:
    if outcome.status == "accepted":
        extra = f" v{outcome.version}" if outcome.version else f" {outcome.rows} rows"
        if outcome.superseded_id:
            extra += f" (supersedes #{outcome.superseded_id})"
        click.echo(f"accepted  {outcome.filename}{extra}")
    elif outcome.status == "duplicate":
        click.echo(f"duplicate {outcome.filename} (identical to upload #{outcome.upload_id}; nothing changed)")
    else:
        total = len(outcome.errors) + outcome.errors_truncated
        click.echo(f"rejected  {outcome.filename}: {total} error(s)")
        for err in outcome.errors[:20]:
            where = " ".join(str(x) for x in (err.sheet, f"row {err.row}" if err.row else None,
                                              f"col {err.column}" if err.column else None) if x)
            click.echo(f"    [{err.code}] {where}: {err.message_vi} / {err.message_en}"
                       + (f" (giá trị: {err.value!r})" if err.value not in (None, "") else ""))
        if total > 20:
            click.echo(f"    … {total - 20} more")


@command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="print the batch report as JSON")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="check date for the re-check (default today)")
@click.option("--workers", type=int, help="processes reading workbooks (default: the number of cores)")
def import_command(paths, as_json, as_of, workers) -> None:
    """Import declaration workbooks: files, folders or .zip; exit 1 if any was rejected.

    Each workbook is all of it or nothing (workbooks are committed in groups; a group that fails is
    redone one workbook per transaction); the people whose declarations came in are re-checked
    together at the end of the batch.
    """
    import json

    from declarations.schemas import BatchReportSchema
    from declarations.services.audit import CLI
    from declarations.services.checks import check_people
    from declarations.services.imports import BatchReport, DeclarationStore, expand_paths, new_batch_id
    from etl.parallel import read_many

    report = BatchReport(new_batch_id())
    touched: set[int] = set()
    with new_session() as session:
        params, limits = _params(session), _limits()
        store = DeclarationStore(session, actor=CLI, params=params, upload_folder=current_app.config["UPLOAD_FOLDER"],
                                 batch_id=report.batch_id, background_writes=True)
        session.commit()
        files = expand_paths(paths)
        with store:
            group: list = []
            for item in read_many("declaration", files, workers=workers, **limits.reader_kwargs()):
                group.append(item)
                if len(group) == GROUP:
                    _store_group(session, store, group, report, touched, as_json)
                    group = []
            _store_group(session, store, group, report, touched, as_json)
        if touched:
            with session.begin():
                summary = check_people(session, touched, actor=CLI, params=params,
                                       as_of=as_of.date() if as_of else None)
    if as_json:
        click.echo(json.dumps(BatchReportSchema().dump(report), ensure_ascii=False, indent=2))
    else:
        if touched:
            click.echo(f"re-checked {len(touched)} people: {summary.opened} flags opened, {summary.closed} closed")
        click.echo(f"{len(report.outcomes)} workbook(s): {report.count('accepted')} accepted, "
                   f"{report.count('rejected')} rejected, {report.count('duplicate')} unchanged duplicates")
    raise SystemExit(0 if report.all_accepted else 1)


GROUP = 50   #: workbooks committed together; any failure among them redoes each on its own


def _store_group(session, store, group, report, touched, as_json) -> None:
    """Store workbooks in one transaction; if anything fails, each again in a transaction of its own.

    Rejections are not failures (they are stored as rejected uploads); a failure is a database error,
    and then no workbook of the group is half-stored: each is all or nothing on its own.
    """
    if not group:
        return
    try:
        with session.begin():
            outcomes = [store.store(name, data, result, savepoint=False) for name, data, result in group]
    except Exception:
        store.forget()
        outcomes = [_store_alone(session, store, name, data, result) for name, data, result in group]
    for outcome in outcomes:
        report.outcomes.append(outcome)
        if outcome.status == "accepted":
            touched.add(outcome.person_id)
        if not as_json:
            _print_outcome(outcome)


def _store_alone(session, store, name, data, result):
    """One workbook in its own transaction; a database failure rejects it, the batch goes on."""
    import hashlib

    from declarations.services.imports import ImportOutcome
    from etl.records import CellError

    try:
        with session.begin():
            return store.store(name, data, result, savepoint=False)
    except Exception as exc:  # the database refused it: report it as this workbook's error, not a traceback
        store.forget()
        error = CellError("storage_error", value=type(exc).__name__,
                          message_vi="Không lưu được bản kê khai vào cơ sở dữ liệu; không có gì được lưu",
                          message_en="The database refused this workbook; nothing of it was stored")
        return ImportOutcome(name, "rejected", hashlib.sha256(data).hexdigest(), errors=[error])


@command("import-roster")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
def import_roster_command(files) -> None:
    """Import roster workbooks (danh sách người có nghĩa vụ kê khai); exit 1 if any was rejected."""
    from declarations.services.audit import CLI
    from declarations.services.imports import expand_paths, import_roster, new_batch_id

    batch = new_batch_id()
    ok = True
    with new_session() as session:
        for name, data in expand_paths(files):
            with session.begin():
                outcome = import_roster(session, data, name, actor=CLI, limits=_limits(),
                                        upload_folder=current_app.config["UPLOAD_FOLDER"], batch_id=batch)
            _print_outcome(outcome)
            ok = ok and outcome.status != "rejected"
    raise SystemExit(0 if ok else 1)


@command("check")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="completeness as of this date (default today)")
@click.option("--rule", "codes", multiple=True, help="only these rule codes")
def check_command(as_of, codes) -> None:
    """Run every check over everyone (completeness as of --as-of) and update the stored flags."""
    from declarations.services.audit import CLI
    from declarations.services.checks import check_all

    with new_session() as session, session.begin():
        summary = check_all(session, actor=CLI, as_of=as_of.date() if as_of else None, codes=codes or None)
    click.echo(f"checked {summary.people} people as of {summary.as_of:%d/%m/%Y}: {summary.opened} opened, "
               f"{summary.reopened} reopened, {summary.updated} updated, {summary.closed} closed, "
               f"{summary.unchanged} unchanged")
    for err in summary.rule_errors[:20]:
        click.echo(f"rule {err['code']} could not run for person {err['person_id']}: {err['error']}", err=True)


@command("export-flags")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json")
@click.option("--output", type=click.Path(dir_okay=False), help="file to write (default: standard output)")
def export_flags_command(fmt, output) -> None:
    """Write the open flags as JSON, CSV or XLSX."""
    import json
    import sys

    from declarations.schemas import FlagExportSchema
    from declarations.services.exports import open_flag_rows, write_flags_csv, write_flags_xlsx

    with new_session() as session:
        rows = open_flag_rows(session)
    if fmt == "xlsx":
        if not output:
            raise click.UsageError("--format xlsx needs --output FILE")
        write_flags_xlsx(rows, output)
    elif fmt == "csv":
        if output:
            with open(output, "w", newline="", encoding="utf-8-sig") as stream:
                write_flags_csv(rows, stream)
        else:
            write_flags_csv(rows, sys.stdout)
    else:
        text = json.dumps(FlagExportSchema(many=True).dump(rows), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as stream:
                stream.write(text)
        else:
            click.echo(text)
    if output:
        click.echo(f"{len(rows)} open flag(s) written to {output}", err=True)


@command("rules")
def rules_command() -> None:
    """List every check with its code, severity, weight and legal article."""
    from declarations.rules.runner import rules_table

    with new_session() as session:
        rows = rules_table(_params(session))
    for row in rows:
        click.echo(f"{row['code']:<24} {row['severity']:<7} weight {row['weight']:>3}  v{row['version']}  "
                   f"{row['article_vi']}")
        click.echo(f"    {row['description_vi']}")
        click.echo(f"    {row['description_en']}")


@command("template")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--roster", is_flag=True, help="a roster workbook instead of a declaration")
def template_command(out, roster) -> None:
    """Write a blank declaration (or roster) workbook in the official layout."""
    from etl.template import write_declaration_template, write_roster_template

    path = write_roster_template(out) if roster else write_declaration_template(out)
    click.echo(f"written {path}")


@command("demo")
@click.option("--declarants", default=200, show_default=True)
@click.option("--years", default=4, show_default=True)
@click.option("--out", default="demo-province", show_default=True, type=click.Path(file_okay=False))
@click.option("--seed", default=1, show_default=True)
def demo_command(declarants, years, out, seed) -> None:
    """Write a synthetic province as real workbook files, with a manifest of planted anomalies."""
    from pathlib import Path

    from etl.demo.generator import generate_province

    manifest = generate_province(Path(out), declarants=declarants, years=years, seed=seed)
    c = manifest.counts
    click.echo(f"written to {out}: {c['people']} people in {c['agencies']} agencies, {c['roster_files']} roster "
               f"files ({c['roster_entries']} lines), {c['declaration_files']} declaration files "
               f"({c['corrections']} corrections, {c['messy_files']} filled in messy ways)")
    by_rule = ", ".join(f"{rule} {n}" for rule, n in sorted(c["expected_flags_by_rule"].items()))
    click.echo(f"planted anomalies: {len(manifest.expected_flags)} flags expected ({by_rule}); "
               f"check as of {manifest.as_of}; details in {Path(out) / 'manifest.json'}")


DEMO_USERS = (
    # username, role, full name (inspectors see every agency, the officer the busiest one)
    ("chanhthanhtra", "chief_inspector", "Chánh thanh tra (demo)"),
    ("thanhtravien", "inspector", "Thanh tra viên (demo)"),
    ("canbotochuc", "agency_officer", "Cán bộ tổ chức (demo)"),
    ("quantri", "admin", "Quản trị (demo)"),
    ("nguoikekhai", "declarant", "Người kê khai (demo)"),
)


@command("demo-setup")
@click.option("--declarants", default=120, show_default=True)
@click.option("--years", default=4, show_default=True)
def demo_setup_command(declarants, years) -> None:
    """First start only: import a demo province and create demo users, printing their logins once."""
    import secrets
    import tempfile
    from pathlib import Path

    import sqlalchemy as sa

    from declarations.models import Agency, Declaration, Person, User
    from declarations.services.audit import CLI
    from declarations.services.checks import check_all
    from declarations.services.imports import expand_paths, import_declaration, import_roster
    from declarations.services.users import create_user
    from etl.demo.generator import generate_province

    with new_session() as session:
        if session.scalar(sa.select(sa.func.count(User.id))):
            click.echo("demo already set up (users exist); logins were printed on first start")
            return
        params, limits = _params(session), _limits()
        session.commit()
        folder = current_app.config["UPLOAD_FOLDER"]
        with tempfile.TemporaryDirectory() as tmp:
            manifest = generate_province(Path(tmp), declarants=declarants, years=years, seed=7)
            files = expand_paths([tmp])
            rosters = [(n, d) for n, d in files if "roster" in Path(n).name.lower() or "danh" in Path(n).name.lower()]
            others = [(n, d) for n, d in files if (n, d) not in rosters]
            for name, data in rosters:
                with session.begin():
                    import_roster(session, data, Path(name).name, actor=CLI, limits=limits, upload_folder=folder)
            for name, data in others:
                with session.begin():
                    import_declaration(session, data, Path(name).name, actor=CLI, params=params, limits=limits,
                                       upload_folder=folder, recheck=False)
        with session.begin():
            check_all(session, actor=CLI, params=params)
        with session.begin():
            agencies = session.scalars(sa.select(Agency).order_by(Agency.id)).all()
            busiest = session.execute(sa.select(Declaration.agency_id, sa.func.count()).where(
                Declaration.agency_id.is_not(None)).group_by(Declaration.agency_id)
                .order_by(sa.func.count().desc())).first()
            main_agency = session.get(Agency, busiest[0]) if busiest else agencies[0]
            person = session.scalar(sa.select(Person).join(Declaration, Declaration.person_id == Person.id)
                                    .where(Person.cccd.is_not(None)).order_by(Person.id).limit(1))
            logins = []
            for username, role, full_name in DEMO_USERS:
                password = secrets.token_urlsafe(9)
                agency_names = [a.name for a in agencies] if role == "inspector" else (
                    [main_agency.name] if role == "agency_officer" else [])
                create_user(session, username, role=role, password=password, actor=CLI, agencies=agency_names,
                            cccd=person.cccd if role == "declarant" else None,
                            full_name=person.full_name if role == "declarant" else full_name)
                logins.append((username, password, role))
    click.echo(f"demo province imported: {len(others)} declaration files, {len(rosters)} roster files, "
               f"{len(manifest.expected_flags)} planted anomalies")
    click.echo("Demo logins (shown once; keep them):")
    for username, password, role in logins:
        click.echo(f"  {username:<15} {password:<14} {role}")


@command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--threads", default=8, show_default=True)
def serve_command(host, port, threads) -> None:
    """Serve the web UI with the production WSGI server (waitress)."""
    from waitress import serve

    serve(current_app._get_current_object(), host=host, port=port, threads=threads)

import declarations.cli_jobs  # noqa: E402,F401  (issue 6: scheduler, run-job, report)
