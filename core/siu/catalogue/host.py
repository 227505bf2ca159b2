"""Finding codes of the host stage (part of siu's one catalogue; see :mod:`siu.catalogue`)."""

from __future__ import annotations

from siu.catalogue._code import define

_FIX = (
    "Slå pluginet fra med SIU_DISABLE_PLUGINS=<navn> (navnet står i `siu plugins`), opdatér eller "
    "geninstallér pakken, og meld fejlen til pluginets udgiver. siu virker uden pluginet.",
    "Disable the plugin with SIU_DISABLE_PLUGINS=<name> (the name is shown by `siu plugins`), update or "
    "reinstall the package, and report the error to the plugin's publisher. siu works without the plugin.",
)

# --- host/plugins.py ---------------------------------------------------------------------------

IMPORT_FAILED = define(
    "SIU801",
    "warning",
    ("Plugin kunne ikke indlæses", "Plugin could not be loaded"),
    (
        "Plugin {plugin} ({package} {version}) kunne ikke indlæses og springes over: {error}. Slå det fra med "
        "SIU_DISABLE_PLUGINS={plugin}",
        "Plugin {plugin} ({package} {version}) could not be loaded and is skipped: {error}. Disable it with "
        "SIU_DISABLE_PLUGINS={plugin}",
    ),
    (
        "Pluginets kode fejlede, da siu importerede den (fx en manglende afhængighed eller en fejl i "
        "pakken). " + _FIX[0],
        "The plugin's code failed when siu imported it (e.g. a missing dependency or a bug in the package). " + _FIX[1],
    ),
    group="plugin",
)

API_REFUSED = define(
    "SIU802",
    "warning",
    ("Plugin til en anden siu-version", "Plugin for another siu version"),
    (
        "Plugin {plugin} ({package} {version}) er skrevet til siu's plugin-API {declared}, men denne siu har API "
        "{api}; det bruges ikke",
        "Plugin {plugin} ({package} {version}) targets siu plugin API {declared}, but this siu provides API {api}; it "
        "is not used",
    ),
    (
        "Et plugin angiver med `SIU_API = N` i sit modul, hvilken udgave af siu's plugin-kontrakt det er "
        "skrevet til. Når hovedversionen ikke passer, kunne pluginet give forkerte resultater, så siu "
        "afviser det. Installér en udgave af pluginet, der passer til din siu (eller omvendt).",
        "A plugin states with `SIU_API = N` in its module which version of siu's plugin contract it "
        "targets. When the major version differs the plugin could give wrong results, so siu refuses it. "
        "Install a version of the plugin that matches your siu (or the other way round).",
    ),
    group="plugin",
)

REGISTRATION_FAILED = define(
    "SIU803",
    "warning",
    ("Plugin fejlede ved registrering", "Plugin failed to register"),
    (
        "Plugin {plugin} ({package} {version}) fejlede i {hook} og springes helt over: {error}. Slå det fra med "
        "SIU_DISABLE_PLUGINS={plugin}",
        "Plugin {plugin} ({package} {version}) failed in {hook} and is skipped entirely: {error}. Disable it with "
        "SIU_DISABLE_PLUGINS={plugin}",
    ),
    (
        "En registreringshook (`register_sources`, `register_writers`, `register_rules`, "
        "`register_spec_packs`) rejste en fejl eller returnerede noget andet end en liste af de rette "
        "objekter. Intet fra pluginet bruges. " + _FIX[0],
        "A registration hook (`register_sources`, `register_writers`, `register_rules`, "
        "`register_spec_packs`) raised or returned something other than a list of the right objects. "
        "Nothing from the plugin is used. " + _FIX[1],
    ),
    group="plugin",
)

CONFLICT = define(
    "SIU804",
    "error",
    ("To plugins med samme navn", "Two plugins claim one name"),
    (
        "To plugins leverer {kind_da} '{name}': {first} (pakke {first_package}) og {second} (pakke {second_package}). "
        "Slå det ene fra med SIU_DISABLE_PLUGINS={second} eller SIU_DISABLE_PLUGINS={first}",
        "Two plugins provide the {kind_en} '{name}': {first} (package {first_package}) and {second} (package "
        "{second_package}). Disable one with SIU_DISABLE_PLUGINS={second} or SIU_DISABLE_PLUGINS={first}",
    ),
    (
        "Navnet på en kilde (`--source`) eller et format (`--format`) skal være entydigt; siu gætter ikke, "
        "hvilket plugin du mener. Afinstallér eller slå det ene plugin fra.",
        "The name of a source (`--source`) or a format (`--format`) must be unique; siu does not guess "
        "which plugin you mean. Uninstall or disable one of the plugins.",
    ),
    group="plugin",
)

UNKNOWN_HOOK = define(
    "SIU805",
    "warning",
    ("Plugin med ukendt hook", "Plugin with an unknown hook"),
    (
        "Plugin {plugin} ({package} {version}) bruges ikke: {error}",
        "Plugin {plugin} ({package} {version}) is not used: {error}",
    ),
    (
        "Pluginet har en funktion markeret med `@hookimpl`, hvis navn eller argumenter ikke findes i "
        "siu's plugin-kontrakt (`siu/hookspecs.py`), fx en stavefejl. Ret navnet; `docs/plugins.md` "
        "lister alle hooks.",
        "The plugin has a function marked `@hookimpl` whose name or arguments are not in siu's plugin "
        "contract (`siu/hookspecs.py`), e.g. a typo. Fix the name; `docs/plugins.md` lists every hook.",
    ),
    group="plugin",
)

LOCAL_MISSING = define(
    "SIU806",
    "warning",
    ("Lokalt plugin findes ikke", "Local plugin not found"),
    (
        "Det lokale plugin {path} fra siu.toml findes ikke og springes over",
        "The local plugin {path} named in siu.toml does not exist and is skipped",
    ),
    (
        "`plugins = [...]` i siu.toml nævner en fil, der ikke findes. Stier er i forhold til siu.toml.",
        "`plugins = [...]` in siu.toml names a file that does not exist. Paths are relative to siu.toml.",
    ),
    group="plugin",
)

UNKNOWN_DISABLED = define(
    "SIU807",
    "warning",
    ("Ukendt plugin i SIU_DISABLE_PLUGINS", "Unknown plugin in SIU_DISABLE_PLUGINS"),
    (
        "SIU_DISABLE_PLUGINS nævner '{name}', som ikke er et plugin, der kan slås fra. Kendte navne: {known}",
        "SIU_DISABLE_PLUGINS names '{name}', which is not a plugin that can be disabled. Known names: {known}",
    ),
    (
        "Navnene i SIU_DISABLE_PLUGINS (kommasepareret) skal stå præcis som i første kolonne af "
        "`siu plugins`. siu's kerne (siu.xml, siu.mapping, ...) kan ikke slås fra.",
        "The names in SIU_DISABLE_PLUGINS (comma-separated) must be written exactly as in the first "
        "column of `siu plugins`. siu's core (siu.xml, siu.mapping, ...) cannot be disabled.",
    ),
    group="plugin",
)

HOOK_FAILED = define(
    "SIU808",
    "error",
    ("Plugin fejlede under kørslen", "Plugin failed during the run"),
    (
        "Plugin {plugin} fejlede i {hook}: {error}; linjen kan ikke behandles. Slå det fra med "
        "SIU_DISABLE_PLUGINS={plugin}",
        "Plugin {plugin} failed in {hook}: {error}; the line cannot be processed. Disable it with "
        "SIU_DISABLE_PLUGINS={plugin}",
    ),
    (
        "Et plugins `map_account` eller `anonymise` rejste en fejl for en postering. siu bruger ikke et "
        "halvt svar: linjen får ingen konto eller anonymisering, og leverancen skrives ikke. " + _FIX[0],
        "A plugin's `map_account` or `anonymise` raised for a posting. siu does not use half an answer: "
        "the line gets no account or anonymisation, and no delivery is written. " + _FIX[1],
    ),
    group="plugin",
)

NAME_TAKEN = define(
    "SIU809",
    "warning",
    ("To plugins med samme pluginnavn", "Two plugins with one plugin name"),
    (
        "Plugin {plugin} fra pakken {package} springes over: navnet bruges allerede af pakken {other}",
        "Plugin {plugin} from the package {package} is skipped: the name is already used by the package {other}",
    ),
    (
        "To installerede pakker registrerer et entry point med samme navn i gruppen `siu`. Kun det første "
        "indlæses. Afinstallér den pakke, du ikke bruger.",
        "Two installed packages register an entry point with the same name in the `siu` group. Only the "
        "first is loaded. Uninstall the package you do not use.",
    ),
    group="plugin",
)
