"""Finding codes of the check stage: the reconciliation with the accounts (--accounts, check/reconcile.py).

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

# --- check/reconcile.py ------------------------------------------------------------------------

RECONCILED = define(
    "SIU500",
    "info",
    ("Afstemt med regnskabet", "Reconciled with the accounts"),
    (
        "Afstemt med {file}: {functions} {functions|funktion|funktioner} sammenlignet, {differences} "
        "{differences|afvigelse|afvigelser} over {tolerance} kr.; "
        "{ignored} {ignored|række|rækker} uden for SIU ignoreret",
        "Reconciled with {file}: {functions} {functions|function|functions} compared, {differences} "
        "{differences|difference|differences} above {tolerance} DKK; {ignored} {ignored|row|rows} outside SIU ignored",
    ),
    (
        "Vises, når --accounts er givet, så det fremgår af rapporten, at afstemningen er foretaget og mod hvilken fil. "
        "Rækker for funktioner eller dranst uden for årets SIU-kontoplan og interne arter (9) indgår ikke.",
        "Shown when --accounts is given, so the report states that the reconciliation was made and against which "
        "file. Rows for functions or dranst outside the year's SIU chart and internal arts (9) are left out.",
    ),
    group="reconciliation",
)

ACCOUNTS_UNREADABLE = define(
    "SIU502",
    "error",
    ("Regnskabsfilen kan ikke læses", "Accounts file unreadable"),
    ("{detail_da}", "{detail_en}"),
    (
        "Filen givet med --accounts skal være en saldobalance som CSV eller xlsx med kolonnerne Funktion "
        "(funktion eller hele kontostrengen), Art (kan udelades, når funktionskolonnen rummer hele "
        "kontostrenge), Beløb eller Debet/Kredit (indtægter negative) og evt. Dranst. Mangler en kolonne, "
        "afstemningen kræver, eller kan ingen række læses, nævner fundet kolonnen eller årsagen; afstemningen "
        "er da ikke foretaget, og leverancen skrives ikke.",
        "The file given with --accounts must be a trial balance as CSV or xlsx with the columns Funktion (the "
        "function or the whole account string), Art (may be left out when the function column holds whole "
        "account strings), Beløb or Debet/Kredit (revenue negative) and optionally Dranst. When a column the "
        "reconciliation needs is missing, or no row can be read, the finding names the column or the reason; "
        "no reconciliation was made then, and no delivery is written.",
    ),
    group="reconciliation",
)

ACCOUNTS_ROW_UNREADABLE = define(
    "SIU503",
    "warning",
    ("Række i regnskabsfilen kan ikke læses", "Row in the accounts file unreadable"),
    ("Rækken indgår ikke i afstemningen: {reason}", "The row is left out of the reconciliation: {reason}"),
    (
        "En række i regnskabsfilen har en funktion, art eller et beløb, der ikke kan læses. Rækken indgår ikke i "
        "afstemningen, så afvigelserne for dens funktion kan være misvisende. Sumlinjer og overskrifter (uden "
        "cifre i funktionskolonnen) springes over uden fund.",
        "A row of the accounts file has a function, art or amount that cannot be read. The row is left out of the "
        "reconciliation, so the differences for its function may mislead. Subtotal and heading rows (no digits "
        "in the function column) are skipped without a finding.",
    ),
    group="reconciliation",
)

define(
    "SIU501",
    "warning",
    ("Afvigelse fra regnskabet", "Difference from the accounts"),
    (
        "Funktion {function}, {kind_da}: leverancen har {delivered} kr., regnskabet {booked} kr. (forskel "
        "{difference} kr.)",
        "Function {function}, {kind_en}: the delivery has {delivered} DKK, the accounts {booked} DKK (difference "
        "{difference} DKK)",
    ),
    (
        "Med `--accounts FIL` sammenlignes leverancens udgifter og indtægter pr. funktion med kommunens "
        "regnskab (en saldobalance som CSV eller xlsx med kolonnerne Funktion, evt. Dranst, Art og Beløb eller "
        "Debet/Kredit, indtægter negative). Hver forskel større end tolerancen (`--tolerance`, "
        "`[validation] tolerance`, standard 1 kr.) er et fund. Forskelle kan være rigtige, fx lønudgifter, der "
        "ikke hører til en borger, men de skal kunne forklares, før DST godkender tallene.",
        "With `--accounts FILE` the delivery's expenditure and revenue per function are compared with the "
        "municipality's accounts (a trial balance as CSV or xlsx with the columns Funktion, optionally Dranst, Art "
        "and Beløb or Debet/Kredit, revenue negative). Every difference larger than the tolerance (`--tolerance`, "
        "`[validation] tolerance`, default 1 DKK) is a finding. Differences can be right, e.g. wages not tied to "
        "a citizen, but they must be explained before DST approves the figures.",
    ),
    group="delivery",
)
