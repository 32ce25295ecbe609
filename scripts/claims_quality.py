"""Quality of `powergap claims draft` against hand-written claims (docs/claims.md, "Drafting claims").

    python scripts/claims_quality.py            # the five seed essays vs claims/seeds.yaml
    python scripts/claims_quality.py --own      # also tests/fixtures/draft/*.txt vs their .expected.yaml
    python scripts/claims_quality.py --list     # print every draft (for judging by hand)

Matching: a draft covers a hand-written claim when both come from the same file and line and
the words the draft rests on (its figure, or its cue word for a comparison) lie inside the
claim's quoted text in that line (the claim's `text` found in the line; where the quote is not
found verbatim, the sentence holding its first 40 characters).

Figures printed:
* coverage: share of hand-written claims covered by at least one draft;
* verdict agreement: over covered claims whose best draft has a real expression (a lexicon
  concept, not the `drafted_concept` placeholder), the share with the same verdict; also over
  the pairs where both verdicts are supported/contradicted;
* real-claim share: from the hand judgements in scripts/claims_quality_judged.yaml (a sample
  of drafts judged by reading them: is it a real quantitative claim of the text?).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"  # the seed essays beside the repository (as in CI)


def _norm(t: str) -> str:
    return t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def quoted_span(line: str, quote: str) -> tuple[int, int] | None:
    nl, nq = _norm(line), _norm(quote).strip()
    i = nl.find(nq)
    if i >= 0:
        return i, i + len(nq)
    head = nq[:40]
    i = nl.find(head)
    if i >= 0:  # the quote continues differently: take up to the sentence end
        j = nl.find(". ", i + len(head))
        return i, (j if j > 0 else len(nl))
    return None


def evaluate(pairs: list[tuple[Path, list[dict]]], judged: dict | None = None, *, show: bool = False) -> dict:
    import powergap
    from powergap.claims.draft import draft_claims

    total = covered = 0
    agree = comparable = agree_both = comparable_both = 0
    n_drafts = n_mapped = n_matching = 0
    misses: list[str] = []
    disagreements: list[str] = []
    all_drafts = []
    for path, claims in pairs:
        lines = path.read_text(encoding="utf-8").splitlines()
        drafts = draft_claims(path)
        all_drafts += [(path.name, d) for d in drafts]
        n_drafts += len(drafts)
        n_mapped += sum(d.mapped for d in drafts)
        dv = {r.id: r for r in powergap.check_claims([d.to_claim() for d in drafts]).results} if drafts else {}
        hv = {r.id: r for r in powergap.check_claims(claims).results}
        matching: set[str] = set()
        for c in claims:
            total += 1
            m = re.search(r"line (\d+)", c["source"])
            ln = int(m.group(1)) if m else -1
            span = quoted_span(lines[ln - 1], c["text"]) if 0 < ln <= len(lines) else None
            cands = []
            for d in drafts:
                if d.line != ln or span is None:
                    continue
                a, b = d.anchor
                ov = min(b, span[1]) - max(a, span[0])
                if ov > 0:
                    cands.append((ov, d))
                    matching.add(d.id)
            if not cands:
                misses.append(f"{path.name[:3]} l{ln} {c['id']}: {c['text'][:90]}")
                continue
            covered += 1
            # the best draft: a mapped one first, then one with the hand claim's target, then the largest overlap
            t = float(c["expect"]["target"])
            cands.sort(key=lambda od: (not od[1].mapped, abs(float(od[1].expect["target"]) - t) > 0.01 * abs(t),
                                       -od[0]))
            d = cands[0][1]
            if not d.mapped:
                continue
            comparable += 1
            v1, v2 = dv[d.id].verdict, hv[c["id"]].verdict
            agree += v1 == v2
            if v1 != "unverifiable" and v2 != "unverifiable":
                comparable_both += 1
                agree_both += v1 == v2
            if v1 != v2:
                disagreements.append(f"{c['id']}: hand {v2} ({c['value'][:60]}) / draft {v1} ({d.value[:60]})")
        n_matching += len(matching)
    out = {"claims": total, "covered": covered, "coverage": covered / total if total else float("nan"),
           "drafts": n_drafts, "mapped_drafts": n_mapped, "drafts_matching_a_hand_claim": n_matching,
           "compared": comparable, "agree": agree, "agreement": agree / comparable if comparable else float("nan"),
           "compared_verifiable": comparable_both, "agree_verifiable": agree_both,
           "agreement_verifiable": agree_both / comparable_both if comparable_both else float("nan")}
    if judged is not None:
        keys = {(f, int(l), w): r for f, l, w, r in judged}
        real = seen = 0
        for fname, d in all_drafts:
            for (f, l, w), r in keys.items():
                if f == fname and l == d.line and w in d.sentence[d.anchor[0] - d.sentence_span[0]:][:80]:
                    seen += 1
                    real += bool(r)
                    break
        out.update(judged=seen, real=real, real_share=real / seen if seen else float("nan"))
    if show:
        print("missed:", *misses, sep="\n  ")
        print("verdicts differ:", *disagreements, sep="\n  ")
    return out


def seed_pairs() -> list[tuple[Path, list[dict]]]:
    from powergap.claims import seeds_path

    claims = yaml.safe_load(seeds_path().read_text(encoding="utf-8"))
    by_file: dict[str, list[dict]] = {}
    for c in claims:
        by_file.setdefault(c["source"].split(",")[0].strip(), []).append(c)
    return [(SEEDS_DIR / f, cs) for f, cs in sorted(by_file.items())]


def own_pairs() -> list[tuple[Path, list[dict]]]:
    out = []
    for exp in sorted((ROOT / "tests" / "fixtures" / "draft").glob("*.expected.yaml")):
        txt = exp.with_name(exp.name.replace(".expected.yaml", ".txt"))
        out.append((txt, yaml.safe_load(exp.read_text(encoding="utf-8"))))
    return out


def judgements() -> list[tuple[str, int, str, bool]]:
    p = Path(__file__).with_name("claims_quality_judged.yaml")
    if not p.exists():
        return []
    return [(j["file"], j["line"], j["words"], j["real"]) for j in yaml.safe_load(p.read_text(encoding="utf-8"))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--own", action="store_true", help="also the texts of tests/fixtures/draft")
    ap.add_argument("--list", action="store_true", help="print every draft of the seeds")
    ap.add_argument("--show", action="store_true", help="print missed claims and verdict differences")
    args = ap.parse_args(argv)
    if args.list:
        from powergap.claims.draft import draft_claims

        for path, _ in seed_pairs() + (own_pairs() if args.own else []):
            for d in draft_claims(path):
                w = d.sentence[d.anchor[0] - d.sentence_span[0]:d.anchor[1] - d.sentence_span[0]]
                print(f"{path.name}\t{d.line}\t{w}\t{d.mapped}\t{d.value}\t{d.expect}\t{d.text[:100]}")
        return 0
    t = time.perf_counter()
    res = evaluate(seed_pairs(), judgements(), show=args.show)
    print(f"seeds: {res}")
    if args.own:
        print(f"own:   {evaluate(own_pairs(), show=args.show)}")
    print(f"({time.perf_counter() - t:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
