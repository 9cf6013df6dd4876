"""Maintainers: re-extract the Vietnamese source strings and merge them into the English catalog.

    .venv/bin/python declarations/translations/update_catalog.py

then translate the new (empty) entries in en/LC_MESSAGES/messages.po and compile:

    .venv/bin/pybabel compile -d declarations/translations
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def main() -> None:
    pybabel = str(Path(sys.executable).with_name("pybabel"))
    subprocess.run([pybabel, "extract", "-F", str(HERE / "babel.cfg"), "-k", "_l", "-o", str(HERE / "messages.pot"),
                    "--no-location", "--sort-output", "."], cwd=ROOT, check=True)
    subprocess.run([pybabel, "update", "-i", str(HERE / "messages.pot"), "-d", str(HERE), "-l", "en",
                    "--no-fuzzy-matching"], check=True)


if __name__ == "__main__":
    main()
