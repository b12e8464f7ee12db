"""The report's verdict: real held-out weeks grade good, time-shuffled and constant ones poor,
the thresholds behave as documented, and the verdict comes first in HTML and console."""

import numpy as np
import pytest

import tfgan_ts as tg
from tfgan_ts.evaluation import train_test_split_sequences
from tfgan_ts.evaluation.verdict import CHECKS, grade, judge

FEATURES = ("traffic_volume", "temp")


@pytest.fixture(scope="module")
def weeks():
    df = tg.datasets.traffic_weeks()
    spec = tg.datasets.default_spec("traffic_weeks").fit(df)
    train, holdout = train_test_split_sequences(df, spec, test_size=0.2, seed=0)
    return spec, train, holdout


def quick_report(spec, train, synthetic, holdout):
    return tg.evaluation.report(train, synthetic, spec, holdout=holdout, discriminative=False,
                                utility=False, figures=False)


def test_real_holdout_weeks_grade_good(weeks):
    spec, train, holdout = weeks
    rep = quick_report(spec, train, holdout, holdout)
    v = rep.verdict
    assert v["overall"] == "good", rep.verdict_lines()
    for name in ("fidelity", "temporal", "realism", "privacy"):
        assert v["sections"][name]["grade"] == "good", (name, v["sections"][name])
    assert v["sections"]["utility"]["grade"] == "not measured"
    assert v["findings"] == []


def test_time_shuffled_weeks_grade_poor(weeks):
    spec, train, holdout = weeks
    rng = np.random.default_rng(0)
    shuffled = holdout.copy()
    for col in FEATURES:  # each week's hours in random order: same values, no daily cycle
        shuffled[col] = shuffled.groupby("window")[col].transform(
            lambda s: rng.permutation(s.to_numpy()))
    v = quick_report(spec, train, shuffled, holdout).verdict
    assert v["overall"] == "poor"
    assert v["sections"]["temporal"]["grade"] == "poor"
    assert v["sections"]["realism"]["grade"] == "poor"
    assert v["sections"]["fidelity"]["grade"] != "poor"  # the values themselves are real
    assert "pattern over time does not match" in v["sections"]["temporal"]["text"]
    assert "more jagged" in " ".join(f["text"] for f in v["findings"])


def test_constant_weeks_grade_poor_and_say_why(weeks):
    spec, train, holdout = weeks
    flat = holdout.copy()
    for col in FEATURES:
        flat[col] = float(train[col].mean())
    v = quick_report(spec, train, flat, holdout).verdict
    assert v["overall"] == "poor"
    assert v["sections"]["fidelity"]["grade"] == "poor"
    text = " ".join(f["text"] for f in v["findings"])
    assert "temp: synthetic sequences differ from each other far less than real ones" in text
    assert "each synthetic sequence varies far less than a real one" in text
    assert v["findings"][0]["grade"] == "poor"  # worst first


def test_thresholds_grade_both_ways():
    by = {c.measure: c for c in CHECKS}
    high = by["histogram similarity (all steps)"]
    assert [grade(high, v) for v in (0.95, 0.80, 0.5)] == ["good", "fair", "poor"]
    low = by["gradient-boosting detector accuracy"]
    assert [grade(low, v) for v in (0.55, 0.80, 0.999)] == ["good", "fair", "poor"]
    ratio = by["mean |Δ| ratio synthetic / real"]  # ideal 1, judged both ways
    assert [grade(ratio, v) for v in (1.0, 0.9, 1.1, 0.7, 1.4, 0.5, 2.0, 0.0)] == \
        ["good", "good", "good", "fair", "fair", "poor", "poor", "poor"]


def test_text_values_are_graded_by_their_score_and_unknown_rows_ignored():
    rows = [{"section": "realism", "measure": "gradient-boosting detector accuracy",
             "column": "", "value": "0.999 ± 0.001", "reading": "", "score": 0.999},
            {"section": "fidelity", "measure": "something new", "column": "x", "value": 0.0,
             "reading": ""},
            {"section": "utility", "measure": "MAE ratio synthetic / real", "column": "y",
             "value": float("nan"), "reading": ""}]
    v = judge(rows)
    assert v["sections"]["realism"]["grade"] == "poor"
    assert "99.9% of the time" in v["sections"]["realism"]["text"]
    assert v["sections"]["fidelity"]["grade"] == "not measured"
    assert v["sections"]["utility"]["grade"] == "not measured"  # NaN is not graded
    assert v["overall"] == "poor"


def test_verdict_comes_first_in_html_json_and_console(weeks):
    spec, train, holdout = weeks
    rep = quick_report(spec, train, holdout, holdout)
    page = rep.to_html()
    assert page.index("Verdict:") < page.index("<h2>Fidelity")
    assert "How we judge" in page
    assert "good ≥ 0.90, fair ≥ 0.75" in page
    assert '"verdict"' in rep.to_json()
    lines = rep.verdict_lines()
    assert lines[0] == "verdict: GOOD overall (the worst section's grade)"
    assert [ln.split()[0] for ln in lines[1:6]] == ["fidelity", "temporal", "realism",
                                                    "utility", "privacy"]
