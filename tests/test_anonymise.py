"""§ 109 anonymisation: when a line is anonymous, which fictitious CPR it gets, and where it never applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from siu.anonymise.hook import ANONYMOUS_OUTSIDE_109, PLACEHOLDER_OUTSIDE_109, UNKNOWN_SEX, anonymise
from siu.base.config import Anonymisation, Settings
from siu.base.cpr import normalise
from siu.context import Context
from siu.models import Finding, Location, Posting, Record
from siu.specpack import BUILTIN_DIR, SpecPack

SPEC = SpecPack.load(BUILTIN_DIR / "2025")
PLACEHOLDER = "0101010000"


def context(all_109: bool = False) -> Context:
    settings = Settings(anonymisation=Anonymisation(placeholders=["010101-0000", "ANONYM"], anonymise_all_109=all_109))
    return Context(settings=settings, spec=SPEC, kommune="101", year=2025, area="voksen")


def line(
    paragraph: str | None,
    cpr: str | None,
    anonymous: bool | None = None,
    born: dt.date | None = None,
    sex: str | None = None,
):
    columns = {"cpr": "CPR-nr", "sex": "Køn", "anonymous": "Anonym"}
    posting = Posting(
        source="test",
        location=Location(file="in.csv", row=5),
        amount=Decimal(1000),
        cpr=cpr,
        anonymous=anonymous,
        birth_date=born,
        sex=sex,
        columns=columns,
    )
    record = Record(
        psr_id=normalise(cpr),
        kontostreng="53842100140",
        paragraph=paragraph,
        area=SPEC.area_of(paragraph),
        amount=Decimal(1000),
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 20),
        locations=(posting.location,),
        cpr_raw=cpr,
        columns=columns,
    )
    return record, posting


@pytest.mark.parametrize(
    ("case", "cpr", "anonymous", "born", "sex", "all_109", "expected"),
    [
        # flagged by the source, real CPR: birth date and sex from the CPR
        ("flag, real CPR woman", "120490-1234", True, None, None, False, "1204909998"),
        ("flag, real CPR man", "1204901235", True, None, None, False, "1204909999"),
        ("flag, real CPR, sex column wins", "1204901234", True, None, "M", False, "1204909999"),
        ("flag, real CPR, birth column wins", "1204901234", True, dt.date(1991, 5, 3), None, False, "0305919998"),
        # placeholder CPR: the CPR tells nothing, the columns must
        ("placeholder with birth date", PLACEHOLDER, None, dt.date(1985, 7, 14), "F", False, "1407859998"),
        ("placeholder without birth date, woman", PLACEHOLDER, None, None, "F", False, "1234569998"),
        ("placeholder without birth date, man", "010101-0000", True, None, "M", False, "1234569999"),
        ("placeholder written as text", "anonym", None, None, "F", False, "1234569998"),
        # no CPR at all, flagged
        ("flag, no CPR", None, True, dt.date(2001, 1, 31), "M", False, "3101019999"),
        # anonymise_all_109
        ("all 109, real CPR", "150372-2468", None, None, None, True, "1503729998"),
        ("all 109 even when the source says Nej", "150372-2468", False, None, None, True, "1503729998"),
        # already DST's form: kept
        ("already fictitious", "1234569999", True, None, None, False, "1234569999"),
        # a CPR that is not a date is not a real CPR: sex must come from a column
        ("flag, CPR not a date, sex column", "3299991234", True, None, "F", False, "1234569998"),
        # not anonymous: untouched
        ("not anonymous", "150372-2468", None, None, None, False, None),
        ("flag says no", "150372-2468", False, None, None, False, None),
    ],
)
def test_section_109_lines(case, cpr, anonymous, born, sex, all_109, expected):
    record, posting = line("SEL109", cpr, anonymous, born, sex)
    assert anonymise(record, posting, context(all_109)) == expected, case


@pytest.mark.parametrize(
    ("cpr", "anonymous", "born"),
    [
        (PLACEHOLDER, None, None),  # placeholder, no sex column
        (PLACEHOLDER, True, dt.date(1985, 7, 14)),  # a birth date does not tell the sex
        (None, True, None),  # flagged, no CPR
        ("3299991234", True, None),  # flagged, CPR that is not a date
    ],
)
def test_unknown_sex_is_a_finding_not_a_guess(cpr, anonymous, born):
    record, posting = line("SEL109", cpr, anonymous, born, None)
    result = anonymise(record, posting, context())
    assert isinstance(result, Finding) and result.code == UNKNOWN_SEX.code
    assert result.location == Location(file="in.csv", row=5, column="Køn")


@pytest.mark.parametrize("paragraph", ["SEL107", "SEL108", "SEL110", "SEL85-ABL105"])
def test_never_outside_section_109(paragraph):
    # flagged: CPR kept, with a warning
    record, posting = line(paragraph, "120490-1234", True, None, "F")
    result = anonymise(record, posting, context(all_109=True))
    assert isinstance(result, Finding) and result.code == ANONYMOUS_OUTSIDE_109.code
    assert paragraph in result.message_da
    # a placeholder there would be reported as a citizen: an error, CPR masked
    record, posting = line(paragraph, PLACEHOLDER, None, None, "F")
    result = anonymise(record, posting, context(all_109=True))
    assert isinstance(result, Finding) and result.code == PLACEHOLDER_OUTSIDE_109.code
    assert "010101-xxxx" in result.message_da and "0101010000" not in result.message_da
    # anonymise_all_109 alone: untouched
    record, posting = line(paragraph, "120490-1234", None, None, None)
    assert anonymise(record, posting, context(all_109=True)) is None


def test_unmapped_line_is_left_alone():
    record, posting = line(None, PLACEHOLDER, True, None, "F")
    assert anonymise(record, posting, context()) is None


def test_suffixes_come_from_the_spec_pack():
    spec = SpecPack.load(BUILTIN_DIR / "2025")
    spec.manifest.cpr.female_suffix = "8888"
    ctx = context()
    ctx.spec = spec
    record, posting = line("SEL109", PLACEHOLDER, None, None, "F")
    assert anonymise(record, posting, ctx) == "1234568888"


def test_demo_delivery_anonymises_exactly_the_section_109_stays_and_the_report_counts_them(siu, demo_dir, tmp_path):
    from lxml import etree

    run = siu(
        "convert",
        "-s",
        "opus",
        str(demo_dir / "opus-udtraek-2025.csv"),
        "--config",
        str(demo_dir / "siu.toml"),
        "--out",
        "out",
    )
    assert run.exit_code == 0, run.output
    assert "Anonymiserede § 109-linjer: 3" in run.output
    xml = SPEC.manifest.xml
    ns = {"s": xml.namespace}
    tree = etree.parse(str(tmp_path / "out" / "SIU_101_2025_voksen.xml"))
    lines = [
        (
            line.findtext(f"s:{xml.record_fields['psr_id']}", namespaces=ns),
            line.findtext(f"s:{xml.record_fields['paragraph']}", namespaces=ns),
        )
        for line in tree.iterfind(f".//s:{xml.record}", ns)
    ]
    fictitious = sorted(psr for psr, _ in lines if psr.endswith(("9998", "9999")))
    # flagged with a real CPR (120490-1234, a woman), and the placeholder with sex K and M
    assert fictitious == ["1204909998", "1234569998", "1234569999"]
    assert all(paragraph == "SEL109" for psr, paragraph in lines if psr in fictitious)
    assert ("3006751346", "SEL109") in lines  # a § 109 stay not flagged anonymous keeps its CPR
    assert "0101010000" not in {psr for psr, _ in lines}
