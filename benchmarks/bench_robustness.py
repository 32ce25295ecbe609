"""Benchmark: exact weight robustness for every non-directed dyad-year 1816-2022, 6 dimensions.

Target (issue 4): at most 5 s on this machine. Compared with a 100,000-draw Monte Carlo
estimate of the same numbers, which is far too slow to run on ~1M dyad-years: it is timed
on a random subset and extrapolated linearly (said so in the output).

Data: the six NMC components (military expenditure, personnel, iron and steel, energy,
total and urban population) as six dimensions, for every non-directed dyad-year of the
panel builder (``powergap.dyad_years(directed=False)`` with ``add_nmc``; without it, every
pair of states with an NMC row in the same year). Missing components are missing
dimensions for that dyad-year. A second run uses synthetic log-normal values with all six
dimensions present (the worst case for the recursion).

Run: ``python benchmarks/bench_robustness.py [--subset 2000] [--draws 100000]``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def nmc_dyads() -> tuple[np.ndarray, np.ndarray, str]:
    """(values_a, values_b, how) for every non-directed dyad-year 1816-2022 with NMC values.

    Uses the panel builder (``powergap.dyad_years`` + ``add_nmc``) when it is installed;
    otherwise pairs the states with an NMC row in the same year.
    """
    from powergap.measures.composite import NMC_COMPONENTS

    try:
        from powergap.panels import add_nmc, dyad_years
    except ImportError:
        dyad_years = None
    if dyad_years is not None:
        panel = add_nmc(dyad_years(directed=False, start=1816, end=2022))
        va = panel[[f"{c}_1" for c in NMC_COMPONENTS]].to_numpy(dtype=float)
        vb = panel[[f"{c}_2" for c in NMC_COMPONENTS]].to_numpy(dtype=float)
        return va, vb, "powergap.dyad_years(directed=False) + add_nmc"
    from powergap.measures.composite import wide_state_year

    wide = wide_state_year(list(NMC_COMPONENTS)).sort_values(["year", "ccode"])
    vals = wide[list(NMC_COMPONENTS)].to_numpy(dtype=float)
    years = wide["year"].to_numpy()
    va, vb = [], []
    bounds = np.flatnonzero(np.diff(years)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(years)]):
        i, j = np.triu_indices(hi - lo, k=1)
        va.append(vals[lo + i])
        vb.append(vals[lo + j])
    return np.concatenate(va), np.concatenate(vb), "pairs of NMC state-years (panel builder not installed)"


def run(values_a: np.ndarray, values_b: np.ndarray, label: str, *, subset: int, draws: int, threshold: float,
        seed: int = 1) -> dict:
    from powergap.measures.robustness import weight_robustness, weight_robustness_mc

    m = values_a.shape[0]
    t0 = time.perf_counter()
    res = weight_robustness(values_a, values_b, threshold=threshold)
    exact_s = time.perf_counter() - t0

    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(m, size=min(subset, m), replace=False))
    t0 = time.perf_counter()
    fa_mc, fb_mc = weight_robustness_mc(values_a[idx], values_b[idx], threshold=threshold, draws=draws, seed=seed)
    mc_s = time.perf_counter() - t0
    mc_full = mc_s / idx.size * m

    fa = res.fraction_a[idx]
    ok = ~np.isnan(fa)
    se = np.sqrt(np.clip(fa * (1 - fa), 1.0 / draws, None) / draws)  # floor: SE is 0 at 0 and 1
    z = np.abs(fa[ok] - fa_mc[ok]) / se[ok]
    out = {
        "label": label, "dyad_years": m, "exact_s": exact_s, "exact_rate": m / exact_s,
        "mc_subset": int(idx.size), "mc_draws": draws, "mc_subset_s": mc_s, "mc_extrapolated_s": mc_full,
        "speedup": mc_full / exact_s, "max_abs_diff": float(np.max(np.abs(fa[ok] - fa_mc[ok]))),
        "max_z": float(z.max()), "share_within_3se": float((z <= 3).mean()),
    }
    print(f"[{label}] {m:,} dyad-years, 6 dimensions, t = {threshold:g}")
    print(f"  exact closed form : {exact_s:6.2f} s  ({m / exact_s:,.0f} dyad-years/s)")
    print(f"  Monte Carlo       : {mc_s:6.2f} s for {idx.size:,} dyad-years x {draws:,} draws "
          f"-> {mc_full:,.0f} s extrapolated to all {m:,} (not run: linear in dyad-years)")
    print(f"  speed-up          : {mc_full / exact_s:,.0f}x")
    print(f"  agreement on the subset: max |exact - MC| = {out['max_abs_diff']:.4f}, "
          f"max |z| = {out['max_z']:.2f}, {100 * out['share_within_3se']:.1f}% within 3 standard errors")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subset", type=int, default=2000, help="dyad-years for the Monte Carlo comparison")
    ap.add_argument("--draws", type=int, default=100_000)
    ap.add_argument("--threshold", type=float, default=1.5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    va, vb, how = nmc_dyads()
    print(f"built {va.shape[0]:,} NMC dyad-years in {time.perf_counter() - t0:.1f} s ({how})")
    run(va, vb, "NMC components, 1816-2022", subset=args.subset, draws=args.draws, threshold=args.threshold)

    rng = np.random.default_rng(7)
    m = va.shape[0]
    sa = rng.lognormal(sigma=1.5, size=(m, 6))
    sb = rng.lognormal(sigma=1.5, size=(m, 6))
    run(sa, sb, "synthetic, all 6 dimensions present", subset=args.subset, draws=args.draws,
        threshold=args.threshold)


if __name__ == "__main__":
    main()
