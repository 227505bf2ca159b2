"""The word-list check of tests/test_language.py: is a text in one language, and do its counts agree?

:func:`check_pairs` takes any (where, Danish, English) texts: the hook for further tables of texts
(the CLI's help texts): ``assert not check_pairs((key, da, en) for key, (da, en) in TABLE.items())``.
The check is a word list per language, not a language model: it catches the words siu's texts
actually mix up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# English words that must not occur in a Danish text (words that are the same in Danish, such as
# "for", "under", "to" or "i", are left out).
ENGLISH = set(
    """the not no row rows file files number numbers expected cannot empty line lines and is are was were
    with which such unknown date dates amount amounts found missing read does has this that or of
    warning warnings error errors skipped excluded delivery postings posting citizen citizens month months
    year years column columns sheet value values separator indicator loaded failed disabled
    provisional bundled folder ledger conserved ready difference""".split()
)
# Danish words that must not occur in an English text; and any æ, ø or å.
DANISH = set(
    """og ikke fil filen filer beløb beløbet række rækker linje linjer kan er har til af med ingen ukendt
    eller fejl advarsel advarsler sumlinje sumlinjer posteringer postering borger borgere forventede
    kolonne kolonner mangler findes udeladt sprunget leverancen leverance på ved det den som skal
    tom tomme dato datoen tal forkert plads læst regnskab indlæst fejlede foreløbig kontostreng""".split()
)
DANISH_LETTERS = re.compile(r"[æøåÆØÅ]")

# Words that may appear in the other language, each with its reason.
ALLOWED_IN_ENGLISH = {
    "Debet/Kredit": "a debit/credit indicator as Danish exports write it (a value, quoted)",
    "Art": "the Danish chart's 'art' (kind of expenditure), a term DST's own documents use in English",
    "§": "the paragraph sign of Danish law references",
    "København": "a municipality's name (the demo's)",
    "voksen": "an area code in siu.toml (voksen | boern | begge), a value the user typed",
    "øre": "the Danish currency's hundredth, as amounts in kroner and øre are named",
    "Funktion, Art and Beløb": "the column headers a trial balance must have (SIU501, SIU502), as the file writes them",
    "Funktion, optionally Dranst, Art and Beløb": "the same headers, with the optional one",
    "Beløb or Debet/Kredit": "the same headers: the amount column or the debit and credit columns (SIU502)",
}
# Names as the user writes them in siu.toml or a spec pack's manifest.toml: identifiers, not words.
_FIELDS = (
    "document, posting_date, psp, cost_centre, artskonto, gl_account, kontostreng, paragraph, cpr, amount, "
    "amount_unsigned, dc, debit, credit, start, end, text, anonymous, birth_date, sex, kommune, counterpart"
)
_LINE_FIELDS = "(psr_id, kontostreng, paragraph, area, amount, start, end)"
ALLOWED_IN_ENGLISH[_LINE_FIELDS] = "the delivery line's field names in manifest.toml (SIU610)"
ALLOWED_IN_DANISH = {
    _FIELDS: "the field names of a column map in siu.toml (SIU601)",
    _LINE_FIELDS: "the delivery line's field names in manifest.toml (SIU610)",
    "(text, date, number)": "the cell types of manifest.toml (SIU610)",
    "SHA-256": "the name of a hash function",
    "format=csv": "reading options as the user writes them on the command line (--encoding, --delimiter)",
}

# Nouns whose singular and plural differ: (singular, plural) per language.
NOUNS_DA = [
    ("række", "rækker"),
    ("linje", "linjer"),
    ("postering", "posteringer"),
    ("advarsel", "advarsler"),
    ("borger", "borgere"),
    ("måned", "måneder"),
    ("funktion", "funktioner"),
    ("afvigelse", "afvigelser"),
    ("fil", "filer"),
    ("sumlinje", "sumlinjer"),
    ("ciffer", "cifre"),
    ("kode", "koder"),
    ("forekomst", "forekomster"),
    ("gang", "gange"),
]
NOUNS_EN = [
    ("row", "rows"),
    ("line", "lines"),
    ("posting", "postings"),
    ("warning", "warnings"),
    ("error", "errors"),
    ("citizen", "citizens"),
    ("month", "months"),
    ("year", "years"),
    ("function", "functions"),
    ("difference", "differences"),
    ("file", "files"),
    ("amount", "amounts"),
    ("digit", "digits"),
    ("attempt", "attempts"),
    ("code", "codes"),
    ("occurrence", "occurrences"),
    ("time", "times"),
]


def _strip_data(text: str) -> str:
    """``text`` without what it quotes (values, file names, headers, settings in backquotes)."""
    text = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`|«[^»]*»", " ", text)
    text = re.sub(r"\[[a-z_.]+\]", " ", text)  # siu.toml's tables ([delivery], [source.opus]) are names
    text = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", " ", text)  # as are settings (max_period_months, header_row)
    text = re.sub(r"\b[a-z_]+(?= (?:i|in|from) siu\.toml)", " ", text)  # "year i siu.toml": a setting's name
    return re.sub(r"--[a-z][a-z-]*", " ", text)  # and options (--year, --sheet) are what the user types


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:[-/][^\W\d_]+)*", _strip_data(text))


def _mispluralised(text: str, nouns: list[tuple[str, str]]) -> list[str]:
    """Counts of exactly one with a plural noun, and counts above one with a singular noun
    (an adjective may stand between: ``1 tomme rækker``)."""
    found = []
    for one, many in nouns:
        if one == many:
            continue
        for m in re.finditer(rf"(?<![\d.,])1 (?:[^\W\d]+ )?{many}\b", text):
            found.append(m.group(0))
        for m in re.finditer(rf"(?<![\d.,])(?:[02-9]|\d\d+) (?:[^\W\d]+ )?{one}\b(?![-/])", text):
            found.append(m.group(0))
    return found


def problems(text: str, lang: str) -> list[str]:
    """What is wrong with ``text`` as a text in ``lang``: words of the other language and
    counts that do not agree with their noun."""
    found: list[str] = []
    if lang == "da":
        for allowed in sorted(ALLOWED_IN_DANISH, key=len, reverse=True):
            text = text.replace(allowed, " ")
        found += [f"English word {w!r}" for w in _words(text) if w.lower() in ENGLISH]
        found += [f"not plural-agreeing {m!r}" for m in _mispluralised(text, NOUNS_DA)]
    else:
        for allowed in sorted(ALLOWED_IN_ENGLISH, key=len, reverse=True):
            text = text.replace(allowed, " ")
        stripped = _strip_data(text)
        found += [f"Danish letter in {w!r}" for w in _words(stripped) if DANISH_LETTERS.search(w)]
        found += [f"Danish word {w!r}" for w in _words(stripped) if w.lower() in DANISH]
        found += [f"not plural-agreeing {m!r}" for m in _mispluralised(text, NOUNS_EN)]
    return found


def check_pairs(pairs: Iterable[tuple[str, str, str]]) -> list[str]:
    """Every problem in (where, Danish, English) texts, one line each. The hook for other tables
    of texts: ``assert not check_pairs((key, da, en) for key, (da, en) in TABLE.items())``."""
    out = []
    for where, da, en in pairs:
        out += [f"{where} [da] {p}: {da}" for p in problems(da, "da")]
        out += [f"{where} [en] {p}: {en}" for p in problems(en, "en")]
    return out
