"""The report's verdict: good / fair / poor per section and overall, from documented
thresholds on the report's own numbers, with the worst findings in plain words.

Every check reads one report row (section, measure, column) and grades it with the
thresholds in :data:`CHECKS`; a section takes its worst check's grade, and the overall grade
is the worst section's. A section with no graded row says "not measured". The thresholds
were set so that real data held out from training grades "good" and time-shuffled or
constant data "poor" (``tests/test_verdict.py``); they are judgement, not statistics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

GRADES = ("good", "fair", "poor")
SECTIONS = ("fidelity", "temporal", "realism", "utility", "privacy")


@dataclass(frozen=True)
class Check:
    """One graded measure. ``kind``: "high" (good ≥ good, fair ≥ fair), "low" (good ≤ good,
    fair ≤ fair) or "ratio" (a ratio whose ideal is 1: max(r, 1/r) ≤ good / ≤ fair)."""

    section: str      # verdict section
    row: str          # report section of the row
    measure: str      # the row's measure (prefix)
    kind: str
    good: float
    fair: float
    rule: str         # the threshold in words, for "how we judge"


CHECKS = (
    Check("fidelity", "fidelity", "histogram similarity (all steps)", "high", 0.90, 0.75,
          "histogram overlap of each feature's values: good ≥ 0.90, fair ≥ 0.75"),
    Check("fidelity", "fidelity", "histogram similarity (per sequence)", "high", 0.90, 0.75,
          "histogram overlap of each attribute: good ≥ 0.90, fair ≥ 0.75"),
    Check("fidelity", "fidelity", "spread of sequence means, synthetic / real", "ratio",
          1.25, 2.0, "how much sequences differ from each other (std of their means), "
          "synthetic / real: good within 0.8–1.25, fair within 0.5–2"),
    Check("fidelity", "fidelity", "spread within sequences, synthetic / real", "ratio",
          1.25, 2.0, "how much each sequence moves (its std), synthetic / real: good within "
          "0.8–1.25, fair within 0.5–2"),
    Check("temporal", "temporal", "autocorrelation score", "high", 0.90, 0.60,
          "autocorrelation score of each continuous feature (1 = same curve): good ≥ 0.90, "
          "fair ≥ 0.60"),
    Check("realism", "realism", "mean |Δ| ratio synthetic / real", "ratio", 1.20, 1.50,
          "step changes, synthetic / real: good within 0.83–1.2, fair within 0.67–1.5"),
    Check("realism", "realism", "mean |Δ²| ratio synthetic / real", "ratio", 1.25, 2.0,
          "jaggedness (second differences), synthetic / real: good within 0.8–1.25, fair "
          "within 0.5–2"),
    Check("realism", "realism", "worst per-position |Δ| ratio", "low", 1.50, 2.50,
          "worst step position's change ratio: good ≤ 1.5, fair ≤ 2.5"),
    Check("realism", "realism", "KS statistic", "low", 0.10, 0.20,
          "Kolmogorov–Smirnov statistic of each feature's values: good ≤ 0.10, fair ≤ 0.20"),
    Check("realism", "realism", "share outside the real range", "low", 0.01, 0.05,
          "share of synthetic values outside the real range: good ≤ 1%, fair ≤ 5%"),
    Check("realism", "realism", "gradient-boosting detector accuracy", "low", 0.65, 0.85,
          "gradient-boosting classifier's accuracy telling synthetic from real: good ≤ 0.65, "
          "fair ≤ 0.85 (0.5 = cannot tell)"),
    Check("realism", "discriminative", "discriminative score |accuracy − 0.5|", "low", 0.10,
          0.25, "GRU classifier's accuracy minus 0.5, as a distance: good ≤ 0.10, fair ≤ "
          "0.25"),
    Check("utility", "utility", "MAE ratio synthetic / real", "low", 1.15, 1.50,
          "forecast error when trained on synthetic / on real data, tested on held-out real "
          "data: good ≤ 1.15, fair ≤ 1.5"),
    Check("privacy", "privacy", "synthetic sequences identical to a training sequence",
          "low", 0.0, 0.01, "share of synthetic sequences that copy a training sequence: "
          "good 0, fair ≤ 1%"),
    Check("privacy", "privacy", "DCR overfitting protection", "high", 0.90, 0.70,
          "closer to training than to unseen real data, as protection (1 = no sign of "
          "copying): good ≥ 0.90, fair ≥ 0.70"),
    Check("privacy", "privacy", "membership-inference attack AUC", "low", 0.60, 0.70,
          "membership-inference attack AUC (0.5 = cannot tell training members): good ≤ 0.60, "
          "fair ≤ 0.70"),
)


@dataclass
class Finding:
    """One graded row: its grade, the value and a sentence a newcomer reads."""

    section: str
    grade: str
    value: float
    column: str
    text: str


def grade(check: Check, value: float) -> str:
    """good / fair / poor of ``value`` under ``check``'s thresholds."""
    m = margin(check, value)
    return "good" if m >= 0 else "fair" if m >= -1 else "poor"


def margin(check: Check, value: float) -> float:
    """How far ``value`` is inside (≥ 0) or beyond (< 0) the "good" threshold, in units of
    the good–fair gap: ≥ 0 good, [−1, 0) fair, < −1 poor. Orders findings worst first."""
    gap = abs(check.fair - check.good)
    if check.kind == "high":
        return (value - check.good) / gap
    if check.kind == "ratio":
        value = max(value, 1 / value) if value > 0 else math.inf
    elif value <= 0:  # a share or statistic at its ideal, 0: as far from the line as can be
        return math.inf
    return (check.good - value) / gap


def _compared(ratio: float, grade_: str, same: str, less: str, more: str) -> str:
    """``same`` when good, else ``less``/``more`` by the ratio's side of 1, "far" when poor."""
    if grade_ == "good":
        return same
    return ("far " if grade_ == "poor" else "") + (less if ratio < 1 else more)


def describe(check: Check, v: float, col: str, g: str) -> str:
    """The sentence of one graded row."""
    m = check.measure
    if m.startswith("histogram similarity"):
        how = {"good": "like", "fair": "somewhat unlike", "poor": "unlike"}[g]
        return f"{col}: values distributed {how} the real ones (overlap {v:.2f}, 1 = same)"
    if m.startswith("spread of sequence means"):
        word = _compared(v, g, "as much as", "less than", "more than")
        return (f"{col}: synthetic sequences differ from each other {word} real ones do "
                f"(spread of sequence means {v:.2f}× real)")
    if m.startswith("spread within"):
        word = _compared(v, g, "as much as", "less than", "more than")
        return (f"{col}: each synthetic sequence varies {word} a real one "
                f"({v:.2f}× the real spread within a sequence)")
    if m.startswith("autocorrelation score"):
        how = {"good": "matches", "fair": "partly matches", "poor": "does not match"}[g]
        return f"{col}: the pattern over time {how} the real one (autocorrelation score " \
               f"{v:.2f}, 1 = same)"
    if m.startswith("mean |Δ| ratio"):
        how = _compared(v, g, "as smooth as", "smoother than", "more jagged than")
        return f"{col}: synthetic sequences are {how} real ones (step changes {v:.2f}× real)"
    if m.startswith("mean |Δ²| ratio"):
        return f"{col}: second differences (jaggedness) {v:.2f}× real"
    if m.startswith("worst per-position"):
        return (f"{col}: at one step position the changes are {v:.2f}× off the real ones "
                "(an artifact at a fixed position)")
    if m == "KS statistic":
        return f"{col}: distribution of all values differs by KS {v:.3f} (0 = same)"
    if m.startswith("share outside"):
        return f"{col}: {v:.1%} of synthetic values lie outside the real range"
    if m.startswith("gradient-boosting detector"):
        return (f"a gradient-boosting classifier tells synthetic from real sequences apart "
                f"{v:.1%} of the time (50% = cannot)")
    if m.startswith("discriminative score"):
        return (f"a GRU classifier's accuracy is {v:.2f} away from a coin flip (0 = cannot "
                "tell synthetic from real, 0.5 = always can)")
    if m.startswith("MAE ratio"):
        return (f"a forecaster trained on synthetic data errs {v:.2f}× as much on unseen real "
                f"data as one trained on real data ({col})")
    if m.startswith("synthetic sequences identical"):
        return f"{v:.1%} of synthetic sequences are copies of training sequences"
    if m.startswith("DCR overfitting"):
        return (f"synthetic sequences are no closer to the training data than to unseen real "
                f"data (protection {v:.2f}, 1 = no sign of copying)" if g == "good" else
                f"synthetic sequences sit closer to the training data than to unseen real data "
                f"(protection {v:.2f}, 1 = no sign of copying)")
    if m.startswith("membership-inference"):
        return f"a membership-inference attack reaches AUC {v:.2f} (0.5 = cannot tell members)"
    return f"{m} {col}: {v:.3g}"


def _number(row: dict) -> float | None:
    value = row.get("score", row["value"])
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def findings(metrics: list[dict]) -> list[Finding]:
    """Every graded row of ``metrics`` (the report's rows), worst first."""
    out = []
    for row in metrics:
        for check in CHECKS:
            if row["section"] == check.row and row["measure"].startswith(check.measure):
                v = _number(row)
                if v is None:
                    continue
                g = grade(check, v)
                out.append((margin(check, v), Finding(check.section, g, v, row["column"],
                                                      describe(check, v, row["column"], g))))
                break
    return [f for _, f in sorted(out, key=lambda pair: pair[0])]


def judge(metrics: list[dict]) -> dict:
    """``{"overall": grade, "sections": {name: {"grade", "text"}}, "findings": [...]}``; a
    section's text is its worst finding (or, when all are good, how many checks passed and the
    one closest to its threshold); ``findings`` (fair and poor only) open with each failing
    section's worst, worst first, then the others."""
    found = findings(metrics)
    sections = {}
    for name in SECTIONS:
        mine = [f for f in found if f.section == name]
        if not mine:
            sections[name] = {"grade": "not measured", "text": ""}
            continue
        worst = mine[0]
        text = worst.text if worst.grade != "good" else (
            f"{len(mine)} of {len(mine)} checks good; closest to the line: {worst.text}")
        sections[name] = {"grade": worst.grade, "text": text}
    graded = [s["grade"] for s in sections.values() if s["grade"] in GRADES]
    overall = max(graded, key=GRADES.index) if graded else "not measured"
    bad = [f for f in found if f.grade != "good"]
    heads = [next(f for f in bad if f.section == name) for name in dict.fromkeys(
        f.section for f in bad)]  # each failing section's worst finding, then the rest
    rest = [f for f in bad if all(f is not h for h in heads)]
    return {"overall": overall, "sections": sections,
            "findings": [vars(f) for f in heads + rest]}


def rules() -> list[tuple[str, str]]:
    """(section, threshold in words) of every check: the report's "how we judge"."""
    return [(c.section, c.rule) for c in CHECKS]
