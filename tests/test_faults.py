"""Faults (issue 15): signals mid-write, unwritable or full output folders, a closed stdout,
leftovers of a killed run, and a spec pack whose file name would leave the output folder.

The exit code and the last line always say whether a delivery was written: 0 and "Leverance
skrevet: …", or any other code and "Ingen leverance skrevet." (the old delivery, if any, intact).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from siu.base import safeio
from siu.demo import DEMO_DIR
from siu.specpack import BUILTIN_DIR

REPO = Path(__file__).resolve().parents[1]
DELIVERY = "SIU_751_2025_voksen"  # the name the generated export's siu.toml gives


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated Opus export large enough that writing its delivery takes a while."""
    folder = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), "40000", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder


def _start(
    *args: object, cwd: Path, env: dict[str, str] | None = None, stdout: int = subprocess.PIPE
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "siu", *(str(a) for a in args)],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )


def _hidden(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.startswith(".")]


def _wait_until_writing(proc: subprocess.Popen, out: Path, timeout: float = 240) -> None:
    """Wait until the run has a temporary file in ``out`` (it is writing the delivery), then
    pause it there, so the signal that follows lands mid-write."""
    deadline = time.monotonic() + timeout
    while not _hidden(out):
        assert proc.poll() is None, f"siu ended before writing: {proc.communicate()}"
        assert time.monotonic() < deadline, "siu never started writing"
        time.sleep(0.02)
    time.sleep(0.3)  # a few sheets' rows into the file (and openpyxl's own temporary files)
    proc.send_signal(signal.SIGSTOP)


def _convert_big(big_export: Path, out: Path, fmt: str, systmp: Path) -> subprocess.Popen:
    return _start(
        "convert",
        "--source",
        "opus",
        big_export / "opus.csv",
        "--config",
        big_export / "siu.toml",
        "--format",
        fmt,
        "--out",
        out,
        "--quiet",
        cwd=big_export,
        env={"TMPDIR": str(systmp)},
    )


@pytest.mark.parametrize(("sig", "fmt", "twice"), [(signal.SIGTERM, "xlsx", False), (signal.SIGINT, "xml", True)])
def test_a_signal_mid_write_leaves_the_old_delivery_and_no_temporary_file(big_export, tmp_path, sig, fmt, twice):
    out, systmp = tmp_path / "out", tmp_path / "systmp"
    out.mkdir()
    systmp.mkdir()
    old = out / f"{DELIVERY}.{fmt}"
    old.write_bytes(b"last week's delivery")
    proc = _convert_big(big_export, out, fmt, systmp)
    _wait_until_writing(proc, out)
    proc.send_signal(sig)
    proc.send_signal(signal.SIGCONT)
    if twice:  # an impatient second Ctrl-C, while siu cleans up
        time.sleep(0.02)
        if proc.poll() is None:
            proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, (proc.returncode, stderr)
    assert old.read_bytes() == b"last week's delivery"
    assert sorted(p.name for p in out.iterdir()) == [old.name], "a temporary file was left beside the delivery"
    assert list(systmp.iterdir()) == [], "a temporary file (openpyxl's?) was left in the system's temp folder"
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."


def test_sigterm_at_any_point_leaves_the_old_delivery_or_all_the_new_files(big_export, tmp_path):
    """Signals spread over a whole run (reading, writing, the XSD check, the reports, publishing):
    either exit 143 with the old delivery and no file of the run, or exit 0 with every new file."""
    epoch = {"SOURCE_DATE_EPOCH": "1768435200"}

    def start(folder: Path) -> subprocess.Popen:
        return _start(
            "convert",
            "--source",
            "opus",
            big_export / "opus.csv",
            "--config",
            big_export / "siu.toml",
            "--quiet",
            "--out",
            folder,
            "--report-json",
            folder / "r.json",
            "--report-xlsx",
            folder / "r.xlsx",
            cwd=big_export,
            env={**epoch, "TMPDIR": str(systmp)},
        )

    systmp = tmp_path / "systmp"
    systmp.mkdir()
    began = time.monotonic()
    full = start(tmp_path / "full")
    full.communicate(timeout=600)
    took = time.monotonic() - began
    assert full.returncode == 0
    new = (tmp_path / "full" / f"{DELIVERY}.xml").read_bytes()
    outcomes = set()
    for n, fraction in enumerate((0.25, 0.6, 0.9, 1.05)):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        old = folder / f"{DELIVERY}.xml"
        old.write_bytes(b"last week's delivery")
        proc = start(folder)
        time.sleep(took * fraction)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=600)
        names = sorted(p.name for p in folder.iterdir())
        if proc.returncode == 0:
            assert old.read_bytes() == new and names == sorted(
                [old.name, f"{old.name}.siu.json", "r.json", "r.xlsx"]
            ), (fraction, names)
        else:
            # -15: the signal came while Python was still starting, before siu could write anything
            assert proc.returncode in (143, -15), (fraction, proc.returncode, stderr)
            assert old.read_bytes() == b"last week's delivery" and names == [old.name], (fraction, names)
        assert list(systmp.iterdir()) == [] and "Traceback" not in stderr, (fraction, stderr)
        outcomes.add(proc.returncode)
    assert 143 in outcomes, "no signal landed while siu was working"


def test_leftovers_of_a_killed_run_are_removed_by_the_next_run_which_says_so(big_export, tmp_path, siu):
    out, systmp = tmp_path / "out", tmp_path / "systmp"
    out.mkdir()
    systmp.mkdir()
    proc = _convert_big(big_export, out, "xlsx", systmp)
    _wait_until_writing(proc, out)
    proc.kill()
    proc.communicate(timeout=60)
    left = _hidden(out)
    assert left and all(p.name.startswith(safeio.TEMP_PREFIX) for p in left), left
    assert list(systmp.iterdir()) == [], "openpyxl's temporary files belong beside the output"
    for path in left:  # owner-only: they hold CPR numbers in clear text
        assert stat.S_IMODE(path.stat().st_mode) in (0o600, 0o700)
    run = siu(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--out",
        out,
    )
    assert run.exit_code == 0, run.output
    assert "SIU903" in run.stdout
    assert _hidden(out) == []


def test_a_temporary_file_another_run_still_writes_is_left_alone(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from siu.base import safeio;"
            "fd, p = safeio.temp_file(Path(sys.argv[1])); print(p.name, flush=True); sys.stdin.read()",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        name = holder.stdout.readline().strip()
        assert name.startswith(safeio.TEMP_PREFIX)
        assert safeio.remove_stale(tmp_path) == [] and (tmp_path / name).exists()
    finally:
        holder.communicate("", timeout=30)
    assert safeio.remove_stale(tmp_path) == [name] and not (tmp_path / name).exists()


def test_temporary_files_are_owner_only_beside_the_output_and_so_are_openpyxls(tmp_path):
    import tempfile

    fd, path = safeio.temp_file(tmp_path / "ud")
    os.close(fd)
    assert path.parent == tmp_path / "ud" and stat.S_IMODE(path.stat().st_mode) == 0o600
    safeio.discard(path)
    with safeio.private_tempdir(tmp_path) as folder:
        assert Path(tempfile.gettempdir()) == folder and folder.parent == tmp_path
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not folder.exists() and Path(tempfile.gettempdir()) != folder


def _unwritable(tmp_path: Path) -> Path:
    """A folder siu cannot write into. Tests run as root in CI, where chmod does not stop
    anyone: there, a folder below /proc (which nobody can create files in)."""
    if os.geteuid() == 0:
        return Path("/proc/siu-cannot-write-here")
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


@pytest.mark.parametrize("how", ["read-only", "parent is a file"])
@pytest.mark.parametrize("which", ["delivery", "--report-json", "--report-xlsx"])
def test_an_unwritable_output_is_a_clear_error_exit_2_and_no_new_delivery(siu, tmp_path, how, which):
    if how == "read-only":
        bad = _unwritable(tmp_path)
    else:
        (tmp_path / "a-file").write_text("x")
        bad = tmp_path / "a-file"
    out = tmp_path / "out"
    out.mkdir()
    old = out / "SIU_101_2025_voksen.xml"
    old.write_text("old")
    args = [
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--quiet",
    ]
    if which == "delivery":
        args += ["--out", bad / "ud.xml"]
    else:
        args += ["--out", out, which, bad / ("r.json" if which == "--report-json" else "r.xlsx")]
    run = siu(*args)
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert str(bad) in run.stderr
    assert run.stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."
    assert old.read_text() == "old" and sorted(p.name for p in out.iterdir()) == [old.name]


def test_an_unwritable_workbook_report_prints_no_traceback(tmp_path):
    """openpyxl's half-built sheets used to print "Exception ignored … Traceback" when collected."""
    (tmp_path / "a-file").write_text("x")
    proc = _start(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--quiet",
        "--out",
        tmp_path / "out",
        "--report-xlsx",
        tmp_path / "a-file" / "r.xlsx",
        cwd=tmp_path,
    )
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 2, stderr
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("which", ["delivery", "json", "xlsx"])
def test_a_full_disk_is_a_clear_error_exit_2_and_no_new_delivery(siu, tmp_path, monkeypatch, which):
    out, reports = tmp_path / "out", tmp_path / which
    real = safeio.temp_file

    def full(folder: Path) -> tuple[int, Path]:
        if folder != (out if which == "delivery" else reports):
            return real(folder)
        folder.mkdir(parents=True, exist_ok=True)
        return os.open("/dev/full", os.O_WRONLY), folder / ".siu-tmp-full.tmp"  # every write: ENOSPC

    monkeypatch.setattr(safeio, "temp_file", full)
    run = siu(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--quiet",
        "--out",
        out,
        "--report-json",
        reports / "r.json",
        "--report-xlsx",
        reports / "r.xlsx",
    )
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert os.strerror(errno.ENOSPC) in run.stderr or os.strerror(errno.EINVAL) in run.stderr
    assert run.stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."
    assert not out.exists() or [p.name for p in out.iterdir()] == []


def test_a_closed_stdout_neither_stops_the_reports_nor_changes_the_exit_code(tmp_path):
    args = ["validate", "--source", "opus", DEMO_DIR / "opus-udtraek-2025.csv", "--config", DEMO_DIR / "siu.toml"]
    normal = _start(*args, cwd=tmp_path)
    normal.communicate(timeout=120)
    proc = _start(*args, "--report-json", tmp_path / "r.json", "--report-xlsx", tmp_path / "r.xlsx", cwd=tmp_path)
    proc.stdout.close()  # `siu validate ... | head -0`: the reader is gone before siu writes
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == normal.returncode == 0, stderr
    assert (tmp_path / "r.json").stat().st_size > 0 and (tmp_path / "r.xlsx").stat().st_size > 0
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_demo_onto_an_existing_file_is_a_usage_error(siu, tmp_path):
    (tmp_path / "siu-demo").write_text("a file, not a folder")
    run = siu("demo", "--out", tmp_path / "siu-demo")
    assert run.exit_code == 2, run.output
    assert run.exception is None and "Intern fejl" not in run.output
    assert "siu-demo" in run.stderr and run.stderr.strip().splitlines()[-1] == "Ingen leverance skrevet."


@pytest.mark.parametrize(
    "template", ["../../SIU_{kommune}_{year}_{area}", "/tmp/SIU_{kommune}", "sub/SIU_{area}", "{kommune.__class__}"]
)
def test_a_spec_packs_file_name_cannot_leave_the_output_folder(siu, tmp_path, template):
    pack = tmp_path / "pack"
    shutil.copytree(BUILTIN_DIR / "2025", pack)
    manifest = pack / "manifest.toml"
    text = manifest.read_text(encoding="utf-8").replace(
        'name = "SIU_{kommune}_{year}_{area}"', f"name = {json.dumps(template)}"
    )
    manifest.write_text(text, encoding="utf-8")
    out = tmp_path / "a" / "b" / "out"
    run = siu(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--spec-dir",
        pack,
        "--out",
        out,
    )
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert "[file] name" in run.stderr
    assert not list(tmp_path.rglob("SIU_*")) and not (Path("/tmp") / "SIU_101").exists()


def test_mapping_init_into_an_unwritable_folder_is_a_usage_error(siu, tmp_path):
    (tmp_path / "a-file").write_text("x")
    run = siu(
        "mapping",
        "init",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--out",
        tmp_path / "a-file" / "udkast.toml",
    )
    assert run.exit_code == 2, run.output
    assert run.exception is None, run.exception
    assert "udkast.toml" in run.stderr


def test_side_by_side_runs_share_one_private_temp_folder_until_the_last_is_done(tmp_path):
    import tempfile

    before = tempfile.tempdir
    with safeio.private_tempdir(tmp_path / "a") as first:
        with safeio.private_tempdir(tmp_path / "b") as second:
            assert second == first and tempfile.gettempdir() == str(first)
        assert first.exists(), "still in use by the first run"
    assert not first.exists() and tempfile.tempdir == before
