"""A synthetic province written as real workbook files, with planted anomalies and a manifest.

`generate_province` writes the roster and declaration workbooks and `manifest.json`; the manifest's
`expected_flags` is exactly the set of flags the checks must raise on them (docs/checks.md).
"""
from __future__ import annotations

from etl.demo.generator import Manifest, Province, build_province, generate_province

__all__ = ["Manifest", "Province", "build_province", "generate_province"]
