"""Administration: users and scopes, legal parameters (audited), the audit log with filters and CSV."""
from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from declarations.models import Agency, AuditEntry, LegalRegime, Parameter, User
from etl.text import label_key


def test_users_are_created_and_changed_with_audit(client, login_as, db):
    login_as("admin")
    db.add(Agency(name="Sở Y tế", name_key=label_key("Sở Y tế")))
    db.commit()
    agency = db.scalar(sa.select(Agency.id).where(Agency.name == "Sở Y tế"))
    response = client.post("/admin/users", data={"username": "tv9", "role": "inspector", "password": "mat-khau-dai",
                                                 "agencies": [str(agency)], "full_name": "Thanh tra 9"})
    assert response.status_code == 303
    user = db.scalar(sa.select(User).where(User.username == "tv9"))
    assert user.agency_ids == {agency}
    response = client.post(f"/admin/users/{user.id}", data={"role": "inspector", "full_name": "Thanh tra chín",
                                                            "email": "", "agencies": []})
    assert response.status_code == 303
    db.expire_all()
    user = db.get(User, user.id)
    assert user.active is False and user.agencies == [] and user.full_name == "Thanh tra chín"
    actions = set(db.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == str(user.id))))
    assert {"user.create", "user.update", "user.scope"} <= actions
    assert "Thanh tra chín" in client.get("/admin/users").get_data(as_text=True)


def test_chief_assigns_agencies_to_inspectors(client, login_as, make_user, db):
    inspector = make_user("inspector", "tv7")
    login_as("chief_inspector")
    db.add_all([Agency(name="Sở A", name_key=label_key("Sở A")), Agency(name="Sở B", name_key=label_key("Sở B"))])
    db.commit()
    ids = [str(i) for i in db.scalars(sa.select(Agency.id))]
    assert client.post("/admin/assignments", data={"user_id": inspector, "agencies": ids}).status_code == 303
    db.expire_all()
    assert len(db.get(User, inspector).agencies) == 2
    assert db.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.scope")).actor_name.startswith("chief")


def test_parameters_are_changed_and_audited(client, login_as, db):
    login_as("admin")
    page = client.get("/admin/parameters").get_data(as_text=True)
    assert "50.000.000" in page and "L132_2025" in page
    response = client.post("/admin/parameters", data={
        "what": "regime", "code": "L2030", "name": "Luật giả định 2030", "effective_from": "2030-01-01",
        "item_threshold": "200.000.000", "variation_threshold": "1,5 tỷ"})
    assert response.status_code == 303
    regime = db.scalar(sa.select(LegalRegime).where(LegalRegime.code == "L2030"))
    assert regime.item_threshold == 200_000_000 and regime.variation_threshold == 1_500_000_000
    from declarations.rules.runner import rules_table

    weights = {f"w_{r['code']}": str(r["weight"]) for r in rules_table()}
    weights["w_LATE"] = "12"
    assert client.post("/admin/parameters", data={"what": "weights", **weights}).status_code == 303
    assert db.get(Parameter, "weights").value["LATE"] == 12
    actions = db.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type.in_(("legal_regime", "parameter")))
                         ).all()
    assert actions == ["regime.add", "parameter.set"]
    # a bad amount is refused, nothing stored
    client.post("/admin/parameters", data={"what": "regime", "code": "X", "name": "X", "effective_from": "2031-01-01",
                                           "item_threshold": "nhiều", "variation_threshold": "1"})
    assert db.scalar(sa.select(LegalRegime).where(LegalRegime.code == "X")) is None


def test_audit_log_filter_and_csv_export(client, login_as, make_user):
    make_user("inspector", "tv5")
    login_as("admin", username="qt1")
    page = client.get("/admin/audit?action=user.create").get_data(as_text=True)
    assert "tv5" in page and "user.login" not in page
    response = client.get("/admin/audit.csv?action=user.")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert {r[3] for r in rows[1:]} == {"user.create", "user.login"}
    assert client.get("/admin/audit?since=2000-01-01&until=2000-01-02").get_data(as_text=True).count("<code>") == 0
    assert client.get("/admin/audit?since=not-a-date").status_code == 400
