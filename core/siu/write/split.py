"""One delivery written as one file per area (``--split``), each a full load for its area.

Lines stream past once, as record batches (:func:`write_per_area_batches`, each batch filtered per
area on its ``area`` column). Each area's writer runs in a thread of its own, fed through a bounded
queue, so no area's lines are held in memory and writers keep the simple pull interface of
:class:`siu.writers.Writer`. Every file goes to a temporary name; the caller checks them all and
renames them only when the whole delivery is free of errors (:func:`commit_all`).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc

from siu.batches import info_of
from siu.catalogue.write import EMPTY_AREA, NO_AREA
from siu.findings import FindingSink
from siu.models import DeliveryHeader, Totals
from siu.specpack import SpecPack
from siu.writers import Writer, add_totals, atomic_output, commit

BATCHES_WAITING = 2  # record batches queued per area: each may hold 65,536 lines


_DONE = None


class _Lane(threading.Thread):
    """One area's writer, pulling record batches (its area's rows of each batch) from a bounded
    queue in a thread of its own."""

    def __init__(self, writer: Writer, header: DeliveryHeader, spec: SpecPack, out: BinaryIO) -> None:
        super().__init__(daemon=True, name=f"siu-split-{header.area}")
        self.writer, self.header, self.spec, self.out = writer, header, spec, out
        self.queue: queue.Queue[pa.RecordBatch | None] = queue.Queue(maxsize=BATCHES_WAITING)
        self.error: BaseException | None = None

    def put(self, batch: pa.RecordBatch) -> None:
        add_totals(self.header.totals, batch)  # before the writer can see the batch
        self.queue.put(batch)

    def close(self) -> None:
        self.queue.put(_DONE)
        self.join()

    def _batches(self) -> Iterator[pa.RecordBatch]:
        while (batch := self.queue.get()) is not _DONE:
            yield batch
        self.finished = True

    def run(self) -> None:
        self.finished = False
        try:
            self.writer.write_batches(self._batches(), self.header, self.spec, self.out)
            self.out.flush()
            if not self.finished:  # lines would be missing from the file: never keep it
                self.error = RuntimeError(
                    f"writer '{self.writer.name}' stopped before the last line of area {self.header.area}"
                )
        except BaseException as exc:  # handed to the caller's thread after join()
            self.error = exc
        finally:
            # a writer that failed (or stopped early) must not leave the producer blocked on a full queue
            while not self.finished:
                self.finished = self.queue.get() is _DONE


def write_per_area_batches(
    batches: Iterable[pa.RecordBatch],
    writer: Writer,
    header: DeliveryHeader,
    spec: SpecPack,
    targets: dict[str, Path],
    sink: FindingSink,
) -> dict[str, tuple[Path, DeliveryHeader]]:
    """Write ``batches`` (:data:`siu.batches.RECORD_SCHEMA`) into one temporary file per area of
    ``targets``: each area's rows of a batch go to that area's writer as one batch.

    Returns area → (temporary file, that file's header with its own totals). A row whose area is
    not among ``targets`` is reported (SIU620), in row order, and written nowhere. On any exception
    the temporary files are removed and the exception propagates.
    """
    headers = {area: header.model_copy(update={"area": area, "totals": Totals()}) for area in targets}
    with ExitStack() as stack:
        files = {area: stack.enter_context(atomic_output(path)) for area, path in targets.items()}
        lanes = {area: _Lane(writer, headers[area], spec, fh) for area, (fh, _) in files.items()}
        _run_lanes(lanes, lambda: _deal(batches, lanes, sink))
        _finish(lanes, targets, sink)
        return {area: (tmp, headers[area]) for area, (_, tmp) in files.items()}


def _deal(batches: Iterable[pa.RecordBatch], lanes: dict[str, _Lane], sink: FindingSink) -> None:
    """Each batch's rows to their area's lane; SIU620 for a row of no area siu writes."""
    known = pa.array(list(lanes), pa.string())
    for batch in batches:
        areas = batch.column("area")
        for area, lane in lanes.items():
            rows = batch.filter(pc.equal(areas, area))
            if rows.num_rows:
                lane.put(rows)
        lost = pc.invert(pc.fill_null(pc.is_in(areas, value_set=known), False))
        if pc.any(lost).as_py():
            info = info_of(batch)
            for row, paragraph in zip(*batch.filter(lost).select(["row", "record_paragraph"]).to_pydict().values()):
                sink.add(NO_AREA.make(location=info.location(row), field="paragraph", value=paragraph))


def _run_lanes(lanes: Mapping[str, _Lane], deal: Callable[[], None]) -> None:
    for lane in lanes.values():
        lane.start()
    try:
        deal()
    finally:
        for lane in lanes.values():
            lane.close()
    for lane in lanes.values():
        if lane.error is not None:
            raise lane.error


def _finish(lanes: Mapping[str, _Lane], targets: dict[str, Path], sink: FindingSink) -> None:
    for area, lane in lanes.items():
        if lane.header.totals.records == 0:
            sink.add(EMPTY_AREA.make(area=area, file=targets[area].name))


def commit_all(files: dict[str, tuple[Path, DeliveryHeader]], targets: dict[str, Path]) -> list[Path]:
    """Rename every temporary file into place, one right after the other; returns the targets."""
    done = []
    for area, (tmp, _) in files.items():
        commit(tmp, targets[area])
        done.append(targets[area])
    return done
