"""The queue: riskiest first, filters, counts, pages, overdue highlighted, and no query per row."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from declarations.models import Agency, Case, Declaration, ExplanationRequest, Flag, Person


def _bulk(app, n: int, *, agency: str = "Sở Tài chính", start: int = 0) -> list[int]:
    """n people with a declaration, one open flag each and a case whose risk is its index."""
    from declarations.db import new_session
    from declarations.services.users import get_or_create_agency

    with app.app_context(), new_session() as s, s.begin():
        aid = get_or_create_agency(s, agency).id
        ids = []
        for i in range(start, start + n):
            person = Person(cccd=f"{900000000000 + i:012d}", full_name=f"Người {i}", name_key=f"người {i}",
                            agency_id=aid)
            s.add(person)
            s.flush()
            decl = Declaration(person_id=person.id, agency_id=aid, declaration_type="annual", year=2024,
                               completed_on=date(2024, 12, 1), regime_code="L36_2018", full_name=person.full_name,
                               id_number=person.cccd, total_assets=1)
            s.add(decl)
            s.flush()
            rule, sev = ("LATE", "medium") if i % 2 else ("WEALTH_EXCEEDS_INCOME", "high")
            s.add(Flag(rule_code=rule, rule_version=1, severity=sev, weight=10 + i, person_id=person.id,
                       declaration_id=decl.id, year=2024, subject_key=f"d:{decl.id}", evidence={}, fingerprint="x",
                       message_vi="m", message_en="m"))
            case = Case(person_id=person.id, declaration_type="annual", year=2024, declaration_id=decl.id,
                        agency_id=aid, state="new", risk_score=10 + i, open_flags=1, top_severity=sev)
            s.add(case)
            s.flush()
            ids.append(case.id)
        return ids


@pytest.fixture
def count_queries(app):
    """count_queries(fn) -> (result, number of SQL statements fn ran)."""
    engine = app.extensions["db_engine"]

    def run(fn):
        seen = []

        def listener(conn, cursor, statement, *args):
            seen.append(statement)

        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            result = fn()
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return result, len(seen)

    return run


def _case_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'data-case="(\d+)"', page)]


def test_queue_is_ordered_by_risk_and_query_count_does_not_grow_with_rows(app, client, login_as, count_queries):
    login_as("inspector", agencies=("Sở Tài chính",))
    _bulk(app, 3)
    client.get("/queue")  # warm up (the signed-in user, the templates)
    small, few = count_queries(lambda: client.get("/queue"))
    _bulk(app, 40, start=3)
    large, many = count_queries(lambda: client.get("/queue"))
    assert small.status_code == large.status_code == 200
    assert len(_case_ids(large.get_data(as_text=True))) == 43
    assert many == few, (few, many)
    risks = [int(x) for x in re.findall(r'<td class="num"><strong>(\d+)</strong>', large.get_data(as_text=True))]
    assert risks == sorted(risks, reverse=True)


def test_filters_counts_and_pages(app, client, login_as):
    login_as("inspector", agencies=("Sở Tài chính", "Sở Y tế"))
    a = _bulk(app, 6)
    b = _bulk(app, 2, agency="Sở Y tế", start=100)
    app.config["PAGE_SIZE"] = 5
    page = client.get("/queue").get_data(as_text=True)
    assert 'id="queue-total">8<' in page and len(_case_ids(page)) == 5 and "rel=\"next\"" in page
    page2 = client.get("/queue?page=2").get_data(as_text=True)
    assert set(_case_ids(page) + _case_ids(page2)) == set(a + b)
    with app.app_context():
        from declarations.db import new_session

        with new_session() as s, s.begin():
            agency_b = s.scalar(sa.select(Agency.id).where(Agency.name == "Sở Y tế"))
            s.get(Case, a[0]).state = "cleared"
            s.get(Case, a[1]).state = "in_review"
    assert set(_case_ids(client.get(f"/queue?agency={agency_b}").get_data(as_text=True))) == set(b)
    high = _case_ids(client.get("/queue?severity=high").get_data(as_text=True))
    late = _case_ids(client.get("/queue?rule=LATE").get_data(as_text=True))
    assert high and late and not set(high) & set(late)
    assert _case_ids(client.get("/queue?state=in_review").get_data(as_text=True)) == [a[1]]
    assert a[0] not in _case_ids(client.get("/queue").get_data(as_text=True))          # cleared: not by default
    assert a[0] in _case_ids(client.get("/queue?state=all&page=2").get_data(as_text=True))  # lowest risk
    assert _case_ids(client.get("/queue?year=2023").get_data(as_text=True)) == []
    assert _case_ids(client.get("/queue?type=first").get_data(as_text=True)) == []
    assert _case_ids(client.get("/queue?assignee=none&state=all").get_data(as_text=True))


def test_overdue_explanation_requests_are_highlighted(app, client, login_as):
    login_as("inspector", agencies=("Sở Tài chính",))
    ids = _bulk(app, 2)
    from declarations.db import new_session

    with app.app_context(), new_session() as s, s.begin():
        s.get(Case, ids[0]).state = "explanation_requested"
        s.add(ExplanationRequest(case_id=ids[0], question="?", due_on=date.today() - timedelta(days=2)))
    page = client.get("/queue").get_data(as_text=True)
    assert re.search(rf'<tr class="overdue" data-case="{ids[0]}">', page)
    assert re.search(rf'<tr class="" data-case="{ids[1]}">', page)
