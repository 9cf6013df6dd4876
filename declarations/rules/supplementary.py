"""SUPPLEMENTARY_MISSING: new assets of a year Y worth V or more, and no declaration for Y."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from declarations.rules.base import FlagResult, Rule, item_evidence, register
from declarations.rules.context import DeclView, PersonContext, RunEnv, item_name_key
from declarations.rules.facts import ItemFact

_COVERING_TYPES = ("annual", "supplementary")


@register
class SupplementaryMissing(Rule):
    """Items first declared late, acquired in a year Y after the first declaration, total ≥ V(Y),
    and the person filed neither an annual nor a supplementary declaration for Y."""

    code = "SUPPLEMENTARY_MISSING"
    severity = "medium"
    article_vi = "Luật PCTN 2018, Điều 36.2 (sửa đổi bởi Luật 132/2025/QH15)"
    article_en = "Anti-Corruption Law 2018, Art. 36.2 (as amended by Law 132/2025)"
    description_vi = ("Tài sản có trong năm Y tăng từ ngưỡng biến động trở lên mà không có bản kê khai "
                      "bổ sung hoặc hằng năm cho năm Y.")
    description_en = ("Assets acquired in a year Y total the variation threshold or more, and there is "
                      "neither a supplementary nor an annual declaration for Y.")
    message_vi = ("Tài sản có trong năm {year} tổng {new_total:vnd} đồng (ngưỡng {threshold:vnd} đồng) "
                  "nhưng không có bản kê khai bổ sung hoặc hằng năm năm {year}.")
    message_en = ("Assets acquired in {year} total VND {new_total:vnd} (threshold VND {threshold:vnd}) "
                  "but there is no supplementary or annual declaration for {year}.")

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        views = person.declarations
        if not views:
            return
        first_year = views[0].fact.year
        groups = _first_appearances(views, first_year)
        if not groups:
            return
        filed_years = {v.fact.year for v in views if v.fact.declaration_type in _COVERING_TYPES}
        params = env.params
        for year in sorted(groups):
            if year in filed_years:
                continue
            # The obligation for Y falls due on 31/12 of Y (or the province's earlier deadline).
            due = params.year_end_deadline(year)
            if not params.is_late(env.as_of, due):
                continue
            regime = env.regime_on(date(year, 12, 31))
            limit = regime.variation_threshold
            running, attached = 0, None
            for view, item in groups[year]:
                if item.value and not item.value_unknown:
                    running += item.value
                if attached is None and running >= limit:
                    attached = view
            if attached is None:
                continue
            fact = attached.fact
            evidence = {
                "declaration": {"declaration_id": fact.declaration_id,
                                "declaration_type": fact.declaration_type, "year": fact.year,
                                "completed_on": fact.completed_on.isoformat()},
                "acquired_year": year,
                "first_declaration_year": first_year,
                "new_total": running,
                "regime": regime.code,
                "regime_basis": regime.legal_basis,
                "threshold_name": "variation_threshold",
                "threshold": limit,
                "due_date": due.isoformat(),
                "annual_or_supplementary_years": sorted(filed_years),
                "items": [item_evidence(i, v.fact.declaration_id) for v, i in groups[year]],
            }
            yield self.flag(env, person.person_id, year, evidence, declaration_id=fact.declaration_id)


def _first_appearances(views: list[DeclView], first_year: int
                       ) -> dict[int, list[tuple[DeclView, ItemFact]]]:
    """Items whose match key no earlier declaration has, acquired after `first_year`, by that year."""
    seen: set = set()
    groups: dict[int, list[tuple[DeclView, ItemFact]]] = {}
    for view in views:
        keys = []
        for item in view.fact.items:
            year = item.year_acquired
            key = item.identifier
            if key is None:
                # Without an identifier the key holds the year: one acquired in or before the first
                # year (or undated) can neither count nor match an item that counts.
                if year is None or year <= first_year:
                    continue
                key = (item.section, item_name_key(item.name), year)
            keys.append(key)
            if key not in seen and year is not None and year > first_year:
                groups.setdefault(year, []).append((view, item))
        seen.update(keys)
    return groups
