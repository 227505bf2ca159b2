"""Danish for the facts the bundled spec packs state in English (private; see :mod:`siu.base.i18n`).

A pack's ``manifest.toml`` writes its provenance (what DST's material says, what is siu's
assumption) in English, and ``siu specs show`` showed it so in Danish too. The English sentence is
the key: a pack of one's own (``--spec-dir``, a plugin's) whose sentences siu does not know is shown
as written. tests/test_language.py checks that every sentence of the bundled packs has its Danish.
"""

from __future__ import annotations

import re

# The pack's sentence (English) → Danish.
FACTS: dict[str, str] = {
    # 2025: from DST's material
    "The CPR number goes in the element PsrID (DST, kravspecifikation note on dst.dk/siu).": (
        "CPR-nummeret står i elementet PsrID (DST, note om kravspecifikationen på dst.dk/siu)."
    ),
    "The account string goes in the element KONTOSTRENG, not KONTONUMMER (DST, note on dst.dk/siu).": (
        "Kontostrengen står i elementet KONTOSTRENG, ikke KONTONUMMER (DST, note på dst.dk/siu)."
    ),
    "Fictitious CPR for anonymous § 109 stays: birth date + 9998 (woman) / 9999 (man), 123456 without a birth "
    "date (DST's answers to municipalities).": (
        "Fiktivt CPR-nummer for anonyme § 109-ophold: fødselsdato + 9998 (kvinde) / 9999 (mand), 123456 uden "
        "fødselsdato (DST's svar til kommunerne)."
    ),
    "Start and end date are mandatory on every line and describe the expenditure period (DST's answers to "
    "municipalities).": (
        "Start- og slutdato er obligatoriske på hver linje og angiver udgiftsperioden (DST's svar til kommunerne)."
    ),
    "Deliveries are full loads, once a year (DST's answers to municipalities).": (
        "Leverancer er fulde leverancer, én gang om året (DST's svar til kommunerne)."
    ),
    "Adult area 2025: serviceloven §§ 107, 108, 109, 110 and § 85 with almenboligloven § 105 (dst.dk "
    "documentation of statistics).": (
        "Voksenområdet 2025: serviceloven §§ 107, 108, 109, 110 og § 85 med almenboligloven § 105 "
        "(statistikdokumentationen på dst.dk)."
    ),
    # 2025: siu's assumptions
    "XML envelope, namespace, element names other than PsrID and KONTOSTRENG, and the trailer with totals (siu.xsd).": (
        "XML-rammen, navnerummet, elementnavnene ud over PsrID og KONTOSTRENG, og afslutningen med totaler (siu.xsd)."
    ),
    "Amount representation: signed (revenue negative) with at most two decimals.": (
        "Beløbenes form: med fortegn (indtægter negative) og højst to decimaler."
    ),
    "KONTOSTRENG rendering: 11 digits, hovedkonto to art without separators.": (
        "KONTOSTRENG skrives med 11 cifre, hovedkonto til art uden skilletegn."
    ),
    "Paragraph codes (SEL107 ...) and the chart of accounts' function/grouping → paragraph table (chart.csv).": (
        "Paragrafkoderne (SEL107 ...) og kontoplanens tabel fra funktion/gruppering til paragraf (chart.csv)."
    ),
    "Excel template: sheet name, header texts and column order.": (
        "Excel-skabelonen: arkets navn, overskrifterne og kolonnernes rækkefølge."
    ),
    "File name pattern.": "Mønsteret for filnavne.",
    "whole kroner: a public DST page on IDEP (for another statistic) says IDEP takes whole kroner; not confirmed "
    "for SIU": (
        "hele kroner: en offentlig side hos DST om IDEP (for en anden statistik) siger, at IDEP tager hele "
        "kroner; ikke bekræftet for SIU"
    ),
    "two decimals, no rounding: siu's assumption": "to decimaler, ingen afrunding: siu's antagelse",
    "the order's number and date are not in siu's sources; one version for the whole year is siu's assumption": (
        "bekendtgørelsens nummer og dato findes ikke i siu's kilder; én version for hele året er siu's antagelse"
    ),
    "how DST wants a test delivery marked (file name prefix TEST_, header element Testleverance) is siu's assumption": (
        "hvordan DST vil have en testleverance mærket (filnavnet begynder med TEST_, elementet Testleverance i "
        "hovedet), er siu's antagelse"
    ),
    "protocol (SFTP; FTPS with explicit TLS is also supported)": (
        "protokollen (SFTP; FTPS med eksplicit TLS understøttes også)"
    ),
    "host ftp.dst.dk and port 22": "værten ftp.dst.dk og port 22",
    "remote folder /siu/indberetning": "mappen /siu/indberetning på serveren",
    "upload under a temporary name (.part) and rename when complete": (
        "upload under et midlertidigt navn (.part) og omdøbning, når filen er komplet"
    ),
    "dst.dk documentation of statistics (scope); code is siu's": (
        "statistikdokumentationen på dst.dk (omfang); koden er siu's"
    ),
    # 2026
    "Adult area: serviceloven §§ 107, 108, 109, 110 and § 85 with almenboligloven § 105 (dst.dk documentation "
    "of statistics, 2025 scope carried over).": (
        "Voksenområdet: serviceloven §§ 107, 108, 109, 110 og § 85 med almenboligloven § 105 "
        "(statistikdokumentationen på dst.dk, omfanget fra 2025 videreført)."
    ),
    "From reporting year 2026 a children's area joins; a municipality may send one file per area or both areas "
    "in one file, each a full load for its area (DST's answers to municipalities).": (
        "Fra regnskabsår 2026 kommer et børneområde til; en kommune kan sende én fil pr. område eller begge "
        "områder i én fil, hver en fuld leverance for sit område (DST's svar til kommunerne)."
    ),
    "Children's area: its paragraphs (barnets lov §§ 32 and 43), their codes (BL32, BL43), the functions of "
    "hovedfunktion 5.28 in scope and their mapping to paragraphs. DST had not published the children's "
    "paragraphs when this pack was made.": (
        "Børneområdet: dets paragraffer (barnets lov §§ 32 og 43), deres koder (BL32, BL43), funktionerne under "
        "hovedfunktion 5.28, der er omfattet, og deres henføring til paragraffer. DST havde ikke offentliggjort "
        "børneområdets paragraffer, da pakken blev lavet."
    ),
    "The area codes voksen/boern and the header value begge for a file holding both areas.": (
        "Områdekoderne voksen/boern og værdien begge i hovedet for en fil med begge områder."
    ),
    "That the 2026 adult scope, XML envelope and Excel template are unchanged from 2025.": (
        "At voksenområdets omfang, XML-rammen og Excel-skabelonen for 2026 er uændrede fra 2025."
    ),
    "paragraphs, functions and area code are siu's assumption until DST publishes the 2026 specification": (
        "paragraffer, funktioner og områdekode er siu's antagelse, indtil DST offentliggør specifikationen for 2026"
    ),
    "barnets lov § 32 (chapter 4, help and support); that the children's area covers it is siu's assumption": (
        "barnets lov § 32 (kapitel 4, hjælp og støtte); at børneområdet omfatter den, er siu's antagelse"
    ),
    "barnets lov § 43 (chapter 5, placement; decisions under §§ 46-47); that the children's area covers it is "
    "siu's assumption": (
        "barnets lov § 43 (kapitel 5, anbringelse; afgørelser efter §§ 46-47); at børneområdet omfatter den, er "
        "siu's antagelse"
    ),
}

# What a provisional fact is about (the prefix siu.specpack.SpecPack.provisional gives it) → Danish.
SUBJECTS = {"channel": "kanal", "version": "version", "area": "område", "paragraph": "paragraf"}
SUBJECTS_ALONE = {"delivery": "levering", "test": "test"}
# What is provisional about a paragraph (its ``provisional`` column).
PARAGRAPH_FLAGS = {"code": "kode", "scope": "omfang"}

_PREFIXED = re.compile(r"^(channel|version|area|paragraph) (\S+): (.*)$", re.DOTALL)
_ALONE = re.compile(r"^(delivery|test): (.*)$", re.DOTALL)


def fact(sentence: str, lang: str = "da") -> str:
    """A pack's fact in ``lang``: as written in English, in Danish when siu knows the sentence
    (also behind the ``channel idep: `` style prefix :meth:`SpecPack.provisional` adds)."""
    if lang == "en":
        return sentence
    known = FACTS.get(sentence)
    if known is not None:
        return known
    m = _PREFIXED.match(sentence)
    if m is not None:
        subject, name, rest = m.groups()
        return f"{SUBJECTS[subject]} {name}: {_rest(rest)}"
    m = _ALONE.match(sentence)
    if m is not None:
        return f"{SUBJECTS_ALONE[m.group(1)]}: {_rest(m.group(2))}"
    return sentence


def _rest(rest: str) -> str:
    if rest in FACTS:
        return FACTS[rest]
    flags = [f.strip() for f in rest.split(",")]
    if all(f in PARAGRAPH_FLAGS for f in flags):  # "paragraph BL32: code, scope"
        return ", ".join(PARAGRAPH_FLAGS[f] for f in flags)
    return rest


def paragraph_flags(flags: str, lang: str = "da") -> str:
    """A paragraph's ``provisional`` column (``code, scope``) in ``lang``."""
    return flags if lang == "en" or not flags else _rest(flags)
