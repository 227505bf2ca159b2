"""Finding codes of the deliver stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import Code, define

# --- deliver/diff.py ---------------------------------------------------------------------------

UNREADABLE = define(
    "SIU970",
    "error",
    ("Leverancen kan ikke læses", "Delivery cannot be read"),
    ("{file} kan ikke læses som en SIU-leverance: {reason}", "{file} cannot be read as an SIU delivery: {reason}"),
    (
        "`siu diff` læser leverancer, som siu skriver: XML (system til system) eller DST's Excel-skabelon (IDEP.web).",
        "`siu diff` reads deliveries as siu writes them: XML (system to system) or DST's Excel template (IDEP.web).",
    ),
    group="input",
)

FAR_YEARS = define(
    "SIU971",
    "error",
    ("Årene kan ikke sammenlignes", "Years cannot be compared"),
    (
        "{old_file} er for {old_year} og {new_file} for {new_year}; siu diff sammenligner samme eller to på "
        "hinanden "
        "følgende år",
        "{old_file} is for {old_year} and {new_file} for {new_year}; siu diff compares the same or two consecutive "
        "years",
    ),
    (
        "Sammenlign en leverance med den forrige for samme år (før en genlevering) eller med sidste års.",
        "Compare a delivery with the previous one for the same year (before a re-delivery) or with last year's.",
    ),
    group="input",
)

# --- deliver/send.py ---------------------------------------------------------------------------


def _code(code: str, severity: str, title: tuple[str, str], template: tuple[str, str], doc: tuple[str, str]) -> Code:
    return define(code, severity, title, template, doc, group="output")


NOT_FOUND = _code(
    "SIU950",
    "error",
    ("Leverancen findes ikke", "Delivery not found"),
    ("Filen {file} findes ikke", "The file {file} does not exist"),
    (
        "`siu deliver` sender en fil, som `siu convert` har skrevet. Angiv stien til den.",
        "`siu deliver` sends a file written by `siu convert`. Give the path to it.",
    ),
)

NO_SIDECAR = _code(
    "SIU951",
    "error",
    ("Leverancen er ikke valideret af siu", "Delivery not validated by siu"),
    (
        "{file} har ingen kontrolfil ({sidecar}); kør siu convert igen, så filen valideres, før den sendes",
        "{file} has no check file ({sidecar}); run siu convert again so the file is validated before it is sent",
    ),
    (
        "Hver vellykket `siu convert` lægger en lille kontrolfil (`.siu.json`) ved siden af leverancen med status, "
        "specifikationsversion og filens SHA-256. Uden den ved siu ikke, om filen er kontrolleret, og sender den "
        "ikke.",
        "Every successful `siu convert` leaves a small check file (`.siu.json`) beside the delivery with the "
        "verdict, "
        "the spec pack version and the file's SHA-256. Without it siu cannot tell that the file was checked, and "
        "does "
        "not send it.",
    ),
)

EDITED = _code(
    "SIU952",
    "error",
    ("Leverancen er ændret efter valideringen", "Delivery changed after validation"),
    (
        "{file} er ændret, efter siu validerede den (SHA-256 eller størrelse passer ikke med kontrolfilen); kør "
        "siu "
        "convert igen",
        "{file} was changed after siu validated it (SHA-256 or size differs from the check file); run siu convert "
        "again",
    ),
    (
        "Filens SHA-256 og størrelse sammenlignes med kontrolfilen. En fil, der er redigeret i hånden eller "
        "kopieret "
        "ufuldstændigt, er ikke den fil, siu kontrollerede, og sendes ikke.",
        "The file's SHA-256 and size are compared with the check file. A file edited by hand or copied "
        "incompletely "
        "is not the file siu checked, and is not sent.",
    ),
)

TEST_DELIVERY = _code(
    "SIU967",
    "error",
    ("En testleverance kan ikke indberettes", "A test delivery cannot be submitted"),
    (
        "{file} er lavet med --test (en testleverance); kør siu convert uden --test for den rigtige leverance",
        "{file} was made with --test (a test delivery); run siu convert without --test for the real one",
    ),
    (
        "En testleverance (`siu convert --test`) har DST's testmarkering og må aldrig gå for den rigtige "
        "indberetning, som den ville erstatte. Send den til DST som aftalt for tests, ikke med siu deliver.",
        "A test delivery (`siu convert --test`) carries DST's test marker and must never pass for the real "
        "report, which it would replace. Send it to DST as agreed for tests, not with siu deliver.",
    ),
)

NOT_READY = _code(
    "SIU953",
    "error",
    ("Leverancen er ikke klar", "Delivery not ready"),
    (
        "Kontrolfilen for {file} siger '{verdict}', ikke KLAR; ret fejlene og kør siu convert igen",
        "The check file of {file} says '{verdict}', not KLAR (ready); fix the errors and run siu convert again",
    ),
    (
        "Kun en leverance, som siu har godkendt som KLAR TIL INDBERETNING, sendes.",
        "Only a delivery siu approved as READY FOR SUBMISSION is sent.",
    ),
)

OLD_SPEC = _code(
    "SIU954",
    "error",
    ("Leverancen er lavet efter en anden specifikation", "Delivery made for another spec pack"),
    (
        "{file} er valideret med specifikationen {old}, men siu har nu {new} for {year}; kør siu convert igen",
        "{file} was validated with the spec pack {old}, but siu now has {new} for {year}; run siu convert again",
    ),
    (
        "Når specifikationspakken for året er ændret (ny siu-version, ny kravspecifikation), skal leverancen "
        "laves og kontrolleres igen, før den sendes.",
        "When the year's spec pack has changed (a new siu version, a new requirements specification), the delivery "
        "must be made and checked again before it is sent.",
    ),
)

NO_CHANNEL = _code(
    "SIU955",
    "error",
    ("Leveringskanalen er ikke sat op", "Delivery channel not set up"),
    ("[delivery] i siu.toml mangler {missing}", "[delivery] in siu.toml lacks {missing}"),
    (
        "System-til-system-levering kræver `protocol` (sftp eller ftps), `host` og `user` i `[delivery]` i "
        "siu.toml "
        "(host og mappe har standardværdier fra specifikationspakken, som er foreløbige). Se docs/levering.md.",
        "System-to-system delivery needs `protocol` (sftp or ftps), `host` and `user` in `[delivery]` in siu.toml "
        "(host and folder default to the spec pack's, which are provisional). See docs/delivery.md.",
    ),
)

NO_SECRET = _code(
    "SIU956",
    "error",
    ("Adgangskoden mangler", "Password missing"),
    ("Adgangskoden findes ikke: {where_da}", "The password was not found: {where_en}"),
    (
        "Adgangskoden står aldrig i siu.toml. Sæt `secret_env` til navnet på en miljøvariabel, der holder den, "
        "eller `keyring = true` og gem den i styresystemets nøglering (tjenesten 'siu', brugeren 'bruger@vært').",
        "The password is never in siu.toml. Set `secret_env` to the name of an environment variable holding it, or "
        "`keyring = true` and keep it in the operating system's keyring (service 'siu', user 'user@host').",
    ),
)

NO_KEYRING = _code(
    "SIU957",
    "error",
    ("Nøgleringen kan ikke bruges", "Keyring not usable"),
    ("Nøgleringen kan ikke bruges: {reason_da}", "The keyring cannot be used: {reason_en}"),
    (
        "`keyring = true` kræver pakken keyring (`pip install siu[keyring]`) og en nøglering i styresystemet "
        "(Windows Credential Manager, macOS Keychain, Secret Service på Linux). Ellers brug `secret_env`.",
        "`keyring = true` needs the keyring package (`pip install siu[keyring]`) and a keyring in the operating "
        "system (Windows Credential Manager, macOS Keychain, Secret Service on Linux). Otherwise use `secret_env`.",
    ),
)

LOGIN = _code(
    "SIU958",
    "error",
    ("Log-in afvist", "Login refused"),
    (
        "Serveren {server} afviste log-in for {user}: forkert brugernavn eller adgangskode",
        "The server {server} refused the login for {user}: wrong user name or password",
    ),
    (
        "Tjek brugernavn og adgangskode med DST eller leverandøren. siu prøver ikke igen, så kontoen ikke spærres.",
        "Check user name and password with DST or the vendor. siu does not try again, so that the account is not "
        "locked.",
    ),
)

UNREACHABLE = _code(
    "SIU959",
    "error",
    ("Leveringen mislykkedes", "Delivery failed"),
    (
        "Leveringen til {server} mislykkedes efter {attempts} forsøg på {seconds} s: {error}. Intet er lagt under "
        "det "
        "endelige navn",
        "The delivery to {server} failed after {attempts} {attempts|attempt|attempts} in {seconds} s: {error}. "
        "Nothing is under the final name",
    ),
    (
        "Forbindelsen faldt ud eller serveren svarede ikke. siu prøver igen med stigende pause (`attempts`, "
        "`backoff`, "
        "`max_seconds` i `[delivery]`). Filen lægges under et midlertidigt navn og omdøbes først, når størrelsen "
        "passer, "
        "så der aldrig ligger en halv fil under det endelige navn. Prøv igen senere.",
        "The connection dropped or the server did not answer. siu tries again with growing pauses (`attempts`, "
        "`backoff`, "
        "`max_seconds` in `[delivery]`). The file is uploaded under a temporary name and renamed only when its "
        "size "
        "matches, so a partial file is never under the final name. Try again later.",
    ),
)

EXISTS = _code(
    "SIU960",
    "error",
    ("Filen ligger allerede på serveren", "File already on the server"),
    (
        "{remote} findes allerede på {server}; brug --replace for at erstatte den",
        "{remote} already exists on {server}; use --replace to replace it",
    ),
    (
        "En fil under samme navn ligger stadig på serveren: DST har måske ikke hentet den endnu, eller den er en "
        "kollegas levering. En fuld leverance erstatter den forrige hos DST, men at overskrive en fil, der venter, "
        "er en beslutning: brug `--replace`, når du ved, at den nye skal erstatte den.",
        "A file of the same name is still on the server: DST may not have fetched it yet, or it is a colleague's "
        "delivery. A full load replaces the previous one at DST, but overwriting a file that is waiting is a "
        "decision: use `--replace` when you know the new one must replace it.",
    ),
)

MISMATCH = _code(
    "SIU961",
    "error",
    ("Den sendte fil passer ikke", "Uploaded file does not match"),
    (
        "{remote} på serveren har {what_da} {remote_value}, den lokale fil {local_value}",
        "{remote} on the server has {what_en} {remote_value}, the local file {local_value}",
    ),
    (
        "Efter overførslen sammenlignes størrelsen (og SHA-256, hvor serveren kan beregne den). Passer de ikke, "
        "omdøbes filen ikke, og overførslen prøves igen.",
        "After the transfer the size (and SHA-256 where the server can compute it) is compared. When they differ "
        "the "
        "file is not renamed and the transfer is tried again.",
    ),
)

UNTRUSTED = _code(
    "SIU962",
    "error",
    ("Serveren kan ikke genkendes", "Server not trusted"),
    ("Serveren {server} kan ikke genkendes: {reason}", "The server {server} cannot be trusted: {reason}"),
    (
        "FTPS: serverens certifikat skal være udstedt af en kendt myndighed eller af `ca_file`. SFTP: serverens "
        "nøgle skal stå i `known_hosts` (standard ~/.ssh/known_hosts). Få fingeraftrykket fra DST eller "
        "leverandøren.",
        "FTPS: the server's certificate must be issued by a known authority or by `ca_file`. SFTP: the server's "
        "key "
        "must be in `known_hosts` (default ~/.ssh/known_hosts). Get the fingerprint from DST or the vendor.",
    ),
)

DELIVERED = _code(
    "SIU963",
    "info",
    ("Leveret", "Delivered"),
    (
        "{file} er leveret til {server}:{remote} (SHA-256 {sha256}); kvittering i {receipt}",
        "{file} was delivered to {server}:{remote} (SHA-256 {sha256}); receipt in {receipt}",
    ),
    (
        "Leverancen er lagt på serveren under det endelige navn, og kvitteringen (JSON og tekst) er gemt i arkivet "
        "sammen med filen og dens rapporter. `siu history` viser arkivet.",
        "The delivery is on the server under its final name, and the receipt (JSON and text) is kept in the "
        "archive "
        "with the file and its reports. `siu history` lists the archive.",
    ),
)

NO_ARCHIVE = _code(
    "SIU964",
    "error",
    ("Kvitteringen kunne ikke gemmes", "Receipt could not be kept"),
    (
        "Leverancen er sendt, men arkivet {folder} kan ikke skrives: {reason}. Kvitteringen følger her: {receipt}",
        "The delivery was sent, but the archive {folder} cannot be written: {reason}. The receipt follows: {receipt}",
    ),
    (
        "Filen er leveret, men kvitteringen kunne ikke gemmes i arkivet (`[delivery] archive`). Gem teksten, og "
        "ret "
        "adgangen til mappen.",
        "The file was delivered, but the receipt could not be kept in the archive (`[delivery] archive`). Keep the "
        "text, and fix the access to the folder.",
    ),
)

REFUSED = _code(
    "SIU965",
    "error",
    ("Serveren afviste handlingen", "Server refused the operation"),
    ("Serveren {server} afviste {operation}: {error}", "The server {server} refused {operation}: {error}"),
    (
        "Serveren svarede med en varig fejl (fx ingen skriveadgang til mappen). Tjek mappen og rettighederne med DST.",
        "The server answered with a permanent error (e.g. no write access to the folder). Check the folder and the "
        "rights with DST.",
    ),
)

EMPTY_ARCHIVE = _code(
    "SIU966",
    "info",
    ("Arkivet er tomt", "Archive empty"),
    ("Arkivet {folder} har ingen leverancer endnu", "The archive {folder} holds no deliveries yet"),
    (
        "Arkivet fyldes af `siu deliver`: én mappe pr. levering med fil, rapporter og kvittering.",
        "The archive is filled by `siu deliver`: one folder per delivery with file, reports and receipt.",
    ),
)
