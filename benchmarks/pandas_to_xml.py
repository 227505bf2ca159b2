"""What an analyst would write instead of siu: pandas reads the Opus export, writes XML.

Benchmark variant (e). It does much less than siu (no mapping to kontostreng, no validation,
no anonymisation, no XSD check, no report), so it is a generous yardstick: it reads every
cell, turns Danish amounts (``1.234,56-``) and dates into values, and writes one XML element
per posting with ``DataFrame.to_xml``.

    python benchmarks/pandas_to_xml.py opus.csv out.xml
"""

from __future__ import annotations

import sys

try:
    import pandas as pd
except ImportError:  # pragma: no cover - benchmark only
    sys.exit("pandas is not installed: pip install pandas (benchmark only, not a siu dependency)")


def main(src: str, dst: str) -> None:
    df = pd.read_csv(src, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    df = df[df["Bilagsnr"].str.isdigit()]  # drop the subtotal line
    text = df["Beløb"].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    negative = text.str.endswith("-")
    amount = pd.to_numeric(text.str.rstrip("-"))
    amount = amount.where(~negative, -amount)

    def day(col: str) -> pd.Series:
        return pd.to_datetime(df[col], format="%d.%m.%Y").dt.strftime("%Y-%m-%d")

    out = pd.DataFrame(
        {
            "PsrID": df["CPR-nr"].str.replace("-", "", regex=False),
            "PSP": df["PSP-element"],
            "Omkostningssted": df["Omkostningssted"],
            "Artskonto": df["Artskonto"],
            "Beloeb": amount.map("{:.2f}".format),
            "Startdato": day("Periode fra"),
            "Slutdato": day("Periode til"),
        }
    )
    out.to_xml(dst, index=False, root_name="SIUIndberetning", row_name="Udgiftslinje", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
