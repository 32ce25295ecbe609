"""Build the map geometry shipped in ``src/powergap/data/geo/``: Natural Earth country
outlines as TopoJSON, each country tagged with its COW code.

Source: Natural Earth 1:110m Admin 0 countries (public domain, https://www.naturalearthdata.com/),
as redistributed in TopoJSON by the npm package ``world-atlas`` (Mike Bostock, ISC licence
for the packaging; version recorded below). Get it with the npm client, then run this
script on the unpacked package::

    mkdir -p /tmp/geo && cd /tmp/geo && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_geometry.py /tmp/geo/package   # from the repository root

What the conversion does (and nothing else; arcs and quantisation are kept as published):

* keeps the ``countries`` object and drops ``land`` (the page needs only the countries);
* gives each geometry ``properties = {name, iso3, ccode}``: ``id`` is the ISO 3166-1
  numeric code, turned into ISO3 with country_converter (``ISOnumeric`` -> ``ISO3``) and
  into the COW code with powergap's crosswalk; the three outlines Natural Earth leaves
  without a code are matched by name (Kosovo -> COW 347; N. Cyprus and Somaliland are no
  COW state and keep ``ccode`` null);
* writes ``countries-110m.topo.json`` (compact JSON) and ``SOURCE.md`` (source, version,
  licence, SHA-256 of the input and of the output).

The page never fetches geometry: the file is inlined into the report (about 0.1 MB).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "src" / "powergap" / "data" / "geo"
OUT = OUT_DIR / "countries-110m.topo.json"
INPUT = "countries-110m.json"
BY_NAME = {"Kosovo": "XKX"}  # outlines without an ISO numeric id in Natural Earth 4.1.0


def convert(package: Path) -> tuple[dict, dict]:
    import country_converter as coco

    sys.path.insert(0, str(ROOT / "src"))
    from powergap.states import crosswalk

    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    raw = (package / INPUT).read_bytes()
    topo = json.loads(raw)
    cc = coco.CountryConverter()
    num = cc.data.dropna(subset=["ISOnumeric", "ISO3"])
    iso3_of = {int(n): str(i) for n, i in zip(num["ISOnumeric"], num["ISO3"])}
    xw = crosswalk()
    # current states only: where an ISO3 code names several COW states over time, the last
    ccode_of = {r.iso3: int(r.ccode) for r in xw.sort_values("ccode").itertuples() if r.iso3}
    ccode_of.update({"DEU": 255, "YEM": 679, "SRB": 345, "XKX": 347})
    geoms = []
    unmatched = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = (g.get("properties") or {}).get("name")
        iso3 = iso3_of.get(int(g["id"])) if g.get("id") is not None else BY_NAME.get(name)
        ccode = ccode_of.get(iso3) if iso3 else None
        if ccode is None:
            unmatched.append(f"{name} ({iso3 or 'no code'})")
        g2 = {k: v for k, v in g.items() if k != "properties"}
        g2["properties"] = {"name": name, "iso3": iso3, "ccode": ccode}
        geoms.append(g2)
    out = {"type": "Topology", "bbox": topo.get("bbox"), "transform": topo["transform"],
           "objects": {"countries": {"type": "GeometryCollection", "geometries": geoms}}, "arcs": topo["arcs"]}
    info = {"package": f"{meta['name']}@{meta['version']}", "input": INPUT,
            "input_sha256": hashlib.sha256(raw).hexdigest(), "features": len(geoms),
            "unmatched": unmatched}
    return out, info


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit(__doc__)
    topo, info = convert(Path(argv[0]))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(topo, separators=(",", ":"), ensure_ascii=False)
    OUT.write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (OUT_DIR / "SOURCE.md").write_text(
        "# Map geometry\n\n"
        f"`{OUT.name}`: Natural Earth 1:110m Admin 0 countries (version 4.1.0), public domain "
        "(https://www.naturalearthdata.com/about/terms-of-use/), from the npm package "
        f"`{info['package']}` (TopoJSON packaging by Mike Bostock, ISC licence; "
        "https://github.com/topojson/world-atlas), file `{0}` (SHA-256 {1}).\n\n"
        "Converted by `scripts/build_geometry.py`: the `countries` object only, each outline tagged "
        "with `name`, `iso3` (from the ISO 3166-1 numeric id, via country_converter) and `ccode` "
        "(COW code, via powergap's crosswalk). Arcs and quantisation are as published.\n\n"
        f"Output SHA-256: {digest}. Outlines: {info['features']}. Without a COW state: "
        f"{', '.join(info['unmatched']) or 'none'}.\n\n"
        "At 1:110m some small states have no outline (for example Singapore, Bahrain, Malta and "
        "most small island states): the map cannot show them; the page's tables list every state.\n"
        .format(info["input"], info["input_sha256"]), encoding="utf-8")
    print(f"wrote {OUT} ({len(text) / 1e3:.0f} kB, {info['features']} outlines; unmatched: {info['unmatched']})")


if __name__ == "__main__":
    main(sys.argv[1:])
