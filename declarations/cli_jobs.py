"""Commands for the scheduler, its jobs and the periodic reports (issue 6)."""
from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import current_app

from declarations.cli import command
from declarations.db import new_session


@command("scheduler")
def scheduler_command() -> None:
    """Run the scheduled jobs in the foreground (one per deployment); SIGTERM or Ctrl-C stops it cleanly.

    A second scheduler started by mistake waits as a standby (database lock) and takes over if the
    first one dies.
    """
    from declarations.scheduler import JobScheduler, job_specs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    app.config["SCHEDULER_ENABLED"] = True
    scheduler = JobScheduler(app)
    scheduler.install_signal_handlers()
    click.echo(f"scheduler {scheduler.holder} starting ({scheduler.lock.kind}); jobs: "
               + ", ".join(spec.id for spec in job_specs(app.config)))
    scheduler.run_forever()
    click.echo("scheduler stopped")


@command("run-job")
@click.argument("job_id")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="run as of this date (default today)")
def run_job_command(job_id, as_of) -> None:
    """Run one scheduled job now, in this process (recorded in the job history as a manual run)."""
    from declarations.scheduler import job_specs, run_job

    try:
        run = run_job(current_app._get_current_object(), job_id, as_of=as_of.date() if as_of else None)
    except KeyError:
        known = ", ".join(spec.id for spec in job_specs(current_app.config))
        raise click.UsageError(f"unknown job {job_id!r}; jobs: {known}") from None
    click.echo(f"{job_id}: {run.outcome} {run.counts or ''}")
    if run.outcome == "error":
        click.echo(run.error, err=True)
        raise SystemExit(1)


@command("report")
@click.option("--year", type=int, required=True, help="the declared year (Năm kê khai)")
@click.option("--agency", help="one agency (name or id) and its sub-units; default the whole province")
@click.option("--output", required=True, type=click.Path(dir_okay=False), help=".xlsx or .csv")
@click.option("--list", "kind", flag_value="list",
              help="write the consolidated list of obliged persons instead of the annual report")
@click.option("--missing", "kind", flag_value="missing",
              help="write only the list of people still missing (.csv or .xlsx)")
@click.option("--as-of", type=click.DateTime(["%Y-%m-%d"]), help="figures as of this date (default today)")
def report_command(year, agency, output, kind, as_of) -> None:
    """Write the annual report on asset and income control (.xlsx or .csv by the file's ending).

    With --list: "Tổng hợp danh sách người có nghĩa vụ kê khai tài sản, thu nhập" per agency.
    """
    from declarations.services import reports

    suffix = Path(output).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise click.UsageError("--output must end in .xlsx or .csv")
    with new_session() as session:
        try:
            agency_ids = reports.resolve_agency(session, agency) if agency else None
        except LookupError as exc:
            raise click.UsageError(str(exc)) from None
        province = current_app.config["PROVINCE_NAME"]
        if kind == "list":
            data = reports.obliged_list(session, year, agency_ids=agency_ids, province_name=province)
            writer = reports.write_list_xlsx if suffix == ".xlsx" else reports.write_list_csv
            what = f"{len(data.rows)} people"
        else:
            data = reports.annual_report(session, year, agency_ids=agency_ids, province_name=province,
                                         as_of=as_of.date() if as_of else None)
            if kind == "missing":
                writer = reports.write_missing_xlsx if suffix == ".xlsx" else reports.write_missing_csv
            else:
                writer = reports.write_report_xlsx if suffix == ".xlsx" else reports.write_report_csv
            what = (f"{len(data.rows)} agencies, {data.total.obliged} obliged, {data.total.missing} missing")
    with open(output, "wb") as stream:
        writer(data, stream)
    click.echo(f"written {output}: {what}")
