"""What ``siu mapping check`` finds (private): every posting through the mapping hooks as ``convert``
sends them (once per distinct account), counted by outcome (mapped, unmapped, ambiguous, invalid,
excluded), and the tables of it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from siu.base.i18n import money
from siu.base.masking import console_text
from siu.mapping import DIMENSIONS, MappingFile, describe_dims
from siu.models import AccountMapping, Finding, Posting

if TYPE_CHECKING:
    from siu.base.config import Settings
    from siu.host.plugins import PluginHost
    from siu.report.result import InputSpec

from siu.cli.mapping_scan import Combination, Scan, account_key, by_size, key_sums, read_batches


def run_context(settings: Settings, host: PluginHost, specs: list[InputSpec], lang: str) -> Any:
    """A run context for the hook: the reporting year's spec pack; the municipality is optional here."""
    from siu.context import Context
    from siu.convert.run import choose_spec, guess_input_year
    from siu.host.specs_registry import SpecRegistry

    year = settings.year or guess_input_year(specs, host)
    if year is None:
        years = SpecRegistry.from_host(host).years()
        year = years[-1] if years else dt.date.today().year
    spec = choose_spec(host, year, None, lang)
    return Context(
        settings=settings,
        spec=spec,
        kommune=settings.kommune or "000",
        year=year,
        area=settings.area or spec.manifest.default_area,
        lang=lang,
    )


@dataclass(frozen=True)
class Outcome:
    """What one distinct account (every posting with its dimensions) comes to: left out by an
    exclude rule, a finding of the hook, unmapped, or mapped (with the rules that match it when
    the mapping file's first rule decided and several match)."""

    dims: dict[str, str]
    excluded: str | None = None  # the exclude rule and its reason
    problem: Finding | None = None
    unmapped: bool = False
    rules: tuple[str, ...] = ()


@dataclass
class Tally:
    """What ``siu mapping check`` found: postings by outcome."""

    unmapped: dict[tuple[tuple[str, str], ...], Combination] = field(default_factory=dict)
    ambiguous: dict[tuple[tuple[str, str], ...], Combination] = field(default_factory=dict)
    problems: Counter[str] = field(default_factory=Counter)
    samples: dict[str, Finding] = field(default_factory=dict)
    excluded: dict[str, Combination] = field(default_factory=dict)  # rule label → what exclude = true leaves out
    mapped: int = 0

    def count(self, outcome: Outcome, postings: int, total: Decimal, gross: Decimal) -> None:
        """Count ``postings`` postings of one account, summing to ``total`` (``gross`` unsigned)."""
        dims = outcome.dims
        rows = (postings, total, gross, dims.get("artskonto"))
        if outcome.excluded is not None:
            self.excluded.setdefault(outcome.excluded, Combination(())).add_rows(*rows)
        elif outcome.problem is not None:
            self.problems[outcome.problem.code] += postings
            self.samples.setdefault(outcome.problem.code, outcome.problem)  # the first posting's
        elif outcome.unmapped:
            key = account_key(dims)
            self.unmapped.setdefault(key, Combination(key)).add_rows(*rows)
        else:
            self.mapped += postings
            if len(outcome.rules) > 1:
                key = tuple((d, dims[d]) for d in DIMENSIONS if dims.get(d))
                self.ambiguous.setdefault(key, Combination(key, rules=outcome.rules)).add_rows(*rows)


def tally_postings(
    specs: list[InputSpec], host: PluginHost, scan: Scan, mapping_file: MappingFile, ctx: Any, en: bool
) -> Tally:
    """Every posting through the mapping hooks as ``convert`` sends them: once per distinct
    account (:func:`siu.accounts.columns.answers_per_key`), counted by outcome."""
    from siu.accounts.columns import answers_per_key

    tally = Tally()
    outcomes: dict[str, Outcome] = {}

    def outcome(posting: Posting) -> Outcome:
        return _outcome(posting, host, mapping_file, ctx, en)

    for batch in read_batches(specs, host, scan):
        indices, answers = answers_per_key(batch, outcomes, outcome)
        for answer, (postings, total, gross) in zip(answers, key_sums(batch, indices, len(answers)), strict=True):
            tally.count(answer, postings, total, gross)
    return tally


def _outcome(posting: Posting, host: PluginHost, mapping_file: MappingFile, ctx: Any, en: bool) -> Outcome:
    dims = posting.dims
    rule = mapping_file.find(dims) if mapping_file.excludes else None
    if rule is not None and rule.exclude:
        return Outcome(dims, excluded=f"{rule.label_en if en else rule.label}: {rule.reason}")
    result = host.hook.map_account(posting=posting, context=ctx)  # a MappingError goes to check()
    if isinstance(result, Finding):
        return Outcome(dims, problem=result)
    if not isinstance(result, AccountMapping):
        return Outcome(dims, unmapped=True)
    rules = mapping_file.find_all(dims)
    # only where the file's first rule made the answer (not a given kontostreng or a plugin)
    decided = bool(rules) and result.rule == rules[0].label and not dims.get("kontostreng")
    return Outcome(dims, rules=tuple(r.label_en if en else r.label for r in rules) if decided else ())


def print_tables(console: Console, tally: Tally, lang: str) -> None:
    """The unmapped, ambiguous and excluded postings, one table each."""
    en = lang == "en"
    unmapped, ambiguous, excluded = tally.unmapped, tally.ambiguous, tally.excluded
    if unmapped:
        table = Table(title=("Postings without a mapping (SIU201)" if en else "Posteringer uden tilknytning (SIU201)"))
        for col in (("Lokal konto", "Local account"), ("Posteringer", "Postings"), ("I alt", "Total")):
            table.add_column(col[int(en)], justify="left" if col[0] == "Lokal konto" else "right")
        for c in by_size(unmapped):
            table.add_row(console_text(describe_dims(c.dims, lang)), str(c.postings), money(c.total, lang))
        console.print(table)
    if ambiguous:
        table = Table(
            title=(
                "Postings several rules match (the first wins)"
                if en
                else "Posteringer, som flere regler passer på (den første vinder)"
            )
        )
        for col in (
            ("Lokal konto", "Local account"),
            ("Regler", "Rules"),
            ("Posteringer", "Postings"),
            ("I alt", "Total"),
        ):
            table.add_column(col[int(en)])
        for c in by_size(ambiguous):
            table.add_row(
                console_text(describe_dims(c.dims, lang)),
                console_text(", ".join(c.rules)),
                str(c.postings),
                money(c.total, lang),
            )
        console.print(table)

    if excluded:
        table = Table(
            title=(
                "Postings excluded by a rule (exclude = true)"
                if en
                else "Posteringer udeladt efter regel (exclude = true)"
            )
        )
        for col in (("Regel", "Rule"), ("Posteringer", "Postings"), ("I alt", "Total")):
            table.add_column(col[int(en)], justify="left" if col[0] == "Regel" else "right")
        for label, c in excluded.items():
            table.add_row(console_text(label), str(c.postings), money(c.total, lang))
        console.print(table)
