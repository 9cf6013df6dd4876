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
