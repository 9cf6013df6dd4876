"""marshmallow schemas of every record that crosses a boundary: import reports, flag exports, the API."""
from __future__ import annotations

from marshmallow import Schema, fields


class CellErrorSchema(Schema):
    """An import error, pointing at the cell (sheet, Excel row, column letter and header, raw value)."""

    code = fields.String(required=True)
    sheet = fields.String(allow_none=True)
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    header = fields.String(allow_none=True)
    value = fields.String(allow_none=True)
    message_vi = fields.String()
    message_en = fields.String()


class ImportOutcomeSchema(Schema):
    filename = fields.String()
    status = fields.String()
    sha256 = fields.String()
    upload_id = fields.Integer(allow_none=True)
    declaration_id = fields.Integer(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    version = fields.Integer(allow_none=True)
    superseded_id = fields.Integer(allow_none=True)
    rows = fields.Integer()
    errors = fields.List(fields.Nested(CellErrorSchema))
    errors_truncated = fields.Integer()


class BatchReportSchema(Schema):
    batch_id = fields.String()
    total = fields.Function(lambda r: len(r.outcomes))
    accepted = fields.Function(lambda r: r.count("accepted"))
    rejected = fields.Function(lambda r: r.count("rejected"))
    duplicate = fields.Function(lambda r: r.count("duplicate"))
    outcomes = fields.List(fields.Nested(ImportOutcomeSchema))


class FlagExportSchema(Schema):
    """One open flag as `export-flags --format json` writes it (PRODUCT.md contract)."""

    id = fields.Integer()
    cccd = fields.String(allow_none=True)
    full_name = fields.String()
    agency = fields.String(allow_none=True)
    declaration_type = fields.String()
    year = fields.Integer()
    rule = fields.String()
    severity = fields.String()
    weight = fields.Integer()
    status = fields.String()
    declaration_id = fields.Integer(allow_none=True)
    roster_entry_id = fields.Integer(allow_none=True)
    message_vi = fields.String()
    message_en = fields.String()
    evidence = fields.Dict()
    created_at = fields.DateTime()
