"""Compare powergap's dependence on China with the Pardee Center's FBIC (issue 20, item 4).

FBIC (Formal Bilateral Influence Capacity; Moyer, Meisel, Matthews, Bohl & Burrows 2021,
"China-US Competition: Measuring Global Influence", Atlantic Council / Frederick S. Pardee
Center) measures, for each pair, a *bandwidth* (how much two states interact) and a
*dependence* (how much one relies on the other); its index combines the two. The extract in
``../shared/data/raw/fbic_china_influence_aasheim/base_conversion.csv`` (H. Aasheim's MA
thesis data; see the raw MANIFEST) holds China's FBIC over each country and the China-country
bandwidth, not the dependence column; the script takes the dependence implied by the index
being bandwidth x dependence (``fbic / bandwidth``: a proxy, since 57 of 5,154 rows exceed 1,
so the published index is not exactly that product; the script prints the count) and also
compares the index itself.

powergap's side, from the one evidence layer for the same country-years: the country's trade
with China over its total trade (``evidence.trade_shares``), China's share of its arms imports
over five years (``evidence.arms_import_share``). Pearson and Spearman correlations over country-years where both have
a value. Prints a Markdown table (pasted into docs/orbit.md).

Run from the repository root: ``python scripts/fbic_compare.py [RAW_DIR]`` (default
``../shared/data/raw``); without the file it says so and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path

FILE = Path("fbic_china_influence_aasheim") / "base_conversion.csv"


def main(argv: list[str]) -> int:
    import numpy as np
    import pandas as pd

    raw = Path(argv[0]) if argv else Path(__file__).resolve().parents[1].parent / "shared" / "data" / "raw"
    path = raw / FILE
    if not path.is_file():
        print(f"skipped: {path} not found (the FBIC extract lives in the shared raw data)")
        return 0
    from powergap.measures import evidence as E
    from powergap.snapshot.store import default_store
    from powergap.states import iso3_to_ccode

    d = pd.read_csv(path, usecols=["iso3c", "year", "fbic", "bandwidth"])
    d = d.dropna(subset=["fbic", "bandwidth"])
    d = d[d["bandwidth"] > 0].copy()
    d["dependence"] = d["fbic"] / d["bandwidth"]
    over = int((d["dependence"] > 1).sum())
    print(f"FBIC rows with both values: {len(d)}; fbic/bandwidth above 1 in {over} of them (the index is not "
          f"exactly bandwidth x dependence: the ratio is a proxy for the dependence component)\n")
    d["ccode"] = iso3_to_ccode(d["iso3c"], d["year"], source="state")
    d = d.dropna(subset=["ccode"])
    d = d[d["ccode"] != 710]
    st = default_store()
    cc, yy = d["ccode"].to_numpy(np.int64), d["year"].to_numpy(np.int64)
    chn = np.full(len(cc), 710, np.int64)
    d["trade_share"] = E.trade_shares(st, cc, chn, yy).share_ab
    d["arms_share"] = E.arms_import_share(st, cc, chn, yy, width=5)[0]
    rows = []
    for theirs in ("dependence", "fbic"):
        for ours in ("trade_share", "arms_share"):
            m = d[[theirs, ours]].dropna()
            rows.append({"FBIC": theirs, "powergap": ours, "n": len(m),
                         "countries": d.loc[m.index, "iso3c"].nunique(),
                         "years": f"{d.loc[m.index, 'year'].min()}-{d.loc[m.index, 'year'].max()}",
                         "pearson": m[theirs].corr(m[ours]), "spearman": m[theirs].corr(m[ours], method="spearman")})
    # within-country change: do the two move together over time?
    m = d[["iso3c", "dependence", "trade_share"]].dropna()
    dm = m.groupby("iso3c")[["dependence", "trade_share"]].transform(lambda s: s - s.mean())
    rows.append({"FBIC": "dependence (within country)", "powergap": "trade_share (within country)", "n": len(m),
                 "countries": m["iso3c"].nunique(), "years": "",
                 "pearson": dm["dependence"].corr(dm["trade_share"]),
                 "spearman": dm["dependence"].corr(dm["trade_share"], method="spearman")})
    out = pd.DataFrame(rows)
    print("| FBIC | powergap | country-years | countries | years | Pearson | Spearman |")
    print("|---|---|---|---|---|---|---|")
    for r in out.itertuples():
        print(f"| {r.FBIC} | {r.powergap} | {r.n} | {r.countries} | {r.years} | {r.pearson:.2f} | {r.spearman:.2f} |")
    focus = d[d["iso3c"].isin(["KAZ", "KGZ", "TJK", "TKM", "UZB", "MNG"])]
    focus = focus[["iso3c", "dependence", "trade_share"]].dropna()
    if len(focus):
        print(f"\nCentral Asia and Mongolia: {len(focus)} country-years, Pearson "
              f"{focus['dependence'].corr(focus['trade_share']):.2f}, Spearman "
              f"{focus['dependence'].corr(focus['trade_share'], method='spearman'):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
