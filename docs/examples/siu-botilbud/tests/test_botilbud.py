"""siu's contract suite on the sample, and what the adapter does with a date it cannot read."""

from __future__ import annotations

from pathlib import Path

import siu_botilbud
from siu.adapters import ReadInfo, ReadOptions
from siu.models import Posting
from siu.testing import AdapterContract, Sample

SAMPLE = Path(__file__).parent.parent / "samples" / "beboerliste-2025.txt"


class TestBotilbudContract(AdapterContract):
    plugin = siu_botilbud
    source_name = "botilbud"
    entry_point = "botilbud"
    samples = [Sample(SAMPLE, total="159605.75", postings=5)]


def test_an_unreadable_date_is_reported_once_and_marked_invalid(tmp_path):
    path = tmp_path / SAMPLE.name
    path.write_text(SAMPLE.read_text(encoding="utf-8").replace("01.02.2025;28.02", "01.02.2025;30.02", 1), "utf-8")
    info = ReadInfo()
    items = list(siu_botilbud.BotilbudSource().read(path, ReadOptions(), info))
    (bad,) = [i for i in items if not isinstance(i, Posting)]
    assert (bad.code, bad.location.row, bad.location.column) == ("BOTILBUD003", 2, "felt 4")
    posting = [i for i in items if isinstance(i, Posting)][1]
    assert posting.end is None and posting.invalid == ("end",)
    assert (info.rows_read, info.rows_skipped, info.postings) == (6, 1, 0)  # siu counts the postings
