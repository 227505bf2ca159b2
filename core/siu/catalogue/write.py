"""Finding codes of the write stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- write/safeio.py ---------------------------------------------------------------------------

STALE_REMOVED = define(
    "SIU903",
    "info",
    ("Rester fra en afbrudt kørsel fjernet", "Leftovers of an interrupted run removed"),
    (
        "{count} {count|midlertidig fil|midlertidige filer} fra en tidligere, afbrudt kørsel af siu er fjernet fra "
        "{folder}",
        "{count} {count|temporary file|temporary files} of an earlier, interrupted siu run {count|was|were} removed "
        "from {folder}",
    ),
    (
        "En kørsel, der blev stoppet hårdt (fx SIGKILL eller strømsvigt), kan efterlade midlertidige filer "
        "(`.siu-tmp-…`) i outputmappen; de kan indeholde CPR-numre. siu genkender sine egne, ser at ingen kørsel "
        "bruger dem længere, og fjerner dem. Intet at gøre, men undersøg gerne, hvorfor kørslen blev afbrudt.",
        "A run that was stopped hard (e.g. SIGKILL or a power cut) can leave temporary files (`.siu-tmp-…`) in the "
        "output folder; they may hold CPR numbers. siu recognises its own, sees that no run uses them any more and "
        "removes them. Nothing to do, but you may want to find out why the run was stopped.",
    ),
    group="output",
)

# --- write/split.py ----------------------------------------------------------------------------

NO_AREA = define(
    "SIU620",
    "error",
    ("Linje uden område", "Line without an area"),
    (
        "Linjen har ingen paragraf i specifikationen og kan ikke placeres i en fil pr. område",
        "The line has no paragraph of the specification and cannot be placed in a per-area file",
    ),
    (
        "Med `--split` skrives én fil pr. område; området følger af linjens paragraf. En linje uden kendt "
        "paragraf kan ikke placeres. Ret kontoen eller tilknytningsfilen, så linjen får en paragraf.",
        "With `--split` one file per area is written; the area follows from the line's paragraph. A line "
        "without a known paragraph cannot be placed. Fix the account or the mapping file so the line gets a paragraph.",
    ),
    group="output",
)

EMPTY_AREA = define(
    "SIU621",
    "warning",
    ("Tom fil for et område", "Empty file for an area"),
    (
        "Området {area} har ingen linjer; {file} er en tom fuld leverance, der erstatter tidligere data for området",
        "The area {area} has no lines; {file} is an empty full load that replaces earlier data for the area",
    ),
    (
        "Hver fil er en fuld leverance for sit område og erstatter alt, der tidligere er leveret for året og "
        "området. En tom fil betyder derfor 'ingen udgifter'. Tjek, at alle input er med, eller lever kun de "
        "områder, der har data (`--area voksen` eller `--area boern`).",
        "Every file is a full load for its area and replaces everything delivered earlier for the year and "
        "area. An empty file therefore means 'no expenditure'. Check that every input is included, or deliver "
        "only the areas that have data (`--area voksen` or `--area boern`).",
    ),
    group="output",
)

# --- write/testdelivery.py ---------------------------------------------------------------------

TEST_SUMMARY = define(
    "SIU445",
    "info",
    ("Testleverance", "Test delivery"),
    (
        "Testleverance i formatet for {year}: {outside} {outside|linje|linjer} med perioder uden for {year} er "
        "accepteret "
        "({years}); de meldes ikke enkeltvis. Filen er mærket som test ({marker}) og må ikke indberettes som den "
        "rigtige",
        "Test delivery in the {year} format: {outside} {outside|line|lines} with periods outside {year} "
        "{outside|is|are} accepted ({years}); "
        "{outside|it is|they are} not reported one by one. The file is marked as a test ({marker}) and must not be "
        "submitted as the real one",
    ),
    (
        "DST tager gerne imod test med sidste års data. Med --test skrives leverancen i formatet for det år, "
        "--year angiver, og linjer med perioder uden for året (SIU113, SIU011, SIU405) samles i dette ene fund. "
        "Leverancen mærkes som specifikationspakkens `[test]` siger (filnavnets præfiks og et felt i "
        "leverancens hoved), så den aldrig kan forveksles med den rigtige.",
        "DST welcomes tests with last year's data. With --test the delivery is written in the format of the year "
        "--year gives, and lines with periods outside that year (SIU113, SIU011, SIU405) are summed up in this one "
        "finding. The delivery is marked as the spec pack's `[test]` says (a file name prefix and a field in the "
        "delivery's header), so it can never be mistaken for the real one.",
    ),
    group="output",
)

# --- write/xml.py ------------------------------------------------------------------------------

XSD_INVALID = define(
    "SIU901",
    "error",
    ("Leverancen overholder ikke XSD'en", "Delivery does not match the XSD"),
    (
        "Den skrevne XML overholder ikke specifikationens XSD: {detail}",
        "The XML written does not match the specification's XSD: {detail}",
    ),
    (
        "siu validerer hver XML-leverance mod XSD'en i årets specifikationspakke, før filen gemmes. "
        "Fejlen betyder normalt, at en værdi (fx et beløb med for mange decimaler) ikke er tilladt; "
        "ret kildelinjen eller kontakt udviklerne, hvis fejlen skyldes siu.",
        "siu validates every XML delivery against the XSD of the year's spec pack before the file is "
        "kept. The error usually means a value (e.g. an amount with too many decimals) is not allowed; "
        "fix the source line, or report it when siu is at fault.",
    ),
    group="output",
)
