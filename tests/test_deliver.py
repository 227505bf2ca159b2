"""``siu deliver`` against real FTPS and SFTP servers on loopback, the sidecar, the receipt and the
archive, ``siu history``, and ``siu convert``'s comparison with the last archived delivery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from servers import PASSWORD, Server, start_ftps, start_sftp
from siu.base.stamp import file_digest
from siu.deliver import send as dl

SECRET_ENV = "SIU_TEST_DELIVERY_SECRET"


@pytest.fixture(params=["ftps", "sftp"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Server]]:
    root = tmp_path_factory.mktemp("remote")
    trust = tmp_path_factory.mktemp("trust")
    srv = start_ftps(root, trust) if request.param == "ftps" else start_sftp(root, trust)
    try:
        yield request.param, srv
    finally:
        srv.stop()


def config(tmp_path: Path, protocol: str, srv: Server, **extra: object) -> Path:
    """A siu.toml for the demo municipality that delivers to ``srv``."""
    from servers import USER

    settings = {
        "protocol": protocol,
        "host": "127.0.0.1",
        "port": srv.port,
        "user": USER,
        "folder": "/",
        "secret_env": SECRET_ENV,
        "attempts": 1,
        "backoff": 0.01,
        "timeout": 10,
        "archive": str(tmp_path / "arkiv"),
        ("ca_file" if protocol == "ftps" else "known_hosts"): str(srv.trust),
    }
    settings.update(extra)
    lines = ['kommune = "101"', "year = 2025", "", "[delivery]"]
    for key, value in settings.items():
        if value is None:
            continue
        lines.append(f"{key} = {json.dumps(value)}")
    path = tmp_path / "siu.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def delivery(siu, tmp_path: Path) -> Path:
    """The demo delivery, written and validated by siu (so it has its sidecar)."""
    run = siu("demo", "--out", tmp_path / "ud")
    assert run.exit_code == 0, run.output
    path = tmp_path / "ud" / "SIU_101_2025_voksen.xml"
    assert (tmp_path / "ud" / "SIU_101_2025_voksen.xml.siu.json").is_file()
    return path


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, PASSWORD)


# --- the sidecar ------------------------------------------------------------------------------


def test_sidecar_holds_verdict_spec_hash_and_totals(delivery: Path) -> None:
    data = json.loads((delivery.parent / (delivery.name + ".siu.json")).read_text(encoding="utf-8"))
    size, digest = file_digest(delivery)
    assert (data["size"], data["sha256"], data["verdict"]) == (size, digest, "KLAR")
    assert data["spec"]["version"] == "2025.1" and data["spec"]["year"] == 2025
    assert data["totals"]["net"] == "311040.25" and data["totals"]["lines"] == 19
    assert data["paragraphs"]["SEL108"]["revenue"] == "-79751.00"
    assert data["months"] == [1, 2, 3, 4, 5, 6]


def test_no_sidecar_when_the_delivery_is_not_written(siu, tmp_path: Path) -> None:
    bad = tmp_path / "in.csv"
    bad.write_text(
        "CPR;Beløb;Kontostreng;Fra;Til\n0101601234;1.234,56;5.38.50.1.001.4.0;01.01.2025;\n", encoding="utf-8"
    )
    run = siu("convert", "--source", "csv", bad, "--kommune", "101", "--year", "2025", "--out", tmp_path / "ud")
    assert run.exit_code == 1
    assert not list((tmp_path / "ud").glob("*.siu.json")) if (tmp_path / "ud").exists() else True


# --- clean uploads, receipts, history ----------------------------------------------------------


def test_clean_upload_leaves_the_file_a_receipt_and_an_archive_entry(
    siu, tmp_path: Path, delivery: Path, server
) -> None:
    protocol, srv = server
    cfg = config(tmp_path, protocol, srv)
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 0, run.output
    assert srv.files() == {delivery.name: delivery.read_bytes()}, "the file under its final name, nothing else"
    [entry] = (tmp_path / "arkiv").iterdir()
    receipt = json.loads((entry / "kvittering.json").read_text(encoding="utf-8"))
    assert receipt["sha256"] == file_digest(delivery)[1]
    assert receipt["channel"] == protocol and receipt["server"] == f"127.0.0.1:{srv.port}"
    assert (
        receipt["remote_path"] == f"/{delivery.name}"
        and receipt["verdict"] == "KLAR"
        and receipt["spec_version"] == "2025.1"
    )
    assert receipt["paragraphs"]["SEL107"]["net"] == "94190.25"
    assert {p.name for p in entry.iterdir()} >= {
        delivery.name,
        delivery.name + ".siu.json",
        "kvittering.json",
        "kvittering.txt",
    }
    text = (entry / "kvittering.txt").read_text(encoding="utf-8")
    assert "Kvittering for SIU-indberetning" in text and receipt["sha256"] in text and "SEL108" in text
    assert "SIU963" not in run.stderr and "er leveret til" in run.stdout

    listing = siu("history", "--config", cfg, "--json")
    assert listing.exit_code == 0
    [item] = json.loads(listing.stdout)["deliveries"]
    assert item["file"] == delivery.name and item["remote_path"] == f"/{delivery.name}"
    console = siu("history", "--config", cfg)
    assert delivery.name in console.stdout and protocol in console.stdout


def test_wrong_password_is_a_clear_error_and_nothing_is_sent(
    siu, tmp_path: Path, delivery: Path, server, monkeypatch
) -> None:
    protocol, srv = server
    monkeypatch.setenv(SECRET_ENV, "forkert")
    run = siu("deliver", delivery, "--config", config(tmp_path, protocol, srv, attempts=3))
    assert run.exit_code == 2, run.output
    assert "SIU958" in run.stderr and "afviste log-in" in run.stderr and "Traceback" not in run.output
    assert srv.files() == {}
    assert not (tmp_path / "arkiv").exists()


def test_a_dropped_connection_leaves_nothing_under_the_final_name(siu, tmp_path: Path, delivery: Path, server) -> None:
    protocol, srv = server
    srv.drops[0] = 1
    run = siu("deliver", delivery, "--config", config(tmp_path, protocol, srv, attempts=1))
    assert run.exit_code == 2, run.output
    assert "SIU959" in run.stderr and "Intet er lagt under det endelige navn" in run.stderr
    assert delivery.name not in srv.files(), "a partial upload never sits under the final name"


def test_a_retry_after_a_dropped_connection_succeeds(siu, tmp_path: Path, delivery: Path, server) -> None:
    protocol, srv = server
    srv.drops[0] = 1
    run = siu("deliver", delivery, "--config", config(tmp_path, protocol, srv, attempts=3))
    assert run.exit_code == 0, run.output
    assert srv.files() == {delivery.name: delivery.read_bytes()}, "the temporary file of the dropped try is gone"
    [entry] = (tmp_path / "arkiv").iterdir()
    assert json.loads((entry / "kvittering.json").read_text(encoding="utf-8"))["attempts"] == 2


def test_a_file_already_on_the_server_is_refused_unless_replace(siu, tmp_path: Path, delivery: Path, server) -> None:
    protocol, srv = server
    (srv.root / delivery.name).write_bytes(b"last week's upload")
    cfg = config(tmp_path, protocol, srv)
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 2 and "SIU960" in run.stderr and "--replace" in run.stderr
    assert srv.files() == {delivery.name: b"last week's upload"}, "untouched"
    run = siu("deliver", delivery, "--config", cfg, "--replace")
    assert run.exit_code == 0, run.output
    assert srv.files() == {delivery.name: delivery.read_bytes()}
    [entry] = (tmp_path / "arkiv").iterdir()
    assert json.loads((entry / "kvittering.json").read_text(encoding="utf-8"))["replaced"] is True


# --- refusals before connecting ----------------------------------------------------------------


def test_a_delivery_edited_after_validation_is_refused(siu, tmp_path: Path, delivery: Path, server) -> None:
    protocol, srv = server
    delivery.write_bytes(delivery.read_bytes().replace(b"42500.00", b"42600.00"))
    run = siu("deliver", delivery, "--config", config(tmp_path, protocol, srv))
    assert run.exit_code == 2 and "SIU952" in run.stderr and "ændret, efter siu validerede den" in run.stderr
    assert srv.files() == {}


@pytest.mark.parametrize(
    ("change", "code"),
    [("remove", "SIU951"), ("verdict", "SIU953"), ("spec", "SIU954")],
)
def test_sidecar_problems_are_refused(siu, tmp_path: Path, delivery: Path, change: str, code: str) -> None:
    sidecar = delivery.parent / (delivery.name + ".siu.json")
    data = json.loads(sidecar.read_text(encoding="utf-8"))
    if change == "remove":
        sidecar.unlink()
    elif change == "verdict":
        sidecar.write_text(json.dumps({**data, "verdict": "IKKE KLAR"}), encoding="utf-8")
    else:
        sidecar.write_text(json.dumps({**data, "spec": {**data["spec"], "version": "2025.0"}}), encoding="utf-8")
    cfg = tmp_path / "siu.toml"
    cfg.write_text(
        '[delivery]\nprotocol = "sftp"\nhost = "127.0.0.1"\nport = 9\nuser = "x"\nsecret_env = '
        '"SIU_TEST_DELIVERY_SECRET"\n',
        encoding="utf-8",
    )
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 2 and code in run.stderr and "Traceback" not in run.output


def test_a_test_delivery_is_never_delivered(siu, tmp_path: Path, server) -> None:
    """Issue 17: a test delivery (--test) carries DST's test marker and can never pass for the real one."""
    from siu.demo import DEMO_DIR

    protocol, srv = server
    run = siu(
        "convert",
        "--source",
        "opus",
        DEMO_DIR / "opus-udtraek-2025.csv",
        "--config",
        DEMO_DIR / "siu.toml",
        "--test",
        "--out",
        tmp_path / "ud",
    )
    assert run.exit_code == 0, run.output
    (test_file,) = (tmp_path / "ud").glob("TEST_*.xml")
    run = siu("deliver", test_file, "--config", config(tmp_path, protocol, srv))
    assert run.exit_code == 2 and "SIU967" in run.stderr and "testleverance" in run.stderr
    assert srv.files() == {}


def test_english_messages(siu, tmp_path: Path, delivery: Path) -> None:
    (delivery.parent / (delivery.name + ".siu.json")).unlink()
    run = siu("deliver", delivery, "--lang", "en")
    assert run.exit_code == 2 and "has no check file" in run.stderr


def test_missing_channel_settings_and_secret(siu, tmp_path: Path, delivery: Path, monkeypatch) -> None:
    cfg = tmp_path / "siu.toml"
    cfg.write_text("[delivery]\n", encoding="utf-8")
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 2 and "SIU955" in run.stderr and "user" in run.stderr
    cfg.write_text(
        '[delivery]\nhost = "127.0.0.1"\nuser = "x"\nsecret_env = "SIU_NOT_SET_ANYWHERE"\n', encoding="utf-8"
    )
    monkeypatch.delenv("SIU_NOT_SET_ANYWHERE", raising=False)
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 2 and "SIU956" in run.stderr and "SIU_NOT_SET_ANYWHERE" in run.stderr


def test_keyring_without_the_package_or_backend_is_a_clear_error(
    siu, tmp_path: Path, delivery: Path, monkeypatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "keyring", None)  # as if not installed
    cfg = tmp_path / "siu.toml"
    cfg.write_text('[delivery]\nhost = "127.0.0.1"\nuser = "x"\nkeyring = true\n', encoding="utf-8")
    run = siu("deliver", delivery, "--config", cfg)
    assert run.exit_code == 2 and "SIU957" in run.stderr and "siu[keyring]" in run.stderr


def test_an_untrusted_server_is_refused(siu, tmp_path: Path, delivery: Path, server) -> None:
    protocol, srv = server
    empty = tmp_path / "empty_known_hosts"
    empty.write_text("", encoding="utf-8")
    # FTPS: no ca_file, so the self-signed certificate is unknown; SFTP: the host key is not in known_hosts
    extra = {"ca_file": None} if protocol == "ftps" else {"known_hosts": str(empty)}
    run = siu("deliver", delivery, "--config", config(tmp_path, protocol, srv, **extra))
    assert run.exit_code == 2 and "SIU962" in run.stderr, run.output
    assert srv.files() == {}


# --- retries, unit level -----------------------------------------------------------------------


class FlakyTransport:
    """A transport whose uploads fail ``fail`` times with a timeout."""

    def __init__(self, store: dict[str, bytes], fail: list[int]) -> None:
        self.store, self.fail = store, fail

    def exists(self, path: str) -> bool:
        return path in self.store

    def size(self, path: str) -> int | None:
        return len(self.store[path]) if path in self.store else None

    def sha256(self, path: str) -> str | None:
        import hashlib

        return hashlib.sha256(self.store[path]).hexdigest() if path in self.store else None

    def put(self, local: Path, path: str) -> None:
        if self.fail[0] > 0:
            self.fail[0] -= 1
            self.store[path] = b"half"
            raise TimeoutError("timed out")
        self.store[path] = local.read_bytes()

    def rename(self, src: str, dst: str, replace: bool) -> None:
        self.store[dst] = self.store.pop(src)

    def delete(self, path: str) -> None:
        self.store.pop(path, None)

    def close(self) -> None:
        pass


def _channel(**kw: object) -> dl.Channel:
    base = dict(
        protocol="sftp",
        host="h",
        port=22,
        user="u",
        folder="/in",
        temp_suffix=".part",
        timeout=1,
        attempts=4,
        backoff=1.0,
        max_seconds=100.0,
    )
    base.update(kw)
    return dl.Channel(**base)  # type: ignore[arg-type]


def test_backoff_doubles_and_is_bounded(tmp_path: Path) -> None:
    local = tmp_path / "f.xml"
    local.write_bytes(b"<x/>")
    store: dict[str, bytes] = {}
    pauses: list[float] = []
    fails = [2]
    done = dl.upload(local, _channel(), "pw", opener=lambda ch, pw: FlakyTransport(store, fails), sleep=pauses.append)
    assert pauses == [1.0, 2.0] and done.attempts == 3 and done.checksum_verified
    assert store == {"/in/f.xml": b"<x/>"}

    store.clear()
    pauses.clear()
    fails = [9]
    with pytest.raises(dl.DeliveryError) as err:
        dl.upload(
            local, _channel(attempts=3), "pw", opener=lambda ch, pw: FlakyTransport(store, fails), sleep=pauses.append
        )
    assert err.value.finding.code == "SIU959" and pauses == [1.0, 2.0]
    assert "/in/f.xml" not in store and "/in/f.xml.part" not in store

    clock = iter([0.0, 0.0, 50.0, 200.0])  # start; after try 1 (pause 40); after try 2 (pause 80 > 100 - 50)
    pauses.clear()
    with pytest.raises(dl.DeliveryError) as err:
        dl.upload(
            local,
            _channel(attempts=10, backoff=40.0),
            "pw",
            opener=lambda ch, pw: FlakyTransport({}, fails),
            sleep=pauses.append,
            clock=lambda: next(clock),
        )
    assert pauses == [40.0] and "2 attempts" in err.value.finding.message_en, "max_seconds bounds the retries"


def test_a_checksum_mismatch_is_not_renamed(tmp_path: Path) -> None:
    local = tmp_path / "f.xml"
    local.write_bytes(b"<x/>")

    class Corrupting(FlakyTransport):
        def put(self, local: Path, path: str) -> None:
            self.store[path] = b"<y/>"  # same size, other bytes

    store: dict[str, bytes] = {}
    with pytest.raises(dl.DeliveryError) as err:
        dl.upload(local, _channel(attempts=2), "pw", opener=lambda ch, pw: Corrupting(store, [0]), sleep=lambda s: None)
    assert err.value.finding.code == "SIU959" and "SHA-256" in err.value.finding.message_en
    assert store == {}


def test_channel_defaults_come_from_the_spec_pack_and_are_provisional() -> None:
    from siu.base.config import Settings
    from siu.specpack import BUILTIN_DIR, SpecPack

    pack = SpecPack.load(BUILTIN_DIR / "2025")
    ch = dl.channel(Settings.model_validate({"delivery": {"user": "kommune101"}}), pack)
    assert (ch.protocol, ch.host, ch.port, ch.folder) == ("sftp", "ftp.dst.dk", 22, "/siu/indberetning")
    assert ch.provisional and any("delivery:" in p for p in pack.provisional())
    ch = dl.channel(
        Settings.model_validate({"delivery": {"user": "u", "protocol": "ftps", "host": "x", "folder": "/"}}), pack
    )
    assert (ch.port, ch.provisional) == (21, [])


# --- siu convert against the archive ------------------------------------------------------------


def test_convert_warns_when_the_new_full_load_drops_much_of_the_last(
    siu, tmp_path: Path, delivery: Path, server, demo_dir: Path
) -> None:
    protocol, srv = server
    cfg = config(tmp_path, protocol, srv)
    assert siu("deliver", delivery, "--config", cfg).exit_code == 0
    half = tmp_path / "halv.csv"
    lines = (demo_dir / "opus-udtraek-2025.csv").read_text(encoding="cp1252").splitlines(keepends=True)
    keep = [line for line in lines if "010160-1235" not in line and "150372-2468" not in line and ";Sum;" not in line]
    assert len(keep) < len(lines) - 4
    half.write_text("".join(keep), encoding="cp1252")
    text = cfg.read_text(encoding="utf-8").replace(
        "year = 2025\n", f'year = 2025\nmapping = "{demo_dir / "mapping.toml"}"\n'
    )
    cfg.write_text(text + '\n[anonymisation]\nplaceholders = ["0101010000"]\n', encoding="utf-8")
    run = siu("convert", "--source", "opus", half, "--config", cfg, "--out", tmp_path / "ny")
    assert run.exit_code == 0, run.output
    assert "SIU431" in run.stdout and "Udgifterne falder fra 390.791,25 kr." in run.stdout
    assert "Antallet af borgere falder fra" not in run.stdout, "two of eleven citizens is less than the 20 % threshold"


def test_history_of_an_empty_archive(siu, tmp_path: Path) -> None:
    run = siu("history")
    assert run.exit_code == 0 and "har ingen leverancer endnu" in run.stdout
    run = siu("history", "--json")
    assert json.loads(run.stdout)["deliveries"] == []


def _fake_keyring(monkeypatch: pytest.MonkeyPatch, get_password) -> None:
    import sys
    import types

    errors = types.ModuleType("keyring.errors")

    class KeyringError(Exception):
        pass

    class NoKeyringError(KeyringError):
        pass

    errors.KeyringError, errors.NoKeyringError = KeyringError, NoKeyringError
    module = types.ModuleType("keyring")
    module.errors = errors
    module.get_password = lambda service, user: get_password(service, user, errors)
    monkeypatch.setitem(sys.modules, "keyring", module)
    monkeypatch.setitem(sys.modules, "keyring.errors", errors)


def test_the_secret_comes_from_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    from siu.base.config import Settings

    asked = []

    def get(service, user, errors):
        asked.append((service, user))
        return "fra-nøgleringen"

    _fake_keyring(monkeypatch, get)
    settings = Settings.model_validate({"delivery": {"keyring": True}})
    assert dl.secret(settings, _channel(user="kommune101", host="ftp.example"), environ={}) == "fra-nøgleringen"
    assert asked == [("siu", "kommune101@ftp.example")]


def test_a_keyring_without_a_backend_or_an_entry_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from siu.base.config import Settings

    def no_backend(service, user, errors):
        raise errors.NoKeyringError("No recommended backend was available")

    _fake_keyring(monkeypatch, no_backend)
    settings = Settings.model_validate({"delivery": {"keyring": True}})
    with pytest.raises(dl.DeliveryError) as err:
        dl.secret(settings, _channel(), environ={})
    assert err.value.finding.code == "SIU957" and "No recommended backend" in err.value.finding.message_da
    _fake_keyring(monkeypatch, lambda service, user, errors: None)
    with pytest.raises(dl.DeliveryError) as err:
        dl.secret(settings, _channel(), environ={})
    assert err.value.finding.code == "SIU956" and "nøgleringen har intet" in err.value.finding.message_da


def test_the_secret_is_never_read_from_siu_toml() -> None:
    from siu.base.config import ConfigError, load_settings

    with pytest.raises(ConfigError):
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "siu.toml"
            path.write_text('[delivery]\npassword = "hemmeligt"\n', encoding="utf-8")
            load_settings(path)


def test_split_sidecars_hold_each_areas_own_figures(siu, tmp_path: Path) -> None:
    from siu.specpack import BUILTIN_DIR

    columns = tmp_path / "kolonner.toml"
    columns.write_text(
        '[columns]\ncpr = "CPR"\namount = "Beløb"\nstart = "Fra"\nend = "Til"\nkontostreng = "Konto"\nparagraph = '
        '"Paragraf"\n',
        encoding="utf-8",
    )
    paragraphs = (BUILTIN_DIR / "2026" / "paragraphs.csv").read_text(encoding="utf-8")
    child = next(line.split(",")[0] for line in paragraphs.splitlines()[1:] if ",boern," in line)
    rows = ["CPR;Beløb;Fra;Til;Konto;Paragraf"]
    rows += [f"0101601235;1000,00;01.{m:02d}.2026;28.{m:02d}.2026;5.38.50.1.001.4.0;SEL108" for m in range(1, 13)]
    rows += [f"0202104228;500,00;01.{m:02d}.2026;28.{m:02d}.2026;5.28.21.1.001.4.0;{child}" for m in range(1, 4)]
    src = tmp_path / "in.csv"
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    run = siu(
        "convert",
        "--source",
        "csv",
        src,
        "--columns",
        columns,
        "--kommune",
        "101",
        "--year",
        "2026",
        "--split",
        "--out",
        tmp_path / "ud",
    )
    assert run.exit_code == 0, run.output
    adult = json.loads((tmp_path / "ud" / "SIU_101_2026_voksen.xml.siu.json").read_text(encoding="utf-8"))
    child_side = json.loads((tmp_path / "ud" / "SIU_101_2026_boern.xml.siu.json").read_text(encoding="utf-8"))
    assert adult["months"] == list(range(1, 13)) and adult["totals"]["net"] == "12000.00"
    assert child_side["months"] == [1, 2, 3] and child_side["totals"]["net"] == "1500.00"
