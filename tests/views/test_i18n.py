"""Vietnamese by default, English on request; dd/mm/yyyy and VND with dots."""
from __future__ import annotations

from declarations.i18n import format_date, format_vnd


def test_default_language_is_vietnamese_and_english_switches(client, login_as):
    login_as("inspector", agencies=("Sở Tài chính",))
    page = client.get("/queue").get_data(as_text=True)
    assert "Hàng đợi kiểm soát" in page and 'lang="vi"' in page
    client.post("/lang/en", data={"next": "/queue"})
    page = client.get("/queue").get_data(as_text=True)
    assert "Review queue" in page and 'lang="en"' in page


def test_formats(app):
    from datetime import date

    with app.app_context():
        assert format_vnd(1_200_000_000) == "1.200.000.000"
        assert format_date(date(2025, 3, 7)) == "07/03/2025"
