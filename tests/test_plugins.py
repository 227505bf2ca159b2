"""Plugins: entry-point discovery, guarded loading, disabling, conflicts, the API check, local
one-file plugins, tracing, ``siu plugins`` and one end-to-end test per hook.

Throw-away plugins are real distributions: a folder with ``<name>.dist-info/METADATA`` and
``entry_points.txt`` beside the module, put on ``sys.path`` (in-process) or ``PYTHONPATH``
(subprocess), so discovery goes through ``importlib.metadata`` exactly as for an installed
package. Local plugins are ``siu_local.py`` / ``plugins = [...]`` files beside a siu.toml.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from siu.host.plugins import PluginError, load_plugins
from siu.specpack import BUILTIN_DIR

BUILTIN_SOURCES = {"opus", "sap", "excel", "csv"}

TOY_ADAPTER = '''
"""A throw-away adapter: the "{source}" export (Borger/Kroner/Konto columns)."""
from siu import hookimpl
from siu.tabular import TabularSource

SIU_API = {api}


class ToySource(TabularSource):
    name = "{source}"
    description = "Toy export for tests"
    aliases = {{"cpr": ["Borger"], "amount": ["Kroner"], "kontostreng": ["Konto"], "start": ["Fra"], "end": ["Til"], "text": ["Tekst"]}}
    required = ("cpr",)
    one_of = (("amount",),)
    signature = ("Borger", "Kroner")


@hookimpl
def register_sources():
    return [ToySource()]
'''

BROKEN_ON_IMPORT = """
raise RuntimeError("boom while importing, citizen 010160-1235")
"""

TOY_ROWS = [
    ("010160-1235", "1.000,00", "5.38.50.1.001.4.0", "01.01.2025", "31.01.2025", "Bakkehuset jan"),
    ("150372-2468", "2.500,50", "5.38.50.1.001.4.0", "01.02.2025", "28.02.2025", "Bakkehuset feb"),
    ("150372-2468", "-500,50", "5.38.50.1.001.4.0", "01.02.2025", "28.02.2025", "Tilbagebetaling"),
]


def toy_input(folder: Path) -> Path:
    path = folder / "toy-export.csv"
    lines = ["Borger;Kroner;Konto;Fra;Til;Tekst", *(";".join(r) for r in TOY_ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def toy_total() -> Decimal:
    return sum((Decimal(r[1].replace(".", "").replace(",", ".")) for r in TOY_ROWS), Decimal(0))


def make_dist(
    site: Path, dist: str, modules: dict[str, str], entry_points: dict[str, str], version: str = "0.1"
) -> Path:
    """A minimal installed distribution: modules plus dist-info with METADATA and entry points."""
    site.mkdir(parents=True, exist_ok=True)
    for name, code in modules.items():
        (site / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n", encoding="utf-8")
    eps = "[siu]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items())
    (info / "entry_points.txt").write_text(eps, encoding="utf-8")
    return site


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    """A fresh folder on sys.path for throw-away distributions (unique module names per test)."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    monkeypatch.delenv("SIU_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("SIU_TRACE_PLUGINS", raising=False)
    return folder


def unique(request: pytest.FixtureRequest, stem: str) -> str:
    """A module name no other test uses (modules stay in sys.modules once imported)."""
    return f"{stem}_{re.sub(r'[^a-z0-9]', '_', request.node.name.lower())}"


def convert_args(path: Path, *extra: str) -> list[str]:
    return ["convert", str(path), "--kommune", "101", "--year", "2025", "--out", str(path.parent / "out"), *extra]


# --- siu plugins -----------------------------------------------------------------------------


def test_plugins_json_lists_the_builtin_adapters_and_the_xml_writer(siu):
    run = siu("plugins", "--json")
    assert run.exit_code == 0, run.output
    data = json.loads(run.stdout)
    by_name = {p["name"]: p for p in data["plugins"]}
    for name in BUILTIN_SOURCES:
        plugin = by_name[name]
        assert plugin["status"] == "loaded" and plugin["kind"] == "builtin" and plugin["package"] == "siu"
        assert plugin["disable_as"] == name
        assert "register_sources" in plugin["hooks"]
        assert data["sources"][name]["plugin"] == name
    assert data["writers"]["xml"]["plugin"] == "siu.xml"
    assert by_name["siu.xml"]["writers"] == ["xml"] and by_name["siu.xml"]["disable_as"] is None
    assert by_name["excel"]["writers"] == ["xlsx"]
    assert len(by_name["siu.rules"]["rules"]) > 5 and all(c.startswith("SIU") for c in by_name["siu.rules"]["rules"])
    assert data["api"] == 2 and data["problems"] == [] and data["conflicts"] == []


def test_plugins_table_shows_the_name_to_disable_version_hooks_and_what_each_provides(siu):
    run = siu("plugins", "--lang", "en")
    assert run.exit_code == 0, run.output
    assert "Name (for SIU_DISABLE_PLUGINS)" in run.stdout
    opus_row = next(line for line in run.stdout.splitlines() if line.startswith("│ opus "))
    assert "0.1.0" in opus_row and "register_sources" in opus_row and "sources: opus" in opus_row
    assert "siu.xml (core)" in run.stdout


# --- entry-point plugins: used, broken, disabled, conflicting --------------------------------


def test_an_installed_adapter_is_used_by_convert_and_shown_by_plugins(siu, site, tmp_path, request):
    module = unique(request, "siu_toy")
    make_dist(site, "siu-toy", {module: TOY_ADAPTER.format(source="toy", api=1)}, {"toy": module}, version="1.2.3")
    run = siu(*convert_args(toy_input(tmp_path), "--source", "toy"))
    assert run.exit_code == 0, run.output
    tree = etree.parse(str(tmp_path / "out" / "SIU_101_2025_voksen.xml"))
    amounts = [Decimal(e.text) for e in tree.iter("{*}Beloeb")]
    assert len(amounts) == len(TOY_ROWS) and sum(amounts) == toy_total()

    data = json.loads(siu("plugins", "--json").stdout)
    toy = next(p for p in data["plugins"] if p["name"] == "toy")
    assert (toy["package"], toy["version"], toy["kind"], toy["api"]) == ("siu-toy", "1.2.3", "installed", "1")
    assert toy["sources"] == ["toy"] and data["sources"]["toy"]["plugin"] == "toy"


def test_a_plugin_that_raises_on_import_is_named_and_skipped(siu, site, tmp_path, request):
    module = unique(request, "siu_broken")
    make_dist(site, "siu-broken", {module: BROKEN_ON_IMPORT}, {"broken": module}, version="0.9")
    run = siu("plugins")
    assert run.exit_code == 0, run.output
    assert "SIU801" in run.stderr and "broken" in run.stderr and "siu-broken 0.9" in run.stderr
    assert "SIU_DISABLE_PLUGINS=broken" in run.stderr
    assert "010160-1235" not in run.output, "the error text is masked"
    assert "010160-xxxx" in run.stderr

    demo = Path(__file__).parent.parent / "core" / "siu" / "demo"
    run = siu("validate", "--source", "opus", str(demo / "opus-udtraek-2025.csv"), "--config", str(demo / "siu.toml"))
    assert run.exit_code == 0, run.output
    assert "SIU801" in run.stderr and "KLAR — men formatet er foreløbigt" in run.stdout
    assert "broken 0.9: fejlede:" in run.stdout and ": failed:" not in run.stdout  # the header, in Danish

    run = siu("plugins", "--json", "--lang", "en")
    data = json.loads(run.stdout)
    broken = next(p for p in data["plugins"] if p["name"] == "broken")
    assert broken["status"] == "failed" and broken["code"] == "SIU801"
    assert "could not be loaded" in broken["message_en"] and "kunne ikke indlæses" in broken["message_da"]


def test_disable_and_no_plugins_work_while_a_plugin_is_broken(siu, site, tmp_path, request, monkeypatch):
    make_dist(
        site, "siu-broken", {unique(request, "siu_broken"): BROKEN_ON_IMPORT}, {"broken": unique(request, "siu_broken")}
    )
    toy = unique(request, "siu_toy")
    make_dist(site, "siu-toy", {toy: TOY_ADAPTER.format(source="toy", api=1)}, {"toy": toy})
    path = toy_input(tmp_path)

    monkeypatch.setenv("SIU_DISABLE_PLUGINS", "broken")
    run = siu(*convert_args(path, "--source", "toy"))
    assert run.exit_code == 0, run.output
    assert "SIU801" not in run.output
    data = json.loads(siu("plugins", "--json").stdout)
    assert {p["name"]: p["status"] for p in data["plugins"]}["broken"] == "disabled"

    monkeypatch.delenv("SIU_DISABLE_PLUGINS")
    run = siu(*convert_args(path, "--source", "toy", "--no-plugins"))
    assert run.exit_code == 2 and "Ukendt kilde 'toy'" in run.output, "third-party sources are not loaded"
    assert "SIU801" not in run.output, "a broken plugin is not even imported"
    assert run.exception is None
    statuses = {p["name"]: p["status"] for p in json.loads(siu("plugins", "--json", "--no-plugins").stdout)["plugins"]}
    assert statuses["toy"] == statuses["broken"] == "disabled"
    assert all(statuses[n] == "loaded" for n in BUILTIN_SOURCES)


def test_disabling_a_builtin_adapter_and_an_unknown_name(siu, site, monkeypatch):
    monkeypatch.setenv("SIU_DISABLE_PLUGINS", "sap, nosuch")
    run = siu("plugins", "--json")
    data = json.loads(run.stdout)
    assert "sap" not in data["sources"] and "opus" in data["sources"]
    assert [p["code"] for p in data["problems"]] == ["SIU807"]
    assert "nosuch" in run.stderr and "SIU807" in run.stderr


def test_two_plugins_registering_one_source_name_is_an_error_naming_both_packages(
    siu, site, tmp_path, request, monkeypatch
):
    first, second = unique(request, "siu_toy_a"), unique(request, "siu_toy_b")
    make_dist(site, "siu-toy-a", {first: TOY_ADAPTER.format(source="toy", api=1)}, {"toya": first})
    make_dist(site, "siu-toy-b", {second: TOY_ADAPTER.format(source="toy", api=1)}, {"toyb": second})
    path = toy_input(tmp_path)
    run = siu(*convert_args(path, "--source", "toy"))
    assert run.exit_code == 2
    assert "SIU804" in run.stderr and "siu-toy-a" in run.stderr and "siu-toy-b" in run.stderr
    assert run.exception is None and not (tmp_path / "out").exists()

    run = siu("plugins", "--json")
    assert run.exit_code == 2, "siu plugins still lists everything, but says it is an error"
    conflict = json.loads(run.stdout)["conflicts"][0]
    assert (
        conflict["code"] == "SIU804" and "siu-toy-a" in conflict["message_en"] and "siu-toy-b" in conflict["message_en"]
    )

    monkeypatch.setenv("SIU_DISABLE_PLUGINS", "toyb")
    assert siu(*convert_args(path, "--source", "toy")).exit_code == 0


def test_a_plugin_for_another_api_is_refused_with_a_clear_message(site, request):
    module = unique(request, "siu_future")
    make_dist(
        site, "siu-future", {module: TOY_ADAPTER.format(source="future", api=3)}, {"future": module}, version="3.0"
    )
    host = load_plugins()
    info = host.get("future")
    assert info is not None and info.status == "refused" and "future" not in host.sources
    assert info.problem is not None and info.problem.code == "SIU802"
    assert "plugin-API 3" in info.problem.message_da and "denne siu har API 2" in info.problem.message_da
    assert "targets siu plugin API 3" in info.problem.message_en


def test_a_misspelt_hook_is_refused_with_a_suggestion(site, request):
    module = unique(request, "siu_typo")
    code = TOY_ADAPTER.format(source="typo", api=1).replace("def register_sources", "def register_source")
    make_dist(site, "siu-typo", {module: code}, {"typo": module})
    info = load_plugins().get("typo")
    assert info is not None and info.status == "refused" and info.problem is not None
    assert info.problem.code == "SIU805" and "did you mean register_sources" in info.problem.message_en


HALF_PLUGIN = """
from siu.writers import Writer


class HalfWriter(Writer):
    name, suffix = "half", ".txt"

    def write(self, records, header, spec, out):
        pass


@hookimpl
def register_writers():
    return [HalfWriter()]


@hookimpl
def register_rules():
    {body}
"""


def test_a_hook_with_an_unknown_argument_is_refused(site, request):
    module = unique(request, "siu_badarg")
    code = "from siu import hookimpl\n\n@hookimpl\ndef map_account(posting, ctx):\n    return None\n"
    make_dist(site, "siu-badarg", {module: code}, {"badarg": module})
    info = load_plugins().get("badarg")
    assert info is not None and info.status == "refused" and info.problem is not None
    assert info.problem.code == "SIU805" and "ctx" in info.problem.message_en


def test_one_module_behind_two_entry_points_is_loaded_once(site, request):
    module = unique(request, "siu_twice")
    make_dist(
        site, "siu-twice", {module: TOY_ADAPTER.format(source="twice", api=1)}, {"twice": module, "twice2": module}
    )
    host = load_plugins()
    assert host.get("twice").status == "loaded" and host.provider_of("sources", "twice") == "twice"  # type: ignore[union-attr]
    second = host.get("twice2")
    assert (
        second is not None
        and second.status == "failed"
        and second.problem is not None
        and second.problem.code == "SIU803"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("raise ValueError('no licence file')", "ValueError: no licence file"),
        ("return ToySource()", "expected a list"),
        ("return [object()]", "type object, expected a rule made with record_rule"),
    ],
)
def test_a_failing_registration_hook_skips_the_whole_plugin(site, request, body, expected):
    module = unique(request, "siu_half")
    code = TOY_ADAPTER.format(source="half", api=1) + HALF_PLUGIN.format(body=body)
    make_dist(site, "siu-half", {module: code}, {"half": module})
    host = load_plugins()
    info = host.get("half")
    assert info is not None and info.status == "failed" and info.problem is not None
    assert (
        info.problem.code == "SIU803"
        and expected in info.problem.message_en
        and "register_rules" in info.problem.message_en
    )
    assert "half" not in host.sources and "half" not in host.writers, "nothing from a failed plugin is used"
    assert BUILTIN_SOURCES <= set(host.sources)


def test_same_entry_point_name_from_two_packages_keeps_the_first(site, request):
    first, second = unique(request, "siu_dup_a"), unique(request, "siu_dup_b")
    make_dist(site, "siu-dup-a", {first: TOY_ADAPTER.format(source="dupa", api=1)}, {"dup": first})
    make_dist(site, "siu-dup-b", {second: TOY_ADAPTER.format(source="dupb", api=1)}, {"dup": second})
    host = load_plugins()
    codes = [f.code for f in host.warnings()]
    assert codes == ["SIU809"]
    assert len([s for s in ("dupa", "dupb") if s in host.sources]) == 1


def test_load_plugins_raises_on_conflict_with_both_names(site, request):
    a = unique(request, "siu_opus_clone")
    make_dist(site, "siu-opus-clone", {a: TOY_ADAPTER.format(source="opus", api=1)}, {"opusclone": a})
    with pytest.raises(PluginError) as err:
        load_plugins()
    assert (
        "opus" in err.value.message_da
        and "siu-opus-clone" in err.value.message_en
        and "pakke siu " in err.value.message_da
    )
    host = load_plugins(disable={"opusclone"})
    assert host.provider_of("sources", "opus") == "opus"


# --- a subprocess, as a user runs it -------------------------------------------------------


def test_subprocess_convert_with_an_installed_adapter_and_a_broken_one(tmp_path):
    site = tmp_path / "site"
    make_dist(
        site, "siu-toy", {"siu_toy_subprocess": TOY_ADAPTER.format(source="toy", api=1)}, {"toy": "siu_toy_subprocess"}
    )
    make_dist(site, "siu-broken", {"siu_broken_subprocess": BROKEN_ON_IMPORT}, {"broken": "siu_broken_subprocess"})
    path = toy_input(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]), "COLUMNS": "200"}
    env.pop("SIU_DISABLE_PLUGINS", None)

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "siu", *args],
            cwd=tmp_path,
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run(*convert_args(path, "--source", "toy"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SIU801" in done.stderr and "broken" in done.stderr and "Traceback" not in done.stderr
    assert (tmp_path / "out" / "SIU_101_2025_voksen.xml").exists()

    listed = run("plugins", "--json", SIU_DISABLE_PLUGINS="broken")
    assert listed.returncode == 0 and "SIU801" not in listed.stderr
    statuses = {p["name"]: p["status"] for p in json.loads(listed.stdout)["plugins"]}
    assert statuses["toy"] == "loaded" and statuses["broken"] == "disabled"


# --- local one-file plugins ------------------------------------------------------------------

SIU_TOML = 'kommune = "101"\nyear = 2025\narea = "voksen"\n'
CSV_HEADER = "CPR;Beløb;Kontostreng;Omkostningssted;Periode fra;Periode til;Tekst"
CSV_ROWS = [
    "010160-1235;1.000,00;5.38.50.1.001.4.0;;01.01.2025;31.01.2025;Bakkehuset jan",
    "150372-2468;7.500,00;5.38.50.1.001.4.0;;01.02.2025;28.02.2025;Bakkehuset feb",
    "150372-2468;300,00;;4711;01.03.2025;31.03.2025;Særlig aftale",
    "120485-1234;900,00;5.38.42.1.001.4.0;;01.03.2025;31.03.2025;ANONYM ophold",
]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A municipality folder: siu.toml and a CSV export read with ``--source csv``."""
    monkeypatch.delenv("SIU_DISABLE_PLUGINS", raising=False)
    monkeypatch.delenv("SIU_TRACE_PLUGINS", raising=False)
    folder = tmp_path / "kommune"
    folder.mkdir()
    (folder / "siu.toml").write_text(SIU_TOML, encoding="utf-8")
    (folder / "export.csv").write_text("\n".join([CSV_HEADER, *CSV_ROWS[:2]]) + "\n", encoding="utf-8")
    return folder


def local_plugin(folder: Path, code: str, name: str = "siu_local.py", listed: bool = False) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    if listed:
        with (folder / "siu.toml").open("a", encoding="utf-8") as fh:
            fh.write(f'plugins = ["{name}"]\n')
    return path


def run_project(siu, folder: Path, *extra: str):
    return siu(
        "convert",
        "--source",
        "csv",
        str(folder / "export.csv"),
        "--config",
        str(folder / "siu.toml"),
        "--out",
        str(folder / "out"),
        *extra,
    )


def delivery(folder: Path, suffix: str = ".xml") -> Path:
    return folder / "out" / f"SIU_101_2025_voksen{suffix}"


def test_siu_local_py_beside_siu_toml_is_loaded_with_the_same_guard(siu, project):
    local_plugin(project, "SIU_API = 1\nraise ImportError('quirk module missing')\n")
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    assert "SIU801" in run.stderr and "local:siu_local.py" in run.stderr and "quirk module missing" in run.stderr

    local_plugin(project, "SIU_API = 7\n")
    run = siu("plugins", "--json", "--config", str(project / "siu.toml"))
    local = next(p for p in json.loads(run.stdout)["plugins"] if p["kind"] == "local")
    assert (local["name"], local["status"], local["code"]) == ("local:siu_local.py", "refused", "SIU802")


def test_siu_local_py_is_not_loaded_without_a_siu_toml(siu, tmp_path):
    (tmp_path / "siu_local.py").write_text("raise SystemExit('must not run')\n", encoding="utf-8")
    run = siu("plugins", "--json")
    assert run.exit_code == 0, run.output
    assert not [p for p in json.loads(run.stdout)["plugins"] if p["kind"] == "local"]


def test_a_missing_local_plugin_file_is_a_warning(siu, project):
    with (project / "siu.toml").open("a", encoding="utf-8") as fh:
        fh.write('plugins = ["quirks/missing.py"]\n')
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    assert "SIU806" in run.stderr and "missing.py" in run.stderr


def test_a_local_plugin_can_be_disabled_by_its_name(siu, project, monkeypatch):
    local_plugin(project, "raise RuntimeError('broken quirk')\n", name="quirks.py", listed=True)
    monkeypatch.setenv("SIU_DISABLE_PLUGINS", "local:quirks.py")
    run = run_project(siu, project)
    assert run.exit_code == 0 and "SIU80" not in run.stderr, run.output


# --- one end-to-end test per hook (tests/test_hookspecs_docs.py checks the list) -------------


def test_hook_register_writers_adds_a_format(siu, project):
    local_plugin(
        project,
        """
        from siu import hookimpl
        from siu.writers import Writer

        SIU_API = 1

        class Lines(Writer):
            name, suffix, description = "lines", ".txt", "one line per record"

            def write(self, records, header, spec, out):
                for r in records:
                    out.write(f"{r.kontostreng} {r.amount}\\n".encode())

        @hookimpl
        def register_writers():
            return [Lines()]
        """,
    )
    run = run_project(siu, project, "--format", "lines")
    assert run.exit_code == 0, run.output
    lines = delivery(project, ".txt").read_text(encoding="utf-8").splitlines()
    assert lines == ["53850100140 1000.00", "53850100140 7500.00"]


def test_hook_register_rules_adds_a_rule_with_its_own_code(siu, project):
    local_plugin(
        project,
        """
        from siu import hookimpl
        from siu.rules import Hit, record_rule

        SIU_API = 1

        @record_rule("TEST001", "warning", title=("Stor udgift", "Large amount"),
                     template=("Beløbet {value} er over 5.000 kr.", "The amount {value} is over 5,000"))
        def large(record, ctx):
            if record.amount > 5000:
                yield Hit(field="amount", value=record.amount)

        @hookimpl
        def register_rules():
            return [large]
        """,
    )
    run = run_project(siu, project, "--lang", "en")
    assert run.exit_code == 0, run.output
    assert "TEST001" in run.stdout and "The amount 7500.00 is over 5,000" in run.stdout
    assert run_project(siu, project, "--strict").exit_code == 1, "the warning counts under --strict"


def test_hook_register_spec_packs_replaces_the_builtin_pack(siu, project):
    pack = project / "pack2025"
    shutil.copytree(BUILTIN_DIR / "2025", pack)
    manifest = pack / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('version = "2025.1"', 'version = "2025.9"'), encoding="utf-8"
    )
    local_plugin(
        project,
        """
        from pathlib import Path
        from siu import hookimpl

        SIU_API = 1

        @hookimpl
        def register_spec_packs():
            return [Path(__file__).parent / "pack2025"]
        """,
    )
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    version = etree.parse(str(delivery(project))).find(".//{*}Specifikationsversion")
    assert version is not None and version.text == "2025.9"
    listed = json.loads(siu("plugins", "--json", "--config", str(project / "siu.toml")).stdout)
    local = next(p for p in listed["plugins"] if p["kind"] == "local")
    assert local["spec_packs"] == [str(pack)]


def test_hook_map_account_answers_before_the_mapping_file(siu, project):
    (project / "export.csv").write_text("\n".join([CSV_HEADER, *CSV_ROWS[:3]]) + "\n", encoding="utf-8")
    assert run_project(siu, project).exit_code == 1, "without the plugin, cost centre 4711 is unmapped"
    local_plugin(
        project,
        """
        from siu import hookimpl, kontostreng
        from siu.models import AccountMapping

        SIU_API = 1

        @hookimpl
        def map_account(posting, context):
            # called once per distinct combination of account dimensions (posting.dims)
            if posting.dims.get("cost_centre") == "4711" or posting.dims.get("kontostreng") == "5.38.50.1.001.4.0":
                return AccountMapping(kontostreng=kontostreng.parse("5.38.52.1.001.4.0"), rule="local quirk")
            return None
        """,
    )
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    accounts = [e.text for e in etree.parse(str(delivery(project))).iter("{*}KONTOSTRENG")]
    assert accounts == ["53852100140", "53852100140", "53852100140"], (
        "the plugin's answer wins over the file's kontostreng"
    )


def test_hook_anonymise_decides_the_psr_id(siu, project):
    (project / "export.csv").write_text("\n".join([CSV_HEADER, CSV_ROWS[0], CSV_ROWS[3]]) + "\n", encoding="utf-8")
    local_plugin(
        project,
        """
        from siu import hookimpl

        SIU_API = 1

        @hookimpl
        def anonymise(record, posting, context):
            if posting.text and "ANONYM" in posting.text and context.spec.anonymous_allowed(record.paragraph):
                return "1204859998"
            return None
        """,
    )
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    ids = [e.text for e in etree.parse(str(delivery(project))).iter("{*}PsrID")]
    assert ids == ["0101601235", "1204859998"]


def test_hook_register_sources_local_adapter(siu, project):
    local_plugin(project, TOY_ADAPTER.format(source="localtoy", api=1))
    path = toy_input(project)
    run = siu(*convert_args(path, "--source", "localtoy", "--config", str(project / "siu.toml")))
    assert run.exit_code == 0, run.output
    amounts = [Decimal(e.text) for e in etree.parse(str(project / "out" / "SIU_101_2025_voksen.xml")).iter("{*}Beloeb")]
    assert sum(amounts) == toy_total()


def test_a_pipeline_hook_that_raises_becomes_a_finding_not_a_traceback(siu, project):
    local_plugin(
        project,
        """
        from siu import hookimpl

        @hookimpl
        def map_account(posting, context):
            raise KeyError("no account for " + posting.cpr)
        """,
    )
    run = run_project(siu, project)
    assert run.exit_code == 1, run.output
    assert "SIU808" in run.stdout and "local:siu_local.py" in run.stdout
    assert "010160-1235" not in run.output and "Traceback" not in run.output
    assert not delivery(project).exists()


def test_trace_logs_each_hook_call_with_its_duration_and_no_personal_data(siu, project, monkeypatch):
    local_plugin(project, TOY_ADAPTER.format(source="localtoy", api=1))
    monkeypatch.setenv("SIU_TRACE_PLUGINS", "1")
    run = run_project(siu, project)
    assert run.exit_code == 0, run.output
    trace = [line for line in run.stderr.splitlines() if line.startswith("siu-trace:")]
    # one line per hook call (pluggy's add_hookcall_monitoring): the plugins in the order called
    pattern = re.compile(r"siu-trace: (\w+) · ([\w.:+-]+) · \d+\.\d{3} ms · .+")
    assert trace and all(pattern.fullmatch(line) for line in trace), trace[:3]
    calls = [(m.group(1), m.group(2).split("+")) for m in map(pattern.fullmatch, trace) if m]
    sources = [plugins for hook, plugins in calls if hook == "register_sources"]
    assert ["local:siu_local.py"] in sources and ["opus"] in sources  # registration: one call per plugin
    assert [p for h, p in calls if h == "map_account"] == [["siu.mapping"]]  # once per distinct account
    assert [p for h, p in calls if h == "anonymise"] == []  # no line flagged anonymous: decided on columns
    assert not re.search(r"\d{6}-?\d{4}", "\n".join(trace))
