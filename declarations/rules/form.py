"""FORM_INCONSISTENT: the declaration breaks the rules of its own form (Decree 130, Appendix I)."""
from __future__ import annotations

from collections.abc import Iterator

from declarations.rules.base import FlagResult, Rule, item_evidence, register
from declarations.rules.context import PersonContext, RunEnv
from etl.layout import FOREIGN_SECTIONS

_FOREIGN = frozenset(FOREIGN_SECTIONS)


@register
class FormInconsistent(Rule):
    """One flag per declaration listing every breach of the form's own rules."""

    code = "FORM_INCONSISTENT"
    severity = "low"
    article_vi = "NĐ 130/2020/NĐ-CP, Phụ lục I, chú thích (1), (10), (26), (27), (29)"
    article_en = "Decree 130/2020, Appendix I, notes (1), (10), (26), (27), (29)"
    description_vi = ("Bản kê khai trái quy tắc của mẫu: kê biến động hoặc thu nhập ở lần đầu, thiếu "
                      "biến động ở lần sau, tài sản ở nước ngoài thiếu quốc gia, giá trị không xác "
                      "định mà không nêu lý do.")
    description_en = ("The form breaks its own rules: changes or income in a first-time declaration, "
                      "no changes sheet in a later one, a foreign item without a country, an unknown "
                      "value without a reason.")
    message_vi = "Bản kê khai có {problem_count} lỗi hình thức: {problem_list}."
    message_en = "The form has {problem_count} problem(s): {problem_list}."

    def check(self, person: PersonContext, env: RunEnv) -> Iterator[FlagResult]:
        for view in person.declarations:
            fact = view.fact
            problems: list[dict] = []
            if fact.declaration_type == "first":
                # Note (1): a first-time declaration skips part III and the income total.
                if fact.has_variation_sheet:
                    problems.append({"problem": "variations_in_first",
                                     "rows": [v.row for v in fact.variations]})
                if fact.has_income_sheet:
                    problems.append({"problem": "income_in_first", "income_total": fact.income_total})
            elif not fact.has_variation_sheet:
                problems.append({"problem": "variations_missing"})
            for item in fact.items:
                if item.section in _FOREIGN and not (item.country and item.country.strip()):
                    problems.append({"problem": "foreign_without_country", "item": item_evidence(item)})
                if item.value_unknown and not (item.other_info and item.other_info.strip()):
                    problems.append({"problem": "unknown_value_without_reason",
                                     "item": item_evidence(item)})
            if problems:
                yield self.flag(env, person.person_id, fact.year,
                                {"declaration_id": fact.declaration_id,
                                 "declaration_type": fact.declaration_type, "problems": problems},
                                declaration_id=fact.declaration_id, problem_count=len(problems),
                                problem_list=", ".join(p["problem"] for p in problems))
