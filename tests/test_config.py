"""Configuration precedence, the secret-key refusal and a side-effect-free factory."""
from __future__ import annotations

import pytest

from declarations import create_app
from declarations.config import ConfigError


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DECLARATIONS_INSTANCE_PATH", str(tmp_path))
    for name in ("SECRET_KEY", "DATABASE_URL", "PROVINCE_NAME", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_defaults_then_instance_file_then_environment(instance, monkeypatch):
    (instance / "config.py").write_text(
        "SECRET_KEY = 'from-instance-file-0123456789'\nPROVINCE_NAME = 'Tỉnh A'\nPAGE_SIZE = 7\n")
    app = create_app()
    assert app.config["PROVINCE_NAME"] == "Tỉnh A"
    assert app.config["PAGE_SIZE"] == 7
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'declarations.sqlite'}"
    assert app.config["MAX_WORKBOOK_BYTES"] == 10 * 1024 * 1024

    monkeypatch.setenv("PROVINCE_NAME", "Tỉnh B")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/x")
    app = create_app()
    assert app.config["PROVINCE_NAME"] == "Tỉnh B"
    assert app.config["DATABASE_URL"] == "postgresql://u@127.0.0.1/x"
    assert app.config["SECRET_KEY"] == "from-instance-file-0123456789"


def test_test_config_ignores_instance_file(instance):
    (instance / "config.py").write_text("SECRET_KEY = 'from-instance-file-0123456789'\nPROVINCE_NAME = 'X'\n")
    app = create_app({"TESTING": True, "SECRET_KEY": "given-by-the-test-0123"})
    assert app.config["PROVINCE_NAME"] == "Tỉnh Demo"


@pytest.mark.parametrize("secret", [None, "", "dev", "short"])
def test_refuses_to_start_without_a_real_secret(instance, monkeypatch, secret):
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError) as info:
        create_app()
    assert "SECRET_KEY" in str(info.value)


def test_debug_and_testing_get_a_random_secret(instance):
    app = create_app({"TESTING": True})
    assert len(app.config["SECRET_KEY"]) >= 32


def test_create_app_has_no_side_effects(instance):
    """No database file, upload folder or migration appears just by creating the app."""
    before = sorted(p.name for p in instance.iterdir())
    app = create_app({"TESTING": True, "SECRET_KEY": "x" * 32})
    assert sorted(p.name for p in instance.iterdir()) == before
    assert "scheduler" not in app.extensions


def test_cli_reports_missing_secret_without_traceback(instance):
    from click.testing import CliRunner

    from declarations.cli import main

    result = CliRunner().invoke(main, ["init-db"])
    assert result.exit_code != 0
    assert "SECRET_KEY" in result.output
    assert "Traceback" not in result.output
