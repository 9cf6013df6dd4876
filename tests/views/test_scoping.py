"""Scoping: guessing another agency's (or person's) ids gives 404; lists hold only what is in scope."""
from __future__ import annotations

import pytest

from tests.views.conftest import signed_in_client


@pytest.fixture(scope="module")
def others(module_app, module_world):
    """Users of agency B and a second declarant, created once."""
    from declarations.db import new_session
    from declarations.services.audit import SYSTEM
    from declarations.services.users import create_user
    from tests.conftest import PASSWORD
    from tests.views.conftest import AGENCY_B, CCCD_B

    with module_app.app_context(), new_session() as s, s.begin():
        return {
            "officer_b": create_user(s, "canbo_b", role="agency_officer", password=PASSWORD, actor=SYSTEM,
                                     agencies=[AGENCY_B]).id,
            "inspector_b": create_user(s, "thanhtra_b", role="inspector", password=PASSWORD, actor=SYSTEM,
                                       agencies=[AGENCY_B]).id,
            "declarant_b": create_user(s, "nguoikekhai_b", role="declarant", password=PASSWORD, actor=SYSTEM,
                                       cccd=CCCD_B).id,
        }


@pytest.mark.parametrize("who", ["officer_b", "inspector_b", "declarant_b"])
def test_another_agency_cannot_read_a_declaration_by_guessing_its_id(who, module_app, module_world, others):
    world, _users = module_world
    client = signed_in_client(module_app, others[who])
    assert client.get(f"/declarations/{world.declaration_a}").status_code == 404
    # their own is readable
    assert client.get(f"/declarations/{world.declaration_b}").status_code == 200


def test_another_agency_inspector_cannot_open_or_act_on_a_case(module_app, module_world, others):
    world, _users = module_world
    client = signed_in_client(module_app, others["inspector_b"])
    assert client.get(f"/cases/{world.case_a}").status_code == 404
    assert client.post(f"/cases/{world.case_a}/action/start").status_code == 404
    assert client.get(f"/cases/{world.case_b}").status_code == 200
    queue = client.get("/queue").get_data(as_text=True)
    assert f'data-case="{world.case_b}"' in queue and f'data-case="{world.case_a}"' not in queue


def test_officers_lists_are_scoped(module_app, module_world, others):
    world, users = module_world
    page = signed_in_client(module_app, users["agency_officer"]).get("/agency?year=2024").get_data(as_text=True)
    assert "Sở Xây dựng" not in page
    assert signed_in_client(module_app, users["agency_officer"]).get(
        f"/agency?agency={world.agency_b}").status_code == 404


def test_chief_and_admin_see_every_agency(module_app, module_world):
    world, users = module_world
    for role in ("chief_inspector", "admin"):
        client = signed_in_client(module_app, users[role])
        assert client.get(f"/cases/{world.case_b}").status_code == 200
        queue = client.get("/queue").get_data(as_text=True)
        assert f'data-case="{world.case_a}"' in queue and f'data-case="{world.case_b}"' in queue


def test_declarant_sees_only_their_own(module_app, module_world):
    world, users = module_world
    client = signed_in_client(module_app, users["declarant"])
    page = client.get("/my").get_data(as_text=True)
    assert "Nguyễn Văn An" in page or "2024" in page
    assert client.get(f"/declarations/{world.declaration_b}").status_code == 404
    assert client.get(f"/cases/{world.case_a}").status_code == 403  # declarants do not read review cases
