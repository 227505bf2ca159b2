"""Finding codes of the web stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

# --- web/messages.py ---------------------------------------------------------------------------

NOT_SPREADSHEET = define(
    "SIU980",
    "error",
    ("Filen er ikke et regneark eller en CSV-fil", "The file is not a spreadsheet or a CSV file"),
    (
        "{file} er hverken et regneark (xlsx, xlsm) eller en tekstfil (csv, txt); filen er ikke gemt",
        "{file} is neither a spreadsheet (xlsx, xlsm) nor a text file (csv, txt); the file was not kept",
    ),
    (
        "siu web tager kun imod udtræk som regneark (.xlsx, .xlsm) eller tekst (.csv, .txt, .tsv). Filens navn "
        "og indhold skal passe sammen: et regneark skal være en Excel-projektmappe, en tekstfil må ikke indeholde "
        "binære data. Gem udtrækket fra Opus, SAP eller Excel i et af de formater og prøv igen.",
        "siu web accepts exports only as spreadsheets (.xlsx, .xlsm) or text (.csv, .txt, .tsv). The name and the "
        "content must agree: a spreadsheet must be an Excel workbook, a text file must hold no binary data. Save the "
        "export from Opus, SAP or Excel in one of these formats and try again.",
    ),
)

TOO_LARGE = define(
    "SIU981",
    "error",
    ("Filen er for stor", "The file is too large"),
    (
        "{file} er større end grænsen på {limit} MB pr. fil; filen er ikke gemt",
        "{file} is larger than the limit of {limit} MB per file; the file was not kept",
    ),
    (
        "siu web tager imod filer op til en fast størrelse (200 MB som standard, `siu web --max-upload`). Større "
        "udtræk konverteres med `siu convert` på kommandolinjen, der læser filen direkte fra disken.",
        "siu web accepts files up to a fixed size (200 MB by default, `siu web --max-upload`). Convert larger "
        "exports with `siu convert` on the command line, which reads the file straight from disk.",
    ),
)

CANCELLED = define(
    "SIU982",
    "warning",
    ("Kørslen blev afbrudt", "The run was cancelled"),
    (
        "Kørslen blev afbrudt efter {rows} {rows|linje|linjer}; der er ikke skrevet nogen leverance",
        "The run was cancelled after {rows} {rows|line|lines}; no delivery was written",
    ),
    (
        "Du trykkede Afbryd. En afbrudt kørsel efterlader ingen leverance og ingen rapport.",
        "You pressed Cancel. A cancelled run leaves no delivery and no report.",
    ),
)

NO_TOKEN = define(
    "SIU983",
    "error",
    ("Adgang nægtet: nøglen mangler eller er forkert", "Access denied: the token is missing or wrong"),
    (
        "Adgang nægtet. Åbn den adresse med nøgle (?token=...), som `siu web` skrev, da den startede",
        "Access denied. Open the address with the token (?token=...) that `siu web` printed when it started",
    ),
    (
        "siu web svarer kun på forespørgsler med den engangsnøgle, den lavede ved start. Så kan andre programmer "
        "og hjemmesider på maskinen ikke bruge siden eller se dine filer.",
        "siu web answers only requests that carry the one-time token it made at start. So other programs and web "
        "sites on the machine cannot use the page or see your files.",
    ),
)

FOREIGN_ORIGIN = define(
    "SIU984",
    "error",
    ("Forespørgsel fra en anden side afvist", "Request from another site refused"),
    (
        "Forespørgslen kom fra {origin} og ikke fra siu web selv; den er afvist",
        "The request came from {origin}, not from siu web itself; it was refused",
    ),
    (
        "siu web tager kun imod forespørgsler fra sin egen side (127.0.0.1 eller localhost på sin egen port). "
        "Det beskytter mod hjemmesider, der forsøger at sende data til siden (cross-site request forgery og "
        "DNS rebinding).",
        "siu web accepts requests only from its own page (127.0.0.1 or localhost on its own port). This guards "
        "against web sites that try to send data to the page (cross-site request forgery and DNS rebinding).",
    ),
)

RUN_FAILED = define(
    "SIU985",
    "error",
    ("Kørslen kunne ikke gennemføres", "The run could not be completed"),
    ("{reason}", "{reason}"),
    (
        "Kørslen stoppede, før der var en rapport: typisk en indstilling, der mangler eller er forkert "
        "(kommune, år, område, tilknytningsfil), eller en kilde, der ikke kan afgøres. Meddelelsen siger "
        "hvad; ret det og kør igen.",
        "The run stopped before there was a report: typically a setting that is missing or wrong "
        "(municipality, year, area, mapping file), or a source that cannot be told. The message says what; "
        "fix it and run again.",
    ),
)

NOT_TOML = define(
    "SIU986",
    "error",
    ("Indstillingsfilen er ikke gyldig TOML", "The settings file is not valid TOML"),
    (
        "{file} kan ikke bruges som {what}: det er ikke en gyldig TOML-fil",
        "{file} cannot be used as {what}: it is not a valid TOML file",
    ),
    (
        "Tilknytningsfilen (mapping.toml) og siu.toml er tekstfiler i TOML-format; se docs/mapping.md.",
        "The mapping file (mapping.toml) and siu.toml are text files in TOML format; see docs/mapping.md.",
    ),
)

UNKNOWN = define(
    "SIU987",
    "error",
    ("Findes ikke (længere)", "Not found (any more)"),
    (
        "Siden eller filen findes ikke; sessionen kan være afsluttet",
        "The page or file does not exist; the session may have ended",
    ),
    (
        "Når en session afsluttes, eller siu web stoppes, slettes sessionens filer og resultater.",
        "When a session ends, or siu web stops, the session's files and results are deleted.",
    ),
)

INTERNAL = define(
    "SIU988",
    "error",
    ("Intern fejl i kørslen", "Internal error in the run"),
    ("Intern fejl i siu under kørslen: {reason}", "Internal error in siu during the run: {reason}"),
    (
        "En fejl i siu selv (eller i et plugin). Meddelelsen er maskeret for CPR-numre. Kør gerne det samme "
        "med `siu convert` og `SIU_DEBUG=1`, og meld fejlen.",
        "A bug in siu itself (or in a plugin). The message is masked for CPR numbers. Run the same with "
        "`siu convert` and `SIU_DEBUG=1`, and report the bug.",
    ),
)
