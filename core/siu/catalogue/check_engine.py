"""Finding codes of the check stage: the rule engine (rules.py).

Part of siu's one catalogue; see :mod:`siu.catalogue`.
"""

from __future__ import annotations

from siu.catalogue._code import define

# --- rules.py ----------------------------------------------------------------------------------

RECORD_RULE_FAILED = define(
    "SIU190",
    "error",
    ("En linjeregel fejlede", "A record rule failed"),
    (
        "Reglen {rule} ({code}) fejlede ved denne linje og er slået fra resten af kørslen: {error}",
        "The rule {rule} ({code}) failed on this line and is switched off for the rest of the run: {error}",
    ),
    (
        "En valideringsregel (typisk fra et plugin) rejste en uventet fejl. Reglen er ikke kørt på de "
        "følgende linjer, så valideringen er ufuldstændig, og leverancen skrives ikke. Meld fejlen til "
        "regelens udvikler (se `siu plugins`), eller slå pluginnet fra med SIU_DISABLE_PLUGINS.",
        "A validation rule (usually from a plugin) raised an unexpected error. The rule did not run on the "
        "following lines, so validation is incomplete and no delivery is written. Report it to the rule's "
        "developer (see `siu plugins`), or switch the plugin off with SIU_DISABLE_PLUGINS.",
    ),
    group="record",
)

DELIVERY_RULE_FAILED = define(
    "SIU490",
    "error",
    ("En leveranceregel fejlede", "A delivery rule failed"),
    (
        "Reglen {rule} ({code}) fejlede og er ikke gennemført: {error}",
        "The rule {rule} ({code}) failed and did not complete: {error}",
    ),
    (
        "En regel for hele leverancen (typisk fra et plugin) rejste en uventet fejl, så valideringen er "
        "ufuldstændig, og leverancen skrives ikke. Meld fejlen til regelens udvikler.",
        "A rule for the whole delivery (usually from a plugin) raised an unexpected error, so validation is "
        "incomplete and no delivery is written. Report it to the rule's developer.",
    ),
    group="delivery",
)

UNKNOWN_OVERRIDE = define(
    "SIU191",
    "warning",
    ("Ukendt kode i [severity]", "Unknown code in [severity]"),
    (
        "siu.toml ændrer alvoren for {value}, men den kode findes ikke; ændringen har ingen virkning",
        "siu.toml changes the severity of {value}, but no such code exists; the change has no effect",
    ),
    (
        'Afsnittet `[severity]` i siu.toml ændrer alvoren for fundkoder (fx `SIU130 = "error"`). En kode, '
        "som hverken siu eller et indlæst plugin kender, er næsten altid en stavefejl. Se `siu explain KODE` "
        "og docs/rules.md.",
        'The `[severity]` section of siu.toml changes the severity of finding codes (e.g. `SIU130 = "error"`). '
        "A code neither siu nor a loaded plugin knows is almost always a typo. See `siu explain CODE` and "
        "docs/rules.md.",
    ),
    group="record",
)

LOCKED_OVERRIDE = define(
    "SIU192",
    "warning",
    ("Alvoren kan ikke sænkes", "Severity cannot be lowered"),
    (
        "siu.toml sænker alvoren for {value} til {severity}, men fejl ved læsning og skrivning kan ikke sænkes; "
        "ændringen har ingen virkning",
        "siu.toml lowers the severity of {value} to {severity}, but errors in reading and writing cannot be lowered; "
        "the change has no effect",
    ),
    (
        "Fejl ved læsning af input (fx en række, der ikke kan læses) og ved skrivning af leverancen (fx XSD-fejl) "
        "betyder, at rækker ville gå tabt eller en ugyldig fil blive gemt. De kan derfor ikke gøres til advarsler "
        "i `[severity]`; ret årsagen i stedet.",
        "Errors in reading the input (e.g. a row that cannot be read) and in writing the delivery (e.g. an XSD "
        "error) mean rows would be lost or an invalid file kept. They cannot be made warnings in `[severity]`; "
        "fix the cause instead.",
    ),
    group="record",
)
