"""The declarations web application: asset and income declaration control for a provincial Inspectorate."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Flask is imported lazily so that `declarations.rules` runs without it
    from flask import Flask


def create_app(test_config: dict | None = None) -> "Flask":
    """Load configuration and wire the parts; no migrations, prompts or network here (STYLE habit 1)."""
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True,
                instance_path=os.environ.get("DECLARATIONS_INSTANCE_PATH") or None)
    from declarations import auth, cli, config, db, i18n, views

    config.load(app, test_config)
    config.require_secret(app)
    db.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    return app
