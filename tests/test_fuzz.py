"""The fuzzing harness in CI (issue 15, point 8): a bounded, seeded share of mutated inputs per adapter.

Each CI run takes ``SIU_FUZZ_PER_ADAPTER`` cases per adapter (default 60) with seed
``SIU_FUZZ_SEED`` (default: the day, so CI covers new cases every day and a failure names its
seed); long runs are ``tests/fuzz_long.py``. The checks are in :mod:`fuzzing`.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

import fuzzing

PER_ADAPTER = int(os.environ.get("SIU_FUZZ_PER_ADAPTER", "60"))
SEED = int(os.environ.get("SIU_FUZZ_SEED", dt.date.today().strftime("%Y%m%d")))


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return fuzzing.make_bases(tmp_path_factory.mktemp("fuzz-bases"))


@pytest.fixture(scope="module")
def outcomes(bases, tmp_path_factory) -> dict[str, list[fuzzing.Outcome]]:
    work = tmp_path_factory.mktemp("fuzz")
    return {
        adapter: [fuzzing.run_case(bases, adapter, n, SEED, work, keep_failures=work / "failures") for n in range(PER_ADAPTER)]
        for adapter in fuzzing.ADAPTERS
    }


def _describe(o: fuzzing.Outcome) -> str:
    return f"{o.adapter} case {o.case} (seed {SEED}) {o.mutations}: exit {o.exit_code}; {o.problems or o.leaks}"


@pytest.mark.parametrize("adapter", fuzzing.ADAPTERS)
def test_fuzzed_inputs_end_in_0_1_or_2_without_traceback_in_time_with_money_balanced(outcomes, adapter):
    bad = [o for o in outcomes[adapter] if o.problems]
    assert not bad, "\n".join(_describe(o) for o in bad[:10])
    # the mutations reach every exit code a user can see, not only one
    assert {o.exit_code for o in outcomes[adapter]} >= {1}


@pytest.mark.parametrize("adapter", fuzzing.ADAPTERS)
def test_fuzzed_inputs_leak_no_cpr_outside_the_delivery(outcomes, adapter):
    leaky = [o for o in outcomes[adapter] if o.leaks]
    assert not leaky, "\n".join(_describe(o) for o in leaky[:10])


def test_the_harness_finds_a_crash_a_leak_and_a_bad_exit_code(tmp_path):
    # The checks themselves: a CPR in a report is a leak in every form, a traceback is a problem.
    assert fuzzing.leaks({"0505751234"}, {"json": "x 0505751234 y"}) == ["json: 050575…"]
    assert fuzzing.leaks({"0505751234"}, {"console": "a 505751234"}) == ["console: 505751…"]
    assert fuzzing.leaks({"0505751234"}, {"xlsx": "050575-1234"}) and not fuzzing.leaks({"0505751234"}, {"xlsx": "050575-xxxx"})
    assert fuzzing.leaks({"0505751234"}, {"json": "x,0505751234,1"}) and not fuzzing.leaks({"0505751234"}, {"json": '"net": "505751234.00"'})
    assert fuzzing.cprs_in("010160-1235; 1900000001; 5385010001") == {"0101601235"}
    assert fuzzing.balance_problem({"inputs": [{"amount": "10.00"}], "totals": {"net": "10.00"}}, fuzzing.Decimal("10")) is None
    assert fuzzing.balance_problem({"inputs": [{"amount": "10.00", "skipped_amount": "2.00"}], "totals": {"net": "8.00"}}, fuzzing.Decimal("8")) is None
    assert "delivered" in fuzzing.balance_problem({"inputs": [{"amount": "10.00"}], "totals": {"net": "10.00"}}, fuzzing.Decimal("9"))
    code, out, err = fuzzing.run_inprocess(["explain", "SIU000"], cwd=tmp_path)
    assert code == 2


def test_some_runs_go_through_the_real_entry_point(tmp_path):
    code, out, err = fuzzing.run_subprocess(["explain", "SIU040", "--lang", "en"], cwd=tmp_path, bound=60)
    assert code == 0 and "Excel" in out
