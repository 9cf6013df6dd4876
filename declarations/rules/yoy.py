"""Totals-level year-over-year rules: UNEXPLAINED_INCREASE, WEALTH_EXCEEDS_INCOME, VARIATION_MISMATCH.

Each compares a full declaration D with prev(D), under the regime in force on D's completion date
(the later declaration; PRODUCT.md, "Legal parameters").
"""
from __future__ import annotations

from declarations.rules.base import (FlagResult, PairRule, comparison_evidence, item_evidence,
                                     register)
from declarations.rules.context import DeclView, RunEnv, covers, section_deltas, section_order
from etl.layout import INCOME_SECTION


@register
class UnexplainedIncrease(PairRule):
    """ΔT ≥ V and the sections that rose without an explained `Biến động` row rose by V or more."""

    code = "UNEXPLAINED_INCREASE"
    severity = "high"
    article_vi = "Luật PCTN 2018, Điều 33, 40, 41.1.b"
    article_en = "Anti-Corruption Law 2018, Art. 33, 40, 41.1.b"
    description_vi = ("Tài sản tăng từ ngưỡng biến động trở lên so với lần kê khai trước mà phần "
                      "tăng không được giải trình nguồn gốc.")
    description_en = ("Assets rose by the variation threshold or more since the previous declaration "
                      "and the increase is not explained.")
    message_vi = ("Tổng tài sản tăng {delta_total:vnd} đồng so với bản kê khai năm {prev_year}; "
                  "{unexplained_total:vnd} đồng không có giải trình (ngưỡng {threshold:vnd} đồng).")
    message_en = ("Total assets rose by VND {delta_total:vnd} since the {prev_year} declaration; "
                  "VND {unexplained_total:vnd} is unexplained (threshold VND {threshold:vnd}).")

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        fact = cur.fact
        limit = env.regime_on(fact.completed_on).variation_threshold
        if cur.total - prev.total < limit:
            return None
        # "Không có biến động" explains nothing; the income row explains no asset section.
        explained = [] if fact.no_change else [
            v.section for v in fact.variations
            if v.section != INCOME_SECTION and v.explanation and v.explanation.strip()]
        deltas = section_deltas(cur, prev)
        unexplained = {s: d for s, d in deltas.items()
                       if d > 0 and not any(covers(r, s) for r in explained)}
        total = sum(unexplained.values())
        if total < limit:
            return None
        evidence = comparison_evidence(cur, prev, env, "variation_threshold", limit)
        evidence.update({
            "section_deltas": deltas,
            "unexplained_sections": unexplained,
            "unexplained_total": total,
            "explained_sections": sorted(set(explained), key=section_order),
            "no_change": fact.no_change,
            "items": [item_evidence(i) for i in fact.items if i.section in unexplained],
        })
        return self.flag(env, fact.person_id, fact.year, evidence,
                         declaration_id=fact.declaration_id, prev_year=prev.fact.year)


@register
class WealthExceedsIncome(PairRule):
    """ΔT − I ≥ V: assets grew by more than all income declared for the period, by V or more."""

    code = "WEALTH_EXCEEDS_INCOME"
    severity = "high"
    article_vi = "Luật PCTN 2018, Điều 33, 35.d, 41.1"
    article_en = "Anti-Corruption Law 2018, Art. 33, 35.d, 41.1"
    description_vi = ("Tài sản tăng vượt tổng thu nhập kê khai trong kỳ từ ngưỡng biến động trở lên.")
    description_en = ("Assets grew by more than the total income declared for the period, by the "
                      "variation threshold or more.")
    message_vi = ("Tài sản tăng {delta_total:vnd} đồng, thu nhập kê khai {income_total:vnd} đồng: "
                  "vượt {excess:vnd} đồng (ngưỡng {threshold:vnd} đồng).")
    message_en = ("Assets rose by VND {delta_total:vnd} against declared income of VND "
                  "{income_total:vnd}: VND {excess:vnd} over (threshold VND {threshold:vnd}).")

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        fact = cur.fact
        limit = env.regime_on(fact.completed_on).variation_threshold
        excess = cur.total - prev.total - fact.income_total
        if excess < limit:
            return None
        evidence = comparison_evidence(cur, prev, env, "variation_threshold", limit)
        evidence.update({
            "income_total": fact.income_total,
            "excess": excess,
            "section_deltas": section_deltas(cur, prev),
        })
        return self.flag(env, fact.person_id, fact.year, evidence, declaration_id=fact.declaration_id)


@register
class VariationMismatch(PairRule):
    """For a section with `Biến động` rows, the declared change differs from ΔTs by more than Ti."""

    code = "VARIATION_MISMATCH"
    severity = "medium"
    article_vi = "Luật PCTN 2018, Điều 35.b; NĐ 130/2020/NĐ-CP, Phụ lục I, mục III"
    article_en = "Anti-Corruption Law 2018, Art. 35.b; Decree 130/2020, Appendix I, part III"
    description_vi = ("Biến động kê khai của một mục lệch với chênh lệch giá trị tài sản thực tế "
                      "của mục đó quá ngưỡng giá trị tài sản.")
    description_en = ("For some section, the change declared in Biến động differs from the actual "
                      "change of its items by more than the item threshold.")
    message_vi = ("{section_count} mục có biến động kê khai lệch với thực tế quá {threshold:vnd} "
                  "đồng: {section_list}.")
    message_en = ("{section_count} section(s) whose declared change differs from the actual one by "
                  "more than VND {threshold:vnd}: {section_list}.")

    def check_pair(self, cur: DeclView, prev: DeclView, env: RunEnv) -> FlagResult | None:
        fact = cur.fact
        if not fact.no_change and not fact.variations:
            return None
        limit = env.regime_on(fact.completed_on).item_threshold
        mismatches = []
        if fact.no_change:
            # "Không có biến động": declared 0 for every section, ΔTs as written on the items.
            for section, actual in section_deltas(cur, prev).items():
                if abs(actual) > limit:
                    mismatches.append({"section": section, "declared": 0, "actual": actual,
                                       "difference": -actual, "variation_rows": []})
        else:
            declared: dict[str, int] = {}
            rows: dict[str, list[int | None]] = {}
            for v in fact.variations:
                if v.section == INCOME_SECTION:
                    continue
                declared[v.section] = declared.get(v.section, 0) + (v.value_change or 0)
                rows.setdefault(v.section, []).append(v.row)
            for section in sorted(declared, key=section_order):
                actual = cur.section_delta(prev, section)
                if abs(declared[section] - actual) > limit:
                    mismatches.append({"section": section, "declared": declared[section],
                                       "actual": actual, "difference": declared[section] - actual,
                                       "variation_rows": rows[section]})
        if not mismatches:
            return None
        evidence = comparison_evidence(cur, prev, env, "item_threshold", limit)
        flagged = [m["section"] for m in mismatches]
        evidence.update({
            "no_change": fact.no_change,
            "sections": mismatches,
            "items": [item_evidence(i, view.fact.declaration_id)
                      for view in (prev, cur) for i in view.fact.items
                      if any(covers(s, i.section) for s in flagged)],
        })
        return self.flag(env, fact.person_id, fact.year, evidence, declaration_id=fact.declaration_id,
                         section_count=len(mismatches),
                         section_list=", ".join(m["section"] for m in mismatches))
