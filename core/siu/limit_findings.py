"""The findings for input beyond siu's limits (see :mod:`siu.limits`): SIU040-SIU044."""

from __future__ import annotations

from siu.findings import define

CELL_TOO_LONG = define(
    "SIU040",
    "error",
    ("Celle for lang", "Cell too long"),
    ("{detail_da}", "{detail_en}"),
    (
        "En celle i inputfilen er længere end Excels grænse på 32.767 tegn. Sådan en celle findes ikke i et "
        "rigtigt udtræk; filen er beskadiget eller ikke et udtræk. siu læser ikke videre i filen.",
        "A cell of the input is longer than Excel's limit of 32,767 characters. No real export holds such "
        "a cell; the file is damaged or not an export. siu reads no further in the file.",
    ),
)
TOO_MANY_COLUMNS = define(
    "SIU041",
    "error",
    ("For mange kolonner", "Too many columns"),
    ("{detail_da}", "{detail_en}"),
    (
        "En række i inputfilen har flere end 16.384 kolonner (Excels grænse). Filen er beskadiget eller ikke "
        "et udtræk (fx er skilletegnet forkert); siu læser ikke videre i filen.",
        "A row of the input has more than 16,384 columns (Excel's limit). The file is damaged or not an "
        "export (e.g. the wrong delimiter); siu reads no further in the file.",
    ),
)
WORKBOOK_TOO_BIG = define(
    "SIU042",
    "error",
    ("Regnearket er for stort eller pakket mistænkeligt", "Workbook too large or suspiciously packed"),
    ("{detail_da}", "{detail_en}"),
    (
        "Et .xlsx-regneark er en zip-fil. siu tjekker, før det læses, at det udpakket fylder højst 1 GiB, og "
        "at ingen del er pakket mere end 100 gange (en 'zip-bombe'). Gem udtrækket som CSV, eller del det op.",
        "An .xlsx workbook is a zip file. Before reading it siu checks that it unpacks to at most 1 GiB and "
        "that no part is packed more than 100 times (a 'zip bomb'). Save the export as CSV, or split it.",
    ),
)
SHEET_TOO_LONG = define(
    "SIU043",
    "error",
    ("Arket har for mange rækker", "Sheet has too many rows"),
    ("{detail_da}", "{detail_en}"),
    (
        "Arket har flere rækker, eller et rækkenummer højere, end Excels grænse på 1.048.576. Sådan et ark "
        "kan Excel ikke selv have skrevet; filen er beskadiget. siu læser det ikke.",
        "The sheet has more rows, or a higher row number, than Excel's limit of 1,048,576. Excel cannot "
        "have written such a sheet; the file is damaged. siu does not read it.",
    ),
)
AMOUNT_TOO_LARGE = define(
    "SIU044",
    "error",
    ("Beløbet kan ikke leveres præcist", "Amount cannot be delivered exactly"),
    (
        "Beløbet '{value}' har flere end {digits} cifre og kan ikke skrives præcist i leverancen; rækken er ikke læst",
        "The amount '{value}' has more than {digits} digits and cannot be written exactly in the delivery; "
        "the row was not read",
    ),
    (
        "Leverancen holder beløb med højst 15 cifre i alt (XSD'ens totalDigits, og hvad et tal i Excel "
        "gemmer), dvs. under 10.000.000.000.000 kr. med øre. Et større beløb ville blive afrundet uden at "
        "nogen så det; ret beløbet i kilden.",
        "The delivery holds amounts of at most 15 digits in all (the XSD's totalDigits, and what an Excel "
        "number keeps), i.e. below 10,000,000,000,000 kr. with øre. A larger amount would be rounded "
        "without anyone seeing it; fix the amount in the source.",
    ),
)
