"""No guess as a fact, in reading: a CPR cell is never trimmed to fit, and a period taken from
the posting month is a warning that names its lines and money."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from exports import Export, read_back, write_sap_mapping
from siu.parsing import clean_text
from siu.tabular import cpr_from_cell


def _file(tmp_path: Path, text: str, source: str = "sap", name: str = "own.txt") -> Export:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return Export(path=path, source=source, layout="own", lines=[], rows=[])


# --- CPR cells -------------------------------------------------------------------------------


def test_a_cpr_joined_to_a_letter_is_read_whole(tmp_path: Path) -> None:
    export = _file(
        tmp_path,
        "Bilagsnr;CPR-nr;PSP-element;Artskonto;Beløb;Periode fra;Periode til\n"
        "1;0505751234x;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "2;x0505751234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "3;Ophold 050575-1234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "4;050575-1234;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n"
        "5; 050575 1234 ;XG-5385010001-0001;40110000;100,00;01.01.2025;31.01.2025\n",
        source="opus",
        name="opus.csv",
    )
    result = read_back(export)
    # a proper CPR column holds the number alone: text around it is never cut away
    assert [p.cpr for p in result.postings] == [
        "0505751234x",
        "x0505751234",
        "Ophold 050575-1234",
        "050575-1234",
        "050575 1234",
    ]
    assert "SIU027" not in result.codes()


def test_an_assignment_field_gives_a_cpr_standing_as_a_word_and_says_so(tmp_path: Path) -> None:
    export = _file(
        tmp_path,
        "Tildeling;Finanskonto;Beløb i lokal valuta;Bogf.dato\n"
        "0505751234x;40110000;100,00;15.01.2025\n"
        "Ophold 050575-1234;40110000;100,00;15.01.2025\n"
        "050575-1234/jan;40110000;100,00;15.01.2025\n"
        "050575-1234 og 060675-1234;40110000;100,00;15.01.2025\n"
        "A050575-1234;40110000;100,00;15.01.2025\n"
        "050575-1234;40110000;100,00;15.01.2025\n",
    )
    result = read_back(export, period="posting_month")
    assert [p.cpr for p in result.postings] == [
        "0505751234x",
        "050575-1234",
        "050575-1234",
        "050575-1234 og 060675-1234",
        "A050575-1234",
        "050575-1234",
    ]
    (note,) = [f for f in result.findings if f.code == "SIU027"]
    assert note.severity.value == "info" and (note.location.row, note.location.column) == (3, "Tildeling")
    assert "2 linjer" in note.message_da and "2 lines" in note.message_en


def test_a_trimmed_cpr_is_an_error_in_the_report(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = _file(
        tmp_path,
        "Tildeling;Finanskonto;Omk.sted;Beløb i lokal "
        "valuta;Bogf.dato\n0505751234x;40110000;5385010001;100,00;15.01.2025\n",
    )
    config = tmp_path / "siu.toml"
    write_sap_mapping(tmp_path, art_from_gl=True)
    config.write_text('mapping = "sap-mapping.toml"\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8")
    run = siu("validate", export.path, "--source", "sap", "--kommune", "101", "--year", "2025")
    assert run.exit_code == 1 and "SIU102" in run.output
    assert "0505751234" not in run.output  # masked, as every CPR in a message


_CPR_WORD = re.compile(r"\d{6}[- ]?\d{4}")


@given(st.text(alphabet="0123456789- xA/.", max_size=30))
def test_a_proper_cpr_column_is_never_trimmed(text: str) -> None:
    assert cpr_from_cell(text, in_text=False) == clean_text(text)


@given(st.text(alphabet="0123456789- xAæ_/.", max_size=30))
def test_text_is_cut_only_around_a_whole_word(text: str) -> None:
    out = cpr_from_cell(text)
    clean = clean_text(text)
    if out == clean:
        return
    assert out is not None and clean is not None and _CPR_WORD.fullmatch(out)
    at = clean.index(out)
    before, after = clean[at - 1 : at], clean[at + len(out) : at + len(out) + 1]
    assert not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


# --- periods from the posting month ------------------------------------------------------------

_LEDGER = (
    "Tildeling;Finanskonto;Beløb i lokal valuta;Bogf.dato;Tekst\n"
    "0101601235;40110000;1.000,00;03.02.2025;Ophold jan 2025\n"
    "0101601235;40110000;2.500,50;03.03.2025;Ophold feb 2025\n"
    "0101601235;77100000;400,00-;05.03.2025;Refusion feb 2025\n"
)


def test_posting_month_periods_are_a_warning_with_lines_and_money(tmp_path: Path) -> None:
    result = read_back(_file(tmp_path, _LEDGER), period="posting_month")
    (warning,) = [f for f in result.findings if f.code == "SIU028"]
    assert warning.severity.value == "warning" and warning.location.row is None
    assert "3 linjer" in warning.message_da and "3.500,50" in warning.message_da and "-400,00" in warning.message_da
    assert "3 lines" in warning.message_en and "3,500.50" in warning.message_en
    assert "SIU022" not in result.codes()  # one summary finding, not an info beside it
    # How a period was derived is said by SIU028 for the file (the batch schema has no column for it).
    assert [(p.start.month, p.start.day) for p in result.postings] == [(2, 1), (3, 1), (3, 1)]


def test_the_month_in_the_text_stays_info(tmp_path: Path) -> None:
    result = read_back(_file(tmp_path, _LEDGER), period="text_month")
    assert "SIU028" not in result.codes()
    (info,) = [f for f in result.findings if f.code == "SIU022"]
    assert info.severity.value == "info"


def test_posting_month_periods_fail_a_strict_run(tmp_path: Path, siu: Callable[..., object]) -> None:
    export = _file(
        tmp_path,
        _LEDGER.replace("Finanskonto", "Omk.sted;Finanskonto")
        .replace(";4011", ";5385010001;4011")
        .replace(";7710", ";5385010001;7710"),
    )
    write_sap_mapping(tmp_path, art_from_gl=True)
    (tmp_path / "siu.toml").write_text(
        'mapping = "sap-mapping.toml"\n[source.sap]\nperiod = "posting_month"\n', encoding="utf-8"
    )
    args = ("validate", export.path, "--source", "sap", "--kommune", "101", "--year", "2025")
    first = siu(*args)
    assert first.exit_code == 0, first.output
    strict = siu(*args, "--strict")
    assert strict.exit_code == 1 and "SIU028" in strict.output


# --- dates that are markers, periods too long or reaching far out ---------------------------------

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from siu.check.plausible import SharedPlaceholder  # noqa: E402
from siu.convert.pipeline import guess_year, line_year  # noqa: E402
from test_rules import D, codes, context, line, run  # noqa: E402

_DATE_CODES = ("SIU113", "SIU114", "SIU115", "SIU116", "SIU117")


def _date_codes(**values: object) -> dict[str, int]:
    found = codes(run([line(**values)]))
    return {c: found[c] for c in _DATE_CODES if found[c]}


def test_marker_dates_are_one_finding_each() -> None:
    for end in (D(9999, 12, 31), D(2099, 12, 31), D(3000, 1, 1)):
        assert _date_codes(start=D(2025, 1, 1), end=end) == {"SIU115": 1}, end
    assert _date_codes(start=D(1900, 1, 1), end=D(2025, 1, 31)) == {"SIU115": 1}
    (finding,) = [f for f in run([line(end=D(9999, 12, 31))]) if f.code == "SIU115"]
    assert "31.12.9999" in finding.message_da and finding.location.column == "Til"


def test_a_period_of_years_for_one_invoice_is_an_error() -> None:
    assert _date_codes(start=D(2019, 3, 1), end=D(2025, 1, 31)) == {"SIU116": 1}
    (finding,) = [f for f in run([line(start=D(2019, 3, 1), end=D(2025, 1, 31))]) if f.code == "SIU116"]
    assert "71 måneder" in finding.message_da and "13" in finding.message_da and finding.severity.value == "error"
    # a yearly insurance across New Year is fine; the bound is the spec pack's
    assert _date_codes(start=D(2025, 7, 1), end=D(2026, 6, 30)) == {}
    from test_rules import spec

    pack = spec()
    pack.manifest = pack.manifest.model_copy(update={"dates": {**pack.manifest.dates, "max_period_months": 6}})
    assert codes(run([line(start=D(2025, 7, 1), end=D(2026, 6, 30))], context(pack)))["SIU116"] == 1


def test_a_period_reaching_far_out_is_a_warning_where_113_and_114_say_nothing() -> None:
    pack_long = context()
    pack_long.spec.manifest = pack_long.spec.manifest.model_copy(
        update={"dates": {**pack_long.spec.manifest.dates, "max_period_months": 48}}
    )
    found = codes(run([line(start=D(2022, 6, 1), end=D(2025, 1, 31))], pack_long))
    assert found["SIU117"] == 1 and found["SIU113"] == found["SIU114"] == found["SIU116"] == 0


def test_the_year_of_a_line_ignores_markers_and_overlong_periods() -> None:
    assert line_year(D(2025, 1, 1), D(9999, 12, 31)) == 2025
    assert line_year(D(1900, 1, 1), D(2025, 3, 31)) == 2025
    assert line_year(D(2019, 3, 1), D(2025, 1, 31)) is None
    assert line_year(D(2019, 3, 1), D(2025, 1, 31), fallback=D(2025, 2, 3)) == 2025
    assert line_year(D(2025, 10, 1), D(2026, 9, 30)) == 2026  # 12 months: the year it mostly lies in


def test_sentinel_end_dates_do_not_move_the_year(tmp_path: Path, siu: Callable[..., object]) -> None:
    rows = "".join(
        f"{i};XG-5385010001-0001;40110000;010160-1235;1.000,00;01.0{m}.2025;31.12.9999\n"
        for i, m in enumerate(range(1, 8), start=1)
    )
    path = tmp_path / "opus.csv"
    path.write_text("Bilagsnr;PSP-element;Artskonto;CPR-nr;Beløb;Periode fra;Periode til\n" + rows, encoding="utf-8")
    given = siu("validate", path, "--source", "opus", "--kommune", "101", "--year", "2025", "--lang", "en")
    assert given.exit_code == 1 and "SIU115" in given.output
    assert "SIU011" not in given.output and "6012" not in given.output
    guessed = siu("validate", path, "--source", "opus", "--kommune", "101", "--lang", "en")
    assert (
        guessed.exit_code == 1
        and "2025" in guessed.output
        and "6012" not in guessed.output
        and "SIU115" in guessed.output
    )


def test_guess_year_skips_markers() -> None:
    from siu.models import Location, Posting

    postings = [
        Posting(source="x", location=Location(file="f"), amount=Decimal(1), start=D(2025, m, 1), end=D(9999, 12, 31))
        for m in range(1, 6)
    ]
    assert guess_year(iter(postings))[0] == 2025


# --- CPR numbers that are probably placeholders ---------------------------------------------------

_109 = dict(paragraph="SEL109", kontostreng="53842100140", function="5.38.42")


def test_an_implausible_age_is_a_probable_placeholder() -> None:
    (old,) = [f for f in run([line(psr_id="0101010000")]) if f.code == "SIU106"]
    assert old.value == "010101-xxxx" and "124 år" in old.message_da and "124 years" in old.message_en
    assert "0101010000" not in old.message_da + old.message_en
    # 7th digit 4 with year 30: born 2030, after the period
    (unborn,) = [f for f in run([line(psr_id="0101304000")]) if f.code == "SIU106"]
    assert "01.01.2030" in unborn.message_da and "2030-01-01" in unborn.message_en
    assert codes(run([line(psr_id="0101304000", anonymised=True)]))["SIU106"] == 0
    assert codes(run([line(psr_id="0101010000")], context(max_age=130)))["SIU106"] == 0


def _stays(psr: str, periods: list[tuple[dt.date, dt.date]], **values: object) -> list:
    return [
        line(row=i + 2, psr_id=psr, amount=Decimal(1000 + i), start=s, end=e, **{**_109, **values})
        for i, (s, e) in enumerate(periods)
    ]


def test_one_cpr_on_many_overlapping_109_stays_is_a_probable_placeholder() -> None:
    march = [
        (D(2025, 3, 1), D(2025, 3, 31)),
        (D(2025, 3, 5), D(2025, 3, 20)),
        (D(2025, 2, 20), D(2025, 3, 10)),
        (D(2025, 3, 10), D(2025, 4, 2)),
        (D(2025, 3, 8), D(2025, 3, 12)),
    ]
    found = [f for f in run(_stays("0101801234", march)) if f.code == "SIU407"]
    assert len(found) == 1 and found[0].severity.value == "error"
    assert (
        found[0].value == "010180-xxxx"
        and "5 forskellige § 109-perioder" in found[0].message_da
        and "10.03.2025" in found[0].message_da
    )
    assert found[0].location.row == 2 and found[0].location.column == "CPR"
    # a stay, its corrections and a child's share overlap a little: not flagged by default
    assert codes(run(_stays("0101801234", march[:4])))["SIU407"] == 0
    assert codes(run(_stays("0101801234", march[:3]), context(placeholder_overlaps=3)))["SIU407"] == 1
    # one stay invoiced as several lines for the same period (rent, board, a child's share) is one stay
    assert codes(run(_stays("0101801234", [(D(2025, 3, 1), D(2025, 3, 31))] * 6)))["SIU407"] == 0
    # monthly invoices one after another never overlap
    monthly = [(D(2025, m, 1), D(2025, m, 28)) for m in range(1, 13)]
    assert codes(run(_stays("0101801234", monthly)))["SIU407"] == 0
    # other paragraphs, anonymised lines and revenue do not count
    assert (
        codes(run(_stays("0101801234", march, paragraph="SEL108", kontostreng="53850100140", function="5.38.50")))[
            "SIU407"
        ]
        == 0
    )
    assert codes(run(_stays("0101801234", march, anonymised=True)))["SIU407"] == 0


def test_placeholder_state_per_citizen_is_bounded() -> None:
    ctx = context()
    rule = SharedPlaceholder.factory(ctx)
    days = [(D(2020, 1, 1) + dt.timedelta(days=i), D(2020, 1, 1) + dt.timedelta(days=i)) for i in range(2000)]
    for record in _stays("0101801234", days):
        rule.observe(record)
    assert list(rule.finish()) == []
    assert rule.spans.nbytes < 2000 * 40  # Arrow columns: a few dozen bytes per distinct period
    for record in _stays("0101801234", [(D(2025, 6, d), D(2025, 6, 20 + d)) for d in range(1, 6)]):
        rule.observe(record)
    assert len(list(rule.finish())) == 1


def test_an_unconfigured_shared_placeholder_stops_the_delivery(tmp_path: Path, siu: Callable[..., object]) -> None:
    from test_opus import DEMO_MAPPING

    rows = "".join(
        f"{i};XG-5384210001-0001;40110000;0101010000;K;{9000 + i},00;0{i}.03.2025;2{i}.03.2025\n" for i in range(1, 6)
    )
    path = tmp_path / "opus.csv"
    path.write_text(
        "Bilagsnr;PSP-element;Artskonto;CPR-nr;Køn;Beløb;Periode fra;Periode til\n" + rows, encoding="utf-8"
    )
    args = (
        "convert",
        path,
        "--source",
        "opus",
        "--kommune",
        "101",
        "--year",
        "2025",
        "--mapping",
        DEMO_MAPPING,
        "--out",
        tmp_path / "out",
    )
    run_ = siu(*args)
    assert run_.exit_code == 1 and "SIU106" in run_.output and "SIU407" in run_.output
    assert not (tmp_path / "out" / "SIU_101_2025_voksen.xml").exists()
    (tmp_path / "siu.toml").write_text('[anonymisation]\nplaceholders = ["0101010000"]\n', encoding="utf-8")
    configured = siu(*args)
    assert configured.exit_code == 0, configured.output
    assert "SIU106" not in configured.output and "SIU407" not in configured.output
    assert "0101010000" not in (tmp_path / "out" / "SIU_101_2025_voksen.xml").read_text(encoding="utf-8")


def test_the_column_map_adapter_can_take_the_art_from_the_g_l_account(tmp_path: Path) -> None:
    export = _file(
        tmp_path,
        "Personnr;Konto;Beløb;Fra;Til\n0101601235;40110000;100,00;01.01.2025;31.01.2025\n",
        source="csv",
        name="own.csv",
    )
    columns = {"cpr": "Personnr", "gl_account": "Konto", "amount": "Beløb", "start": "Fra", "end": "Til"}
    plain = read_back(export, columns=columns)
    assert "artskonto" not in plain.postings[0].dims and "SIU029" not in plain.codes()
    art = read_back(export, columns=columns, art_from="gl_account")
    assert art.postings[0].dims["artskonto"] == "40110000" and art.postings[0].columns["artskonto"] == "Konto"
    assert art.codes() == ["SIU029"]
