"""The kontostreng model: every form municipalities write, formatting, and art classes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siu import kontostreng as ks
from siu.models import Kind

BASE = ("5", "38", "50", "1", "003")


@pytest.mark.parametrize(
    ("text", "art"),
    [
        ("5.38.50.1.003", None),  # dotted without art
        ("5.38.50.1.003.4.7", "47"),  # dotted, art 4.7
        ("5.38.50.1.003.47", "47"),  # dotted, art 47
        ("5-38-50-1-003-4-7", "47"),  # other separators
        ("5/38/50/1/003/47", "47"),
        ("5 38 50 1 003 4 7", "47"),
        (" 5.38.50.1.003.4.7 ", "47"),  # surrounding blanks
        ("5..38.50.1.003.4.7", "47"),  # doubled separator
        ("5.38.50.1.3.4.7", "47"),  # short grouping is zero-padded
        ("538501003", None),  # packed, no art
        ("53850100347", "47"),  # packed with art
        ("538501003.4.7", "47"),  # packed base, art apart
        ("538501003 47", "47"),
        ("5385010031234547", "47"),  # 16 digits: base, 5 local digits, art last [provisional]
    ],
)
def test_parse_every_form(text, art):
    account = ks.parse(text)
    assert (account.hovedkonto, account.hovedfunktion, account.funktion, account.dranst, account.gruppering) == BASE
    assert account.art == art


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "5.38.50.1",  # too few parts
        "5.38.50.1.0030.4.7",  # grouping of four digits
        "55.38.50.1.003",  # hovedkonto of two digits
        "5.38.50.1.003.4",  # art of one digit
        "5.38.50.1.003.4.7.1",  # too many art parts
        "5.38.50.1.003.470",
        "5385010034",  # 10 digits
        "538501003471",  # 12 digits
        "12345678",  # 8 digits
        "5.38.5O.1.003",  # letter O for zero
        "XG-5385010001",
        "\u0665\u0663\u0668\u0665\u0660\u0661\u0660\u0660\u0663",  # digits, but not ASCII ones
        "5.38.50.1.003.4.\u00b2",
    ],
)
def test_parse_rejects_with_a_reason_in_both_languages(text):
    with pytest.raises(ks.KontostrengError) as info:
        ks.parse(text)
    assert info.value.reason and info.value.reason_da


def test_formatting_dotted_packed_and_by_the_spec_pack_pattern():
    account = ks.parse("53850100347")
    assert str(account) == "5.38.50.1.003.4.7"
    assert account.packed == "53850100347"
    assert account.function == "5.38.50"
    assert account.art_dotted == "4.7"
    assert account.hovedart == "4"
    assert account.render("{hovedkonto}{hovedfunktion}{funktion}{dranst}{gruppering}{hovedart}{art}") == "53850100347"
    assert account.render("{hovedkonto}.{hovedfunktion}.{funktion}.{dranst}.{gruppering}.{art2}") == "5.38.50.1.003.47"
    assert str(ks.parse("538501003")) == "5.38.50.1.003"


def test_an_account_without_art_is_not_rendered_silently():
    with pytest.raises(ks.KontostrengError):
        ks.parse("5.38.50.1.003").render("{hovedkonto}{art2}")


def test_with_art_accepts_both_spellings_and_checks_them():
    base = ks.parse("5.38.50.1.003")
    assert base.with_art("4.0").art == "40"
    assert base.with_art("76").art == "76"
    assert base.with_art(None).art is None
    for bad in ("4", "4.77", "x7"):
        with pytest.raises(ks.KontostrengError):
            base.with_art(bad)


@pytest.mark.parametrize(
    ("art", "kind"),
    [
        ("00", Kind.EXPENDITURE),
        ("10", Kind.EXPENDITURE),  # wages
        ("22", Kind.EXPENDITURE),  # goods
        ("30", Kind.EXPENDITURE),  # acquisitions
        ("40", Kind.EXPENDITURE),  # services
        ("47", Kind.EXPENDITURE),  # payments to municipalities
        ("59", Kind.EXPENDITURE),  # transfers
        ("62", Kind.EXPENDITURE),  # financial expenses
        ("71", Kind.REVENUE),  # rent
        ("77", Kind.REVENUE),  # payments from municipalities
        ("86", Kind.REVENUE),  # financial revenue
        ("91", Kind.INTERNAL),
        ("99", Kind.INTERNAL),
    ],
)
def test_every_art_class(art, kind):
    assert ks.classify_art(art) is kind
    assert ks.parse(f"538501003{art}").kind is kind


def test_classify_rejects_what_is_not_an_art():
    for bad in ("", "x1"):
        with pytest.raises(ks.KontostrengError):
            ks.classify_art(bad)
    assert ks.parse("538501003").kind is None


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=n, max_size=n)


@given(_digits(1), _digits(2), _digits(2), _digits(1), _digits(3), _digits(2), st.sampled_from([".", "-", " ", "/"]))
def test_dotted_and_packed_round_trip(hk, hf, fu, dr, gr, art, sep):
    account = ks.Kontostreng(hk, hf, fu, dr, gr, art)
    assert ks.parse(str(account)) == account
    assert ks.parse(account.packed) == account
    assert ks.parse(sep.join([hk, hf, fu, dr, gr, art[0], art[1]])) == account


@given(st.text(max_size=24))
def test_parse_never_fails_other_than_with_kontostreng_error(text):
    try:
        account = ks.parse(text)
    except ks.KontostrengError:
        return
    assert len(account.packed) in (9, 11)
