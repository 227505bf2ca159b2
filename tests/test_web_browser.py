"""siu web end to end in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium,
installed by .ci/run; never `playwright install`). Covers dropping and picking exports, a run
with errors, filtering the findings, explain, a ready run whose downloads are byte-identical to
`siu convert`'s, progress and cancel. Screenshots are taken on every run; with SIU_SCREENSHOTS=1
they go to docs/img/web-*.png for the docs (otherwise to a temporary folder, so a test run leaves
the work tree as it was)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from test_reports import BROKEN_ROWS, CPRS
from web_helpers import DEMO_EXPORT, DEMO_MAPPING, EPOCH, READY_FLAGS, TOKEN, running_server

CHROMIUM = Path("/usr/bin/chromium")
DOCS_IMG = Path(__file__).resolve().parents[1] / "docs" / "img"
IMG = DOCS_IMG if os.environ.get("SIU_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / "siu-web-shots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    if os.environ.get("SIU_REQUIRE_BROWSER") == "1":  # CI (.ci/run) installs Chromium: the tests must run there
        pytest.fail(f"{CHROMIUM} is missing but SIU_REQUIRE_BROWSER=1 (CI must run the browser tests)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # the server runs in this process: fixed times, as the CLI below
    with running_server() as (base, app):
        yield base, app


@pytest.fixture
def page(browser, server):
    base, _ = server
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 860}, locale="da-DK")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.goto(f"{base}/?token={TOKEN}")
    assert "token" not in pg.url  # moved to a cookie
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(IMG / f"web-{name}.png"), full_page=True)


def drop_file(pg, name: str, text: str) -> None:
    """Drop a file on the drop zone as a user dragging it from the file manager does."""
    data = pg.evaluate_handle(
        "([name, text]) => { const dt = new DataTransfer(); dt.items.add(new File([text], name, {type: 'text/csv'})); "
        "return dt; }",
        [name, text],
    )
    with pg.expect_navigation():
        pg.dispatch_event("#drop", "drop", {"dataTransfer": data})


def test_a_ready_run_from_an_opus_export_to_downloads_identical_to_the_cli(page, siu, tmp_path):
    with page.expect_navigation():
        page.set_input_files("#files", str(DEMO_EXPORT))  # picked; the page sends it at once
    assert page.locator("#uploads td.file").inner_text() == DEMO_EXPORT.name
    assert "(opus)" in page.locator("#uploads select option").first.inner_text()  # detected
    page.select_option("#kommune", "101")
    page.fill("#year", "2025")
    page.select_option("#area", "voksen")
    page.set_input_files("#mapping", str(DEMO_MAPPING))
    shot(page, "upload")
    page.click("#run-button")
    page.wait_for_selector("#verdict.ready")
    assert "KLAR — men formatet er foreløbigt" in page.inner_text("#verdict")
    assert "Pengene stemmer" in page.inner_text("#money")
    shot(page, "ready")
    run = siu(
        "convert",
        "-s",
        "opus",
        *READY_FLAGS,
        "--mapping",
        DEMO_MAPPING,
        "-o",
        tmp_path / "cli",
        "--report-json",
        tmp_path / "cli" / "siu-rapport.json",
        "--report-xlsx",
        tmp_path / "cli" / "siu-rapport.xlsx",
        DEMO_EXPORT,
    )
    assert run.exit_code == 0, run.output
    for button, name in (
        ("#download-delivery", "SIU_101_2025_voksen.xml"),
        ("#download-xlsx", "siu-rapport.xlsx"),
        ("#download-json", "siu-rapport.json"),
    ):
        with page.expect_download() as info:
            page.click(button)
        download = info.value
        assert download.suggested_filename == name
        saved = tmp_path / "browser" / name
        download.save_as(str(saved))
        assert saved.read_bytes() == (tmp_path / "cli" / name).read_bytes(), name
    page.click("#lang-en")
    page.wait_for_selector("text=READY — but the format is provisional")
    shot(page, "ready-en")


def test_a_run_with_errors_filtering_and_explain(page):
    text = "\n".join(";".join(r) for r in [["CPR", "Beløb", "Fra", "Til", "Kontostreng", "Tekst"], *BROKEN_ROWS]) + "\n"
    drop_file(page, "udtraek.csv", text)
    page.select_option("select[name='source:udtraek.csv']", "csv")
    page.select_option("#kommune", "101")
    page.fill("#year", "2025")
    page.click("#run-button")
    page.wait_for_selector("#verdict.not-ready")
    body = page.inner_text("body")
    assert "IKKE KLAR" in body and "310260-xxxx" in body
    for cpr in CPRS:
        assert cpr not in body and f"{cpr[:6]}-{cpr[6:]}" not in body  # masked everywhere in the page
    assert page.locator("#no-delivery").count() == 1
    total = page.locator("#findings-table tbody tr").count()
    assert total > 5
    shot(page, "errors")
    with page.expect_navigation():
        page.select_option("#filter-severity", "warning")  # applies at once
    warnings = page.locator("#findings-table tbody tr")
    assert 0 < warnings.count() < total
    assert all(row.get_attribute("class") == "sev-warning" for row in warnings.all())
    with page.expect_navigation():
        page.select_option("#filter-severity", "")
    with page.expect_navigation():
        page.select_option("#filter-paragraph", "SEL108")
    assert page.locator("#findings-table tbody tr").count() >= 1
    assert set(page.locator("#findings-table tbody tr td:nth-child(4)").all_inner_texts()) == {"SEL108"}
    with page.expect_navigation():
        page.select_option("#filter-paragraph", "")
    with page.expect_navigation():
        page.select_option("#filter-code", "SIU103")
    assert page.locator("#findings-table tbody tr").count() == 1
    with page.expect_navigation():
        page.click("#findings-table thead a:text('Række')")  # sort by row
    shot(page, "filter")
    page.click("#findings-table tbody a.code")
    page.wait_for_selector("#explain")
    assert "CPR-nummer med umulig dato" in page.inner_text("h1")
    shot(page, "explain")


def test_progress_and_cancel(page, tmp_path):
    from exports import make_lines, opus_danish

    export = opus_danish(tmp_path / "stort-udtraek.csv", make_lines(3000, seed=9))
    head, *body = export.path.read_bytes().split(b"\n", 1)
    big = tmp_path / "stort-udtraek.csv"
    with big.open("wb") as fh:  # the same rows many times: a run long enough to watch and cancel
        fh.write(head + b"\n")
        for _ in range(60):
            fh.write(body[0])
    with page.expect_navigation():
        page.set_input_files("#files", str(big))
    page.select_option("#kommune", "101")
    page.fill("#year", "2025")
    page.select_option("#area", "voksen")
    page.set_input_files("#mapping", str(DEMO_MAPPING))
    page.click("#run-button")
    page.wait_for_selector("#progress")
    for _ in range(200):  # until the page shows lines done (polled) or the run has ended
        rows = page.locator("#progress #rows")
        if not rows.count() or rows.inner_text() not in ("", "0"):
            break
        page.wait_for_timeout(50)
    if page.locator("#progress").count():
        shot(page, "progress")
        noun = page.locator("#progress #rows-noun")  # set by the script from the polled status
        assert not noun.count() or noun.inner_text() in ("linje", "linjer")
        page.click("#cancel")
    page.wait_for_selector("#outcome.state-cancelled, #verdict")
    if page.locator("#outcome.state-cancelled").count():
        assert "SIU982" in page.inner_text("#run-error")
    # ending the session deletes its files
    page.click("#end-session")
    page.wait_for_selector("#ended")
