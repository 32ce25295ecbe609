"""Write ``src/powergap/data/regions.tsv``: every COW state's UN M49 sub-region.

Source: the United Nations Statistics Division's "Standard country or area codes for
statistical use" (M49), https://unstats.un.org/unsd/methodology/m49/ , as classified in the
``UNregion`` column of country_converter (Stadler 2017, JOSS 2(16) 332; the version is
recorded in the file's header). States are matched on their ISO3 code (the shipped COW-ISO
crosswalk); COW states without a current ISO3 code (the German and Italian states before
unification, Austria-Hungary, East Germany, Czechoslovakia, Zanzibar, the two Yemens and
Vietnams before unification, Korea before 1910) take the sub-region of the territory they
covered, written out below with that reason in the ``note`` column.

Run from the repository root: ``python scripts/build_regions.py``. The output is reviewable
data: one row per COW state, columns ``ccode, label, name, region, note``.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "powergap" / "data" / "regions.tsv"

# COW states without an ISO3 code that country_converter classifies: the M49 sub-region of
# their territory (the present state(s) that cover it).
BY_TERRITORY = {
    240: ("Western Europe", "Hanover: territory in Germany"),
    245: ("Western Europe", "Bavaria: territory in Germany"),
    260: ("Western Europe", "West Germany: territory in Germany"),
    265: ("Western Europe", "East Germany: territory in Germany (M49 places Germany in Western Europe)"),
    267: ("Western Europe", "Baden: territory in Germany"),
    269: ("Western Europe", "Saxony: territory in Germany"),
    271: ("Western Europe", "Wuerttemberg: territory in Germany"),
    273: ("Western Europe", "Hesse Electoral: territory in Germany"),
    275: ("Western Europe", "Hesse Grand Ducal: territory in Germany"),
    280: ("Western Europe", "Mecklenburg Schwerin: territory in Germany"),
    300: ("Western Europe", "Austria-Hungary: classified with Austria, its seat (Hungary is Eastern Europe)"),
    315: ("Eastern Europe", "Czechoslovakia: territory in Czechia and Slovakia"),
    327: ("Southern Europe", "Papal States: territory in Italy"),
    329: ("Southern Europe", "Two Sicilies: territory in Italy"),
    332: ("Southern Europe", "Modena: territory in Italy"),
    335: ("Southern Europe", "Parma: territory in Italy"),
    337: ("Southern Europe", "Tuscany: territory in Italy"),
    511: ("Eastern Africa", "Zanzibar: territory in Tanzania"),
    678: ("Western Asia", "North Yemen: territory in Yemen"),
    680: ("Western Asia", "South Yemen: territory in Yemen"),
    730: ("Eastern Asia", "Korea (to 1910): territory in the two Koreas"),
    817: ("South-eastern Asia", "Republic of Vietnam: territory in Viet Nam"),
}


def build() -> str:
    import country_converter as coco

    sys.path.insert(0, str(OUT.parents[2]))
    from powergap.states import crosswalk

    cc = coco.CountryConverter()
    by_iso = cc.data.dropna(subset=["ISO3"]).set_index("ISO3")["UNregion"].to_dict()
    lines = [f"# UN M49 sub-regions of the COW states. Source: UN Statistics Division, M49 "
             f"(https://unstats.un.org/unsd/methodology/m49/), via country_converter {coco.__version__} "
             f"(column UNregion). Written by scripts/build_regions.py.",
             "ccode\tlabel\tname\tregion\tnote"]
    missing = []
    for r in crosswalk().sort_values("ccode").itertuples():
        label = r.iso3 or r.stateabb
        if int(r.ccode) in BY_TERRITORY:
            region, note = BY_TERRITORY[int(r.ccode)]
        elif r.iso3 and isinstance(by_iso.get(r.iso3), str):
            region, note = by_iso[r.iso3], ""
        else:
            missing.append(f"{r.ccode} {r.cow_name}")
            continue
        lines.append(f"{r.ccode}\t{label}\t{r.cow_name}\t{region}\t{note}")
    if missing:
        raise SystemExit("no sub-region for: " + "; ".join(missing))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8")
    print(f"wrote {OUT}")
