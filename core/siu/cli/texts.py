"""Every text of the command line's help, in Danish and English: one table, plain data.

``OPTION_HELP`` and ``METAVARS`` are keyed by an option's long name (``--strict``) or an
argument's name (``inputs``); a key ``"COMMAND PATH|NAME"`` (``"demo|--out"``) overrides the plain
key for one command. ``COMMAND_HELP`` is keyed by the command's path (``""`` for ``siu`` itself).
``FRAMEWORK_DA`` translates typer's and click's own texts (headings, ``Usage:``, errors), which
they only have in English. Values are ``(Danish, English)``.
"""

from __future__ import annotations

Texts = tuple[str, str]

_CONFIG = ("siu.toml at læse (standard: ./siu.toml)", "siu.toml to read (default: ./siu.toml)")
_SPEC_DIR = ("Mappe med en specifikationspakke", "Folder with a spec pack")

OPTION_HELP: dict[str, Texts] = {
    # --- what is read --------------------------------------------------------------------------
    "inputs": (
        "Udtræk at læse; KILDE:FIL vælger kilden for én fil (fx opus:udtraek.csv)",
        "Exports to read; SOURCE:FILE chooses the source for one file (e.g. opus:export.csv)",
    ),
    "--source": (
        "Kildeformat for alle filer: opus, sap, excel, csv (se siu plugins)",
        "Source format for every file: opus, sap, excel, csv (see siu plugins)",
    ),
    "--encoding": (
        "Tegnsæt, når siu gætter forkert (fx cp1252 eller utf-8)",
        "Character encoding when siu guesses wrong (e.g. cp1252 or utf-8)",
    ),
    "--delimiter": (
        "Skilletegn i en tekstfil: ; , | eller tab",
        "Delimiter of a text file: ; , | or tab",
    ),
    "--decimal": ("Decimaltegn i beløb: , eller .", "Decimal mark of amounts: , or ."),
    "--sheet": ("Arket i et Excel-regneark, der skal læses", "The sheet of an Excel workbook to read"),
    "--columns": (
        "Kolonnekort (TOML) til --source csv: hvilken kolonne er hvad",
        "Column map (TOML) for --source csv: which column is which",
    ),
    # --- what is delivered ---------------------------------------------------------------------
    "--year": ("Regnskabsåret (standard: year i siu.toml)", "The reporting year (default: year in siu.toml)"),
    "--kommune": (
        "Kommunekoden, 3 cifre (standard: kommune i siu.toml)",
        "The municipality code, 3 digits (default: kommune in siu.toml)",
    ),
    "--area": (
        "Område: voksen, boern eller begge (standard: ud fra paragrafferne)",
        "Area: voksen (adults), boern (children) or begge (both) (default: from the paragraphs)",
    ),
    "--mapping": (
        "Tilknytningsfilen fra lokale konti til kontostrenge (standard: mapping i siu.toml)",
        "The mapping file from local accounts to account strings (default: mapping in siu.toml)",
    ),
    "--out": ("Filen eller mappen, leverancen skrives i", "The file or folder the delivery is written to"),
    "--format": (
        "Leveranceformat: xml (system til system) eller xlsx (Excel-skabelonen til IDEP.web)",
        "Delivery format: xml (system to system) or xlsx (the Excel template for IDEP.web)",
    ),
    "--spec-dir": _SPEC_DIR,
    "--aggregate": (
        "Læg fakturaer med sammenhængende perioder sammen til én linje (--no-aggregate: lad være)",
        "Sum invoices with contiguous periods into one line (--no-aggregate: do not)",
    ),
    "--split": (
        "Skriv én fil pr. område (medfører --area begge)",
        "Write one file per area (implies --area begge)",
    ),
    "--test": (
        "Testleverance (fx sidste års data), mærket som test og ikke til indberetning",
        "Test delivery (e.g. last year's data), marked as a test and not for submission",
    ),
    "--strict": (
        "Advarsler stopper også leverancen, ikke kun fejl",
        "Warnings stop the delivery too, not only errors",
    ),
    # --- checks and reports --------------------------------------------------------------------
    "--accounts": (
        "Saldobalance (CSV eller xlsx) at afstemme leverancen med, funktion for funktion",
        "Trial balance (CSV or xlsx) to reconcile the delivery with, function by function",
    ),
    "--tolerance": (
        "Tilladt afvigelse i kr. pr. funktion ved afstemningen (kræver --accounts)",
        "Allowed difference in DKK per function in the reconciliation (needs --accounts)",
    ),
    "--mad-k": (
        "Hvor langt fra det typiske en årsudgift må ligge, før den kaldes ekstrem (median ± k·MAD)",
        "How far from the typical a yearly expenditure may be before it is called extreme (median ± k·MAD)",
    ),
    "--report-json": ("Skriv alle fund i en JSON-fil", "Write every finding to a JSON file"),
    "--report-xlsx": ("Skriv alle fund i en Excel-projektmappe", "Write every finding to an Excel workbook"),
    "--quiet": ("Ingen rapport på skærmen", "No report on screen"),
    "--json": ("Skriv resultatet som JSON", "Write the result as JSON"),
    # --- general -------------------------------------------------------------------------------
    "--config": _CONFIG,
    "--lang": ("Sprog: da (dansk) eller en (engelsk)", "Language: da (Danish) or en (English)"),
    "convert|--lang": (
        "Sprog: da eller en (standard: lang i siu.toml, ellers da)",
        "Language: da or en (default: lang in siu.toml, else da)",
    ),
    "validate|--lang": (
        "Sprog: da eller en (standard: lang i siu.toml, ellers da)",
        "Language: da or en (default: lang in siu.toml, else da)",
    ),
    "--no-plugins": (
        "Brug kun siu's egne plugins, ingen installerede eller lokale",
        "Use only siu's own plugins, no installed or local ones",
    ),
    "--help": ("Vis denne hjælp og afslut", "Show this help and exit"),
    "--version": ("Vis siu's version og afslut", "Show siu's version and exit"),
    "--force": ("Overskriv filer, der findes i forvejen", "Overwrite files that already exist"),
    # --- one command each ----------------------------------------------------------------------
    "init|--kommune": ("Kommunekoden, 3 cifre (fx 101)", "The municipality code, 3 digits (e.g. 101)"),
    "init|--year": ("Regnskabsåret (fx 2025)", "The reporting year (e.g. 2025)"),
    "--demo": (
        "Kopiér også demoens udtræk, tilknytningsfil og saldobalance hertil (export.csv, mapping.toml, "
        "saldobalance.csv)",
        "Also copy the demo's export, mapping file and trial balance here (export.csv, mapping.toml, saldobalance.csv)",
    ),
    "demo|--out": ("Mappen, demo-leverancen skrives i", "The folder the demo delivery is written to"),
    "demo|--format": ("Format: xml eller xlsx", "Format: xml or xlsx"),
    "--port": ("Port på 127.0.0.1 (0: en ledig port)", "Port on 127.0.0.1 (0: a free port)"),
    "--no-browser": ("Åbn ikke browseren; skriv kun adressen", "Do not open the browser; only print the address"),
    "--max-upload": ("Største fil, der kan lægges op, i MB", "Largest file that can be uploaded, in MB"),
    "delivery": ("Leverancen, skrevet af siu convert", "The delivery written by siu convert"),
    "--replace": (
        "Erstat en fil med samme navn på DST's server",
        "Replace a file of the same name on DST's server",
    ),
    "diff|old": ("Den forrige leverance (XML eller xlsx)", "The previous delivery (XML or xlsx)"),
    "diff|new": ("Den nye leverance (XML eller xlsx)", "The new delivery (XML or xlsx)"),
    "diff|--report-json": ("Skriv forskellen i en JSON-fil", "Write the difference to a JSON file"),
    "diff|--report-xlsx": ("Skriv forskellen i en Excel-projektmappe", "Write the difference to an Excel workbook"),
    "code": ("Fundkoden, fx SIU101", "The finding code, e.g. SIU101"),
    "year": ("Regnskabsåret", "The reporting year"),
    "specs diff|old": ("Året at sammenligne fra", "The year to compare from"),
    "specs diff|new": ("Året at sammenligne med", "The year to compare with"),
    "--from-xsd": ("DST's XSD for året", "DST's XSD for the year"),
    "--template": ("DST's Excel-skabelon for året", "DST's Excel template for the year"),
    "specs new|--out": (
        "Mappen, pakken skrives i (standard: ./siu-spec-ÅR)",
        "The folder the pack is written to (default: ./siu-spec-YEAR)",
    ),
    "--base": (
        "Pakken at bygge videre på (standard: årets eller den seneste før)",
        "The pack to build on (default: the year's or the latest before it)",
    ),
    "folder": _SPEC_DIR,
    "mapping init|--out": ("Tilknytningsfilen, der skrives", "The mapping file to write"),
    "mapping init|--mapping": (
        "Eksisterende tilknytningsfil: tag kun det med, den ikke dækker",
        "Existing mapping file: list only what it does not cover",
    ),
    "mapping init|--force": ("Overskriv en eksisterende fil", "Overwrite an existing file"),
}

# Placeholders in words. Flags have none (``--strict``, not ``--strict BOOL``).
_FILE, _FOLDER, _YEAR, _CODE, _TEXT = (
    ("FIL", "FILE"),
    ("MAPPE", "FOLDER"),
    ("ÅR", "YEAR"),
    ("KODE", "CODE"),
    (
        "TEKST",
        "TEXT",
    ),
)
METAVARS: dict[str, Texts] = {
    "inputs": ("FIL", "FILE"),
    "--source": ("KILDE", "SOURCE"),
    "--encoding": ("TEGNSÆT", "ENCODING"),
    "--delimiter": ("TEGN", "CHARACTER"),
    "--decimal": ("TEGN", "CHARACTER"),
    "--sheet": ("ARK", "SHEET"),
    "--columns": _FILE,
    "--year": _YEAR,
    "--kommune": _CODE,
    "--area": ("OMRÅDE", "AREA"),
    "--mapping": _FILE,
    "--out": ("FIL|MAPPE", "FILE|FOLDER"),
    "--format": ("FORMAT", "FORMAT"),
    "--spec-dir": _FOLDER,
    "--accounts": _FILE,
    "--tolerance": ("KR", "DKK"),
    "--mad-k": ("TAL", "NUMBER"),
    "--report-json": _FILE,
    "--report-xlsx": _FILE,
    "--config": _FILE,
    "--lang": ("SPROG", "LANGUAGE"),
    "demo|--out": _FOLDER,
    "--port": ("PORT", "PORT"),
    "--max-upload": ("MB", "MB"),
    "delivery": _FILE,
    "diff|old": _FILE,
    "diff|new": _FILE,
    "code": _CODE,
    "year": _YEAR,
    "specs diff|old": _YEAR,
    "specs diff|new": _YEAR,
    "--from-xsd": _FILE,
    "--template": _FILE,
    "specs new|--out": _FOLDER,
    "--base": _YEAR,
    "folder": _FOLDER,
    "mapping init|--out": _FILE,
    "mapping init|--mapping": _FILE,
    "text": _TEXT,
}

COMMAND_HELP: dict[str, Texts] = {
    "": (
        "siu: indberetning af individhenførbare udgifter (SIU) til Danmarks Statistik.",
        "siu: reporting individually attributable expenditure (SIU) to Statistics Denmark.",
    ),
    "convert": ("Konvertér udtræk til en SIU-leverance.", "Convert exports into an SIU delivery."),
    "validate": ("Kontrollér udtræk uden at skrive noget.", "Check exports without writing anything."),
    "init": (
        "Skriv en siu.toml med forklaringer i denne mappe (med --demo også eksempeldata).",
        "Write a siu.toml with explanations into this folder (with --demo example data too).",
    ),
    "demo": ("Kør en konvertering på medfølgende eksempeldata.", "Run a conversion on bundled example data."),
    "web": ("Åbn siu i browseren på denne computer.", "Open siu in the browser on this computer."),
    "deliver": (
        "Send en valideret leverance til DST (system til system). Slutkode 0: leveret (kvittering i arkivet); "
        "2: afvist eller fejlet (intet under det endelige navn).",
        "Send a validated delivery to DST (system to system). Exit code 0: delivered (receipt in the archive); "
        "2: refused or failed (nothing under the final name).",
    ),
    "history": ("Vis arkivet af leverancer.", "List the archive of deliveries."),
    "diff": (
        "Sammenlign to leverancer (samme år eller to år i træk).",
        "Compare two deliveries (the same year or consecutive years).",
    ),
    "plugins": (
        "Vis plugins, deres version og hvad de leverer. Slutkode 2, når to plugins gør krav på samme kilde eller "
        "format.",
        "Show plugins, their versions and what they provide. Exit code 2 when two plugins claim one source or writer.",
    ),
    "explain": ("Forklar en fundkode.", "Explain a finding code."),
    "specs": ("Specifikationspakker pr. regnskabsår.", "Spec packs per reporting year."),
    "specs list": ("Vis de tilgængelige pakker.", "List the available packs."),
    "specs show": (
        "Vis hvad en pakke indeholder, og hvad der er foreløbigt.",
        "Show what a pack holds and what is provisional.",
    ),
    "specs diff": ("Vis forskellen mellem to års pakker.", "Show what changed between two years' packs."),
    "specs new": (
        "Lav en pakke ud fra DST's egen XSD (og Excel-skabelon).",
        "Make a pack from DST's own XSD (and Excel template).",
    ),
    "specs check": (
        "Kontrollér en pakke: indlæs den og skriv en prøveleverance mod dens XSD.",
        "Check a pack: load it and write a sample delivery against its XSD.",
    ),
    "mapping": (
        "Tilknytning af lokale konti til kontostrenge.",
        "Mapping of local accounts to account strings.",
    ),
    "mapping init": (
        "Lav et udkast til en tilknytningsfil ud fra udtræk.",
        "Draft a mapping file from exports.",
    ),
    "mapping check": (
        "Vis posteringer uden tilknytning og posteringer, flere regler passer på.",
        "Show postings no rule maps and postings several rules match.",
    ),
}

# typer's and click's own texts, which exist only in English: Danish for each.
FRAMEWORK_DA: dict[str, str] = {
    "Usage: ": "Brug: ",
    "Arguments": "Argumenter",
    "Options": "Tilvalg",
    "Commands": "Kommandoer",
    "Error": "Fejl",
    "Aborted.": "Afbrudt.",
    "[default: {}]": "[standard: {}]",
    "[required]": "[påkrævet]",
    "[env var: {}]": "[miljøvariabel: {}]",
    "(deprecated) ": "(udgået) ",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Prøv [blue]'{command_path} {help_option}'[/] for hjælp.",
}

# click's and typer's error messages: (regular expression, Danish replacement), all applied in order.
ERRORS_DA: list[tuple[str, str]] = [
    (r"No such option: ", "Ukendt tilvalg: "),
    (r"No such command '(.+?)'", r"Ukendt kommando: '\1'"),
    (r"\.? ?Did you mean (.+)\?", r". Mente du \1?"),
    (r"\(Possible options: (.+)\)", r"(mulige tilvalg: \1)"),
    (r"Missing argument '(.+)'\.", r"Mangler argumentet '\1'."),
    (r"Missing option '(.+)'\.", r"Mangler tilvalget '\1'."),
    (r"Missing command\.", "Mangler en kommando."),
    (r"Missing parameter: (.+)", r"Mangler: \1"),
    (r"Option '(.+)' requires an argument\.", r"Tilvalget '\1' skal have en værdi."),
    (r"Option '(.+)' requires (\d+) arguments\.", r"Tilvalget '\1' skal have \2 værdier."),
    (r"Option '(.+)' does not take a value\.", r"Tilvalget '\1' tager ingen værdi."),
    (r"Got unexpected extra arguments? \((.+)\)", r"Uventede ekstra argumenter: (\1)"),
    (r"Invalid value for (.+?): ", r"Ugyldig værdi for \1: "),
    (r"Invalid value: ", "Ugyldig værdi: "),
    (r"(?:Value )?'(.*)' is not a valid integer\.", r"'\1' er ikke et helt tal."),
    (r"(?:Value )?'(.*)' is not a valid float\.", r"'\1' er ikke et tal."),
    (r"(?:Value )?'(.*)' is not a valid (.+)\.", r"'\1' er ikke en gyldig værdi."),
    (r"'(.*)' is not one of (.+)\.", r"'\1' er ikke en af \2."),
    (r"\w+ '(.*)' does not exist\.", r"'\1' findes ikke."),
]
