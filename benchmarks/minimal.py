"""The least a line-by-line Python converter does: the floor siu cannot go below in CPython.

Not a siu variant and not a rival: it does what the pandas script (e) does, streaming, in plain
Python with every shortcut (dates and CPR numbers looked up per distinct text, one format call
per line), and nothing else: no mapping, no rule, no anonymisation, no XSD check, no report,
no location kept for a finding. Its time over the csv floor (a) is what reading amounts and
dates and writing XML costs in CPython before any checking starts.

    python benchmarks/minimal.py opus.csv out.xml
"""

from __future__ import annotations

import csv
import re
import sys
from decimal import Decimal

DANISH = re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+),([0-9]+)(-?)")
LINE = (
    "    <Udgiftslinje><PsrID>{}</PsrID><PSP>{}</PSP><Omkostningssted>{}</Omkostningssted><Artskonto>{}</Artskonto>"
    "<Beloeb>{}</Beloeb><StartDato>{}</StartDato><SlutDato>{}</SlutDato></Udgiftslinje>\n"
)


def main(src: str, dst: str) -> None:
    dates: dict[str, str] = {}
    cprs: dict[str, str] = {}

    def iso(text: str) -> str:
        out = dates.get(text)
        if out is None:
            out = dates[text] = f"{text[6:10]}-{text[3:5]}-{text[0:2]}"
        return out

    with open(src, encoding="cp1252", newline="") as fh, open(dst, "w", encoding="utf-8") as out:
        rows = csv.reader(fh, delimiter=";")
        next(rows)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<SIUIndberetning>\n')
        buf: list[str] = []
        for doc, _, psp, cost, art, cpr, amount, start, end, *_ in rows:
            if not doc.isdigit():
                continue  # the subtotal line
            m = DANISH.fullmatch(amount)
            value = Decimal(f"{m.group(1).replace('.', '')}.{m.group(2)}") if m else Decimal(0)
            if m and m.group(3):
                value = -value
            psr = cprs.get(cpr)
            if psr is None:
                psr = cprs[cpr] = cpr.replace("-", "")
            buf.append(LINE.format(psr, psp, cost, art, f"{value:.2f}", iso(start), iso(end)))
            if len(buf) >= 2048:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))
        out.write("</SIUIndberetning>\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
