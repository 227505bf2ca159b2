"""Time and peak memory of ``siu diff`` on two generated XML deliveries of N lines each.

    python benchmarks/diff_memory.py --lines 1000000

Writes OLD (N lines: N/12 citizens × 12 months) and NEW (the same with 1 % of citizens removed,
1 % added and every 50th amount changed) with siu's own XML writer into a temporary folder, then
runs ``siu.deliver.diff.compare`` in a fresh process and reports wall time and peak RSS (ru_maxrss) of
that process. Results go in benchmarks/RESULTS.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def write(path: Path, lines: int, variant: int) -> None:
    from siu.models import DeliveryHeader, Totals, new_record
    from siu.specpack import BUILTIN_DIR, SpecPack
    from siu.write.xml import XmlWriter

    spec = SpecPack.load(BUILTIN_DIR / "2025")
    header = DeliveryHeader(
        kommune="101",
        year=2025,
        area="voksen",
        spec_version=spec.version,
        created=dt.datetime(2026, 1, 1),
        totals=Totals(),
    )
    citizens = lines // 12

    def records():
        for c in range(citizens):
            if variant and c % 100 == 0:
                c += 10_000_000  # 1 % of citizens replaced by others
            psr = f"{(c % 28) + 1:02d}{(c // 28) % 12 + 1:02d}{60 + c % 40:02d}{c % 10000:04d}"
            for m in range(1, 13):
                start = dt.date(2025, m, 1)
                end = (dt.date(2025, m + 1, 1) if m < 12 else dt.date(2026, 1, 1)) - dt.timedelta(days=1)
                amount = Decimal(30000 + (c % 977))
                if variant and (c * 12 + m) % 50 == 0:
                    amount += 100
                yield new_record(
                    psr_id=psr,
                    kontostreng="53850100140",
                    paragraph="SEL108",
                    area="voksen",
                    amount=amount,
                    start=start,
                    end=end,
                )

    with path.open("wb") as fh:
        XmlWriter().write(records(), header, spec, fh)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        from siu.deliver.diff import compare

        began = time.perf_counter()
        data = compare(Path(args.child[0]), Path(args.child[1]))
        wall = time.perf_counter() - began
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "wall_s": round(wall, 2),
                    "peak_rss_mb": round(rss, 1),
                    "lines": data["lines"] | {"samples": None},
                    "citizens": {k: data["citizens"][k] for k in ("added", "removed")},
                }
            )
        )
        return
    with tempfile.TemporaryDirectory() as tmp:
        old, new = Path(tmp) / "old.xml", Path(tmp) / "new.xml"
        write(old, args.lines, 0)
        write(new, args.lines, 1)
        sizes = f"{old.stat().st_size / 1e6:.0f} MB + {new.stat().st_size / 1e6:.0f} MB"
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(old), str(new)], capture_output=True, text=True, check=True
        )
        print(f"{args.lines} lines each ({sizes}): {out.stdout.strip()}")


if __name__ == "__main__":
    main()
