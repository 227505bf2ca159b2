"""Finding codes of the read stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- tabular.py --------------------------------------------------------------------------------

TABLE_ERRORS = {
    code: define(code, "error", title, ("{detail_da}", "{detail_en}"), doc)
    for code, title, doc in [
        (
            "SIU001",
            ("Filen findes ikke", "File not found"),
            ("Tjek stien til inputfilen.", "Check the path of the input file."),
        ),
        (
            "SIU002",
            ("Filen kan ikke læses", "File cannot be read"),
            (
                "Filen kunne ikke åbnes som tabel. Tjek at det er den rigtige fil, gemt som CSV/TXT eller .xlsx.",
                "The file could not be opened as a table. Check it is the right file, saved as CSV/TXT or .xlsx.",
            ),
        ),
        (
            "SIU003",
            ("Forkert tegnsæt", "Wrong encoding"),
            (
                "siu genkender UTF-8 (med og uden BOM), cp1252 og ISO-8859-1. Angiv tegnsættet med --encoding, hvis "
                "gættet er forkert.",
                "siu recognises UTF-8 (with or without BOM), cp1252 and ISO-8859-1. Give the encoding with --encoding "
                "if the guess is wrong.",
            ),
        ),
        (
            "SIU004",
            ("Arket findes ikke", "Sheet not found"),
            ("Angiv et ark, der findes, med --sheet.", "Name a sheet that exists with --sheet."),
        ),
        (
            "SIU023",
            ("Ugyldig indstilling for indlæsning", "Invalid reading option"),
            (
                "En indstilling for, hvordan filen skal læses (--decimal, --delimiter, eller `period` eller "
                "`art_from` i `[source.NAVN]` i siu.toml), har en værdi, siu ikke kender. Filen er ikke læst.",
                "An option for how to read the file (--decimal, --delimiter, or `period` or `art_from` in "
                "`[source.NAME]` of siu.toml) has a value siu does not know. The file was not read.",
            ),
        ),
    ]
}

MISSING_COLUMNS = define(
    "SIU005",
    "error",
    ("Kolonner mangler", "Columns missing"),
    ("{detail_da}", "{detail_en}"),
    (
        "Adapteren finder kolonnerne ud fra overskrifterne (store/små bogstaver, accenter og rækkefølge er "
        "ligegyldige). Tilføj de manglende kolonner til udtrækkets layout, eller omdøb overskrifterne.",
        "The adapter finds columns by their headers (case, accents and order do not matter). Add the missing "
        "columns to the export layout, or rename the headers.",
    ),
)

UNREADABLE_VALUE = define(
    "SIU020",
    "error",
    ("Værdi kan ikke læses", "Value cannot be read"),
    ("{field_da} '{value}' kan ikke læses: {reason}", "{field_en} '{value}' cannot be read: {reason}"),
    (
        "En celle indeholder noget, der ikke kan læses som det forventede (beløb, dato, debet/kredit, køn, "
        "anonym-markering). Ret cellen i kilden. Beløb kan skrives 1.234,56, 1.234,56- eller (1.234,56); datoer "
        "dd.mm.åååå, åååå-mm-dd eller ddmmåååå.",
        "A cell holds something that cannot be read as expected (amount, date, debit/credit, sex, anonymous "
        "flag). Fix the cell in the source. Amounts may be written 1.234,56, 1.234,56- or (1.234,56); dates "
        "dd.mm.yyyy, yyyy-mm-dd or ddmmyyyy.",
    ),
)

NO_PERIOD_RULE = define(
    "SIU024",
    "info",
    ("Ingen periodekolonner", "No period columns"),
    (
        "{file} har ingen kolonner for periode fra/til, og der er ingen regel for at udlede perioden; "
        'angiv fx period = "posting_month" i [source.{source}] i siu.toml',
        "{file} has no period from/to columns and there is no rule to derive the period; "
        'set e.g. period = "posting_month" in [source.{source}] of siu.toml',
    ),
    (
        "Hver SIU-linje skal have en udgiftsperiode. Har udtrækket ingen periodekolonner, kan siu udlede "
        "perioden af bogføringsdatoens måned (`posting_month`) eller af måneden i posteringsteksten "
        "(`text_month`). Det bedste er at tilføje periodekolonnerne til udtrækkets layout.",
        "Every SIU line needs an expenditure period. When the export has no period columns, siu can derive "
        "the period from the posting date's month (`posting_month`) or from the month in the posting text "
        "(`text_month`). Best is to add the period columns to the export layout.",
    ),
)

PERIOD_NOT_DERIVED = define(
    "SIU025",
    "warning",
    ("Periode kan ikke udledes", "Period cannot be derived"),
    (
        "Perioden kunne ikke udledes af {how} på {count} {count|linje|linjer} i {file} (første: række {row})",
        "The period could not be derived from {how_en} on {count} {count|line|lines} in {file} (first: row {row})",
    ),
    (
        "Reglen for at udlede perioden (`period` i siu.toml) fandt ingen måned: bogføringsdatoen mangler, "
        "eller teksten nævner ingen måned (fx 'jan 2025', '01.2025', '2025-01'). Linjerne får ingen periode "
        "og fejler derfor i kontrollen af perioder.",
        "The rule deriving the period (`period` in siu.toml) found no month: the posting date is missing, or "
        "the text names no month (e.g. 'jan 2025', '01.2025', '2025-01'). The lines get no period and so fail "
        "the period checks.",
    ),
)

SIGN_CONFLICT = define(
    "SIU026",
    "warning",
    ("Fortegn og debet/kredit er uenige", "Sign and debit/credit disagree"),
    (
        "Beløbet {amount} har minus, men kendetegnet '{value}' siger debet; kendetegnet er brugt",
        "The amount {amount} has a minus but the indicator '{value}' says debit; the indicator was used",
    ),
    (
        "Når en række både har et beløb med fortegn og et debet/kredit-kendetegn (fx DMSHB og SHKZG), "
        "bestemmer kendetegnet fortegnet. Et negativt beløb ved et debet-kendetegn tyder på en fejl i "
        "udtrækket; tjek posteringen i kildesystemet.",
        "When a row has both a signed amount and a debit/credit indicator (e.g. DMSHB and SHKZG), the "
        "indicator decides the sign. A negative amount beside a debit indicator suggests an error in the "
        "export; check the posting in the source system.",
    ),
)

PERIOD_DERIVED = define(
    "SIU022",
    "info",
    ("Periode udledt", "Period derived"),
    (
        "{file} har ingen periodekolonner; udgiftsperioden er udledt af {how} på {count} {count|linje|linjer}",
        "{file} has no period columns; the expenditure period was derived from {how_en} on {count} {count|line|lines}",
    ),
    (
        "Når udtrækket ikke har kolonner for periode fra/til, kan perioden udledes efter indstillingen "
        "`period` i `[source.NAVN]` i siu.toml: `posting_month` (bogføringsdatoens måned) eller `text_month` "
        "(måneden i posteringsteksten). Tjek, at det giver den reelle udgiftsperiode.",
        "When the export has no period columns, the period can be derived by the `period` setting in "
        "`[source.NAME]` of siu.toml: `posting_month` (the posting date's month) or `text_month` (the month "
        "named in the posting text). Check that this gives the real expenditure period.",
    ),
)

PERIOD_FROM_POSTING_DATE = define(
    "SIU028",
    "warning",
    ("Periode gættet ud fra bogføringsdatoen", "Period guessed from the posting date"),
    (
        "{file} har ingen periodekolonner; på {count} {count|linje|linjer} (udgifter {expenditure} kr., indtægter "
        "{revenue} kr.) "
        "er udgiftsperioden sat til bogføringsdatoens måned, som ikke behøver at være den måned, udgiften dækker",
        "{file} has no period columns; on {count} {count|line|lines} (expenditure {expenditure} DKK, revenue "
        "{revenue} DKK) the "
        "expenditure period was set to the posting date's month, which need not be the month the expenditure covers",
    ),
    (
        'Med `period = "posting_month"` i `[source.NAVN]` får hver linje bogføringsdatoens måned som '
        "udgiftsperiode. Det er et gæt: et ophold i januar, der bogføres i februar, indberettes som februar. "
        "Derfor er det en advarsel (en fejl med --strict), der siger hvor mange linjer og hvor mange penge det "
        "gælder. Det bedste er at tilføje periodekolonnerne (fx Periode fra/til) til udtrækkets layout; "
        "`text_month` (måneden i posteringsteksten) er et alternativ, når teksten nævner måneden.",
        'With `period = "posting_month"` in `[source.NAME]` every line gets its posting date\'s month as the '
        "expenditure period. That is a guess: a January stay booked in February is reported as February. "
        "So it is a warning (an error with --strict) naming how many lines and how much money it concerns. "
        "Best is to add the period columns (e.g. Periode fra/til) to the export layout; `text_month` (the month "
        "in the posting text) is an alternative when the text names the month.",
    ),
)

CPR_FROM_TEXT = define(
    "SIU027",
    "info",
    ("CPR-nummer læst i en tekst", "CPR number read from a text"),
    (
        "CPR-nummeret er læst inde i teksten i kolonnen {column} på {count} {count|linje|linjer} i {file} (første: "
        "række {row})",
        "The CPR number was read from within the text of the column {column} on {count} {count|line|lines} in {file} "
        "(first: row {row})",
    ),
    (
        "SAP og Opus har ofte CPR-nummeret i tildelingsfeltet (Tildeling, ZUONR, Assignment) sammen med anden "
        "tekst, fx 'Ophold 010160-1234'. siu tager nummeret ud, når det står som et helt ord (adskilt af "
        "mellemrum eller tegnsætning), og siger her hvor ofte. Et nummer, der hænger sammen med bogstaver "
        "(fx '0101601234x'), eller flere numre i samme celle læses aldrig som CPR-nummer (SIU102). En "
        "egentlig CPR-kolonne (CPR, CPR-nr, Personnummer) må kun indeholde cifre, bindestreg og mellemrum.",
        "SAP and Opus often keep the CPR number in the assignment field (Tildeling, ZUONR, Assignment) along with "
        "other text, e.g. 'Ophold 010160-1234'. siu takes the number out when it stands as a whole word "
        "(separated by spaces or punctuation) and says here how often. A number joined to letters (e.g. "
        "'0101601234x') or several numbers in one cell are never read as a CPR number (SIU102). A proper CPR "
        "column (CPR, CPR-nr, Personnummer) may hold only digits, a hyphen and spaces.",
    ),
)

ART_FROM_GL = define(
    "SIU029",
    "info",
    ("Arten taget fra finanskontoen", "Art taken from the G/L account"),
    (
        "{file} har ingen artskontokolonne; arten er taget fra finanskontoen ({column}) på {count} "
        "{count|linje|linjer}",
        "{file} has no artskonto column; the art was taken from the G/L account ({column}) on {count} "
        "{count|line|lines}",
    ),
    (
        "I kommunernes SAP (også KMD Opus) er finanskontoen (HKONT, Sagskonto, Hovedbogskonto, RACCT) "
        "artskontoen: dens to første cifre er ministeriets art. Har udtrækket ingen særskilt artskontokolonne, "
        "tager SAP-adapteren derfor arten fra finanskontoen. Indstillingen `art_from` i `[source.NAVN]` i "
        'siu.toml styrer det: `"gl_account"` (standard for sap) eller `"artskonto"` (standard for de '
        "øvrige; arten tages kun fra en artskontokolonne). En tilknytningsregels `art` går altid forud.",
        "In municipal SAP (KMD Opus included) the G/L account (HKONT, Sagskonto, Hovedbogskonto, RACCT) is the "
        "artskonto: its first two digits are the ministry's art. When the export has no separate artskonto "
        "column, the SAP adapter therefore takes the art from the G/L account. The setting `art_from` in "
        '`[source.NAME]` of siu.toml controls it: `"gl_account"` (the default for sap) or `"artskonto"` '
        "(the default for the others; the art comes from an artskonto column only). A mapping rule's `art` always "
        "wins.",
    ),
)


# --- limits (bounds on the work one input can cause; siu.base.limits) -------------------------

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
        "Beløbet '{value}' har flere end {digits} {digits|ciffer|cifre} og kan ikke skrives præcist i leverancen; "
        "rækken er ikke læst",
        "The amount '{value}' has more than {digits} {digits|digit|digits} and cannot be written exactly in the "
        "delivery; the row was not read",
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
