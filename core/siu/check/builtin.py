"""siu's own validation rules (codes ``SIU1xx`` for lines, ``SIU4xx`` for the whole delivery).

Each rule documents itself; ``siu explain CODE`` and ``docs/rules.md`` are generated from here.
The record rules are batch rules (:func:`siu.rules.batch_rule`): a mask over the batch's columns
(kernels in :mod:`siu.check.masks`) selects every row the rule could flag, and the rule's record
check decides and words each of those rows, so clean lines never become Python objects.
"""

from __future__ import annotations

from siu.check.account_rules import account_out_of_scope, no_paragraph, paragraph_outside_area, unknown_paragraph  # noqa: F401
from siu.check.amount_rules import amount_unit, internal_art, sign_against_art, zero_amount  # noqa: F401
from siu.check.cpr_rules import fictitious_outside_109, impossible_cpr_date, missing_cpr, unreadable_cpr  # noqa: F401
from siu.check.date_rules import missing_end, missing_start, period_far_outside, period_outside_year, start_after_end  # noqa: F401
from siu.check.delivery_rules import (  # noqa: F401
    MIN_CITIZENS_FOR_BOUNDS,
    DuplicateLines,
    ExtremeValues,
    RevenueWithoutExpenditure,
    SeveralMunicipalities,
    SeveralYears,
)
from siu.check.plausible import RULES as PLAUSIBILITY_RULES
from siu.check.reconcile import reconciliation
from siu.hookspecs import hookimpl
from siu.rules import Rule

RULES: list[Rule] = [
    missing_cpr,
    unreadable_cpr,
    impossible_cpr_date,
    fictitious_outside_109,
    missing_start,
    missing_end,
    start_after_end,
    period_outside_year,
    period_far_outside,
    account_out_of_scope,
    no_paragraph,
    unknown_paragraph,
    paragraph_outside_area,
    zero_amount,
    sign_against_art,
    amount_unit,
    internal_art,
    DuplicateLines,
    RevenueWithoutExpenditure,
    SeveralMunicipalities,
    SeveralYears,
    ExtremeValues,
    reconciliation,
    *PLAUSIBILITY_RULES,  # SIU106, SIU115-SIU117, SIU407: placeholders passing as facts
]


@hookimpl
def register_rules() -> list[Rule]:
    from siu.check.dst import DST_RULES  # DST's rules resting on the spec pack's data (issue 17)

    return [*RULES, *DST_RULES]
