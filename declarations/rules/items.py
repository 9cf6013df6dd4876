"""Item-level year-over-year rules: ASSET_DISAPPEARED, VALUE_CHANGED, NEW_FOREIGN_ASSET.

Items are followed across years by their identifier (etl.layout.item_identifier), or, where an
item without one must be recognised, by its match key (docs/checks.md).
"""
from __future__ import annotations

from fractions import Fraction

from declarations.legal import VALUE_CHANGE_TOLERANCE
from declarations.rules.base import FlagResult, PairRule, comparison_evidence, item_evidence, register
from declarations.rules.context import DeclView, RunEnv, covers, match_key
from declarations.rules.facts import ItemFact
from etl.layout import INCOME_SECTION

# Exact arithmetic at the 10% boundary: |new − old| · den > num · |old|.
_TOL = Fraction(VALUE_CHANGE_TOLERANCE).limit_denominator(10**6)


def _carriers(ids: dict[str, ItemFact], dups: dict[str, list[ItemFact]], ident: str) -> list[ItemFact]:
    return dups[ident] if ident in dups else [ids[ident]]


def _known_sum(items: list[ItemFact]) -> int | None:
    """The value carried by an identifier: None unless every item carrying it has a known value."""
    total = 0
    for item in items:
        if item.value is None or item.value_unknown:
            return None
        total += item.value
    return total


@register
class AssetDisappeared(PairRule):
    """An identified item of prev(D) is absent from D and no `Biến động` row declares a decrease."""

    code = "ASSET_DISAPPEARED"
    severity = "medium"
    article_vi = "Luật PCTN 2018, Điều 35; NĐ 130/2020/NĐ-CP, Phụ lục I, mục III"
    article_en = "Anti-Corruption Law 2018, Art. 35; Decree 130/2020, Appendix I, part III"
    description_vi = ("Tài sản có định danh (giấy chứng nhận, địa chỉ, số đăng ký, số tài khoản) ở lần "
                      "kê khai trước không còn, mà không kê khai giảm ở mục đó.")
    description_en = ("An identified item of the previous declaration is gone and Biến động declares "
                      "no decrease for its section.")
    message_vi = "{item_count} tài sản của bản kê khai năm {prev_year} không còn và không có kê khai giảm."
    message_en = "{item_count} item(s) of the {prev_year} declaration are gone without a declared decrease."

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        prev_ids, prev_dups = prev.identified()
        cur_ids, _ = cur.identified()
        gone = [ident for ident in prev_ids if ident not in cur_ids]
        if not gone:
            return None
        fact = cur.fact
        decreased = [v.section for v in fact.variations if v.section != INCOME_SECTION and (
            (v.value_change is not None and v.value_change < 0)
            or (v.quantity_change is not None and v.quantity_change < 0))]
        items = [item for ident in gone for item in _carriers(prev_ids, prev_dups, ident)
                 if not any(covers(r, item.section) for r in decreased)]
        if not items:
            return None
        evidence = comparison_evidence(cur, prev, env)
        evidence.update({
            "items": [item_evidence(i, prev.fact.declaration_id) for i in items],
            "decrease_sections": sorted(set(decreased)),
        })
        return self.flag(env, fact.person_id, fact.year, evidence, declaration_id=fact.declaration_id,
                         item_count=len(items), prev_year=prev.fact.year)


@register
class ValueChanged(PairRule):
    """The same identified item carries a value that changed by more than 10%."""

    code = "VALUE_CHANGED"
    severity = "low"
    article_vi = "NĐ 130/2020/NĐ-CP, Phụ lục I, chú thích (10) (giá trị là giá gốc)"
    article_en = "Decree 130/2020, Appendix I, note (10) (value is the acquisition cost)"
    description_vi = "Cùng một tài sản có định danh nhưng giá trị (giá gốc) thay đổi quá 10%."
    description_en = "The same identified item carries an acquisition value that changed by over 10%."
    message_vi = ("{item_count} tài sản có giá trị gốc thay đổi quá {tolerance_percent}% so với năm "
                  "{prev_year}.")
    message_en = ("{item_count} item(s) whose acquisition value changed by more than "
                  "{tolerance_percent}% since {prev_year}.")

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        prev_ids, prev_dups = prev.identified()
        if not prev_ids:
            return None
        cur_ids, cur_dups = cur.identified()
        num, den = _TOL.numerator, _TOL.denominator
        changed = []
        for ident, item in cur_ids.items():
            old_item = prev_ids.get(ident)
            if old_item is None:
                continue
            if ident in cur_dups or ident in prev_dups:
                old_items = _carriers(prev_ids, prev_dups, ident)
                new_items = _carriers(cur_ids, cur_dups, ident)
                old, new = _known_sum(old_items), _known_sum(new_items)
            else:
                old_items, new_items = [old_item], [item]
                old = None if old_item.value_unknown else old_item.value
                new = None if item.value_unknown else item.value
            if old is None or new is None:
                continue
            if abs(new - old) * den > num * abs(old):
                changed.append({
                    "identifier": ident,
                    "old_value": old,
                    "new_value": new,
                    "change": new - old,
                    "previous_items": [item_evidence(i, prev.fact.declaration_id) for i in old_items],
                    "current_items": [item_evidence(i, cur.fact.declaration_id) for i in new_items],
                })
        if not changed:
            return None
        fact = cur.fact
        evidence = comparison_evidence(cur, prev, env)
        evidence.update({
            "tolerance": {"numerator": num, "denominator": den},
            "changes": changed,
        })
        return self.flag(env, fact.person_id, fact.year, evidence, declaration_id=fact.declaration_id,
                         item_count=len(changed), prev_year=prev.fact.year,
                         tolerance_percent=f"{float(_TOL) * 100:g}")


@register
class NewForeignAsset(PairRule):
    """An item of section 8 or 9 that the previous declaration did not have."""

    code = "NEW_FOREIGN_ASSET"
    severity = "medium"
    article_vi = "Luật PCTN 2018, Điều 35.c"
    article_en = "Anti-Corruption Law 2018, Art. 35.c"
    description_vi = "Tài sản hoặc tài khoản ở nước ngoài mới xuất hiện so với lần kê khai trước."
    description_en = "A foreign asset or account that the previous declaration did not have."
    message_vi = "{item_count} tài sản/tài khoản ở nước ngoài mới so với bản kê khai năm {prev_year}."
    message_en = "{item_count} foreign asset(s)/account(s) new since the {prev_year} declaration."

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        if not cur.foreign:
            return None
        # Match keys carry the section, so only prev's sections 8 and 9 can match.
        known = {match_key(i) for i in prev.foreign}
        new = [i for i in cur.foreign if match_key(i) not in known]
        if not new:
            return None
        fact = cur.fact
        evidence = comparison_evidence(cur, prev, env)
        evidence["items"] = [dict(item_evidence(i, fact.declaration_id), country=i.country) for i in new]
        return self.flag(env, fact.person_id, fact.year, evidence, declaration_id=fact.declaration_id,
                         item_count=len(new), prev_year=prev.fact.year)
