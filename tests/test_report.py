"""The evaluation report, its figures and the evaluate command, on small known cases."""

import json
import sys

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import tfgan_ts as tg
from tfgan_ts.cli import main
from tfgan_ts.evaluation import plots


def frame(n=40, seed=0, offset=0):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        group = "ab"[i % 2]
        length = int(rng.integers(6, 13))
        phase = rng.uniform(0, 2 * np.pi)
        for t in range(length):
            rows.append({"id": i + offset, "t": t, "group": group,
                         "x": float(np.sin(phase + t) + (2 if group == "b" else 0)),
                         "y": float(rng.normal()), "k": "uvw"[(t + i) % 3]})
    return pd.DataFrame(rows)


def spec():
    return tg.SequenceSpec("id", "t", [tg.Discrete("group")],
                           [tg.Continuous("x"), tg.Continuous("y"), tg.Discrete("k")],
                           max_length=12)


def values(rep, measure, column=""):
    table = rep.summary()
    rows = table[(table["measure"] == measure) & (table["column"] == column)]
    assert len(rows) == 1, (measure, column, table["measure"].tolist())
    return rows["value"].iloc[0]


def test_identical_synthetic_data_gets_the_perfect_fidelity_scores():
    real = frame()
    s = spec().fit(real)
    synthetic = real.assign(id=real["id"] + 1000)  # the same sequences under new ids
    rep = tg.evaluation.report(real, synthetic, s, discriminative=False, utility=False,
                               figures=False)
    for col in ("x", "y", "k"):
        assert values(rep, "histogram similarity (all steps)", col) == pytest.approx(1.0)
    assert values(rep, "histogram similarity (per sequence)", "group") == pytest.approx(1.0)
    assert values(rep, "Jensen–Shannon divergence (per sequence)", "group") == pytest.approx(0.0)
    assert values(rep, "2-D histogram similarity, mean over feature pairs",
                  "x, y, k") == pytest.approx(1.0)
    assert values(rep, "mutual-information matrix difference (mean |Δ|)", "x, y, k") == \
        pytest.approx(0.0)
    assert values(rep, "cross-feature correlation difference (mean |Δ|)", "x, y") == \
        pytest.approx(0.0, abs=1e-12)
    assert values(rep, "sequence length: Wasserstein distance") == pytest.approx(0.0)
    assert values(rep, "autocorrelation MSE (lags 1..11)", "x") == pytest.approx(0.0)
    assert values(rep, "autocorrelation score (lags 1..11)", "x") == pytest.approx(1.0)
    assert values(rep, "lagged mutual information, mean |Δ| (lags 1..11)", "k") == \
        pytest.approx(0.0)
    # every synthetic sequence is a copy of a training sequence: the report must say so
    assert values(rep, "synthetic sequences identical to a training sequence") == 1.0
    assert values(rep, "distance to closest training record: median") == 0.0
    assert any("holdout=" in n for n in rep.notes)


def test_unrelated_synthetic_data_gets_bad_scores_and_holdout_measures():
    real, holdout = frame(seed=0), frame(seed=1, offset=500)
    s = spec().fit(pd.concat([real, holdout]))
    rng = np.random.default_rng(5)
    noise = frame(seed=2, offset=2000)
    noise["x"] = rng.normal(10, 3, len(noise))  # far from the real level and no cycle
    noise["group"] = "a"
    rep = tg.evaluation.report(real, noise, s, holdout=holdout, discriminative=False,
                               utility=False, figures=False)
    assert values(rep, "histogram similarity (all steps)", "x") < 0.05
    assert values(rep, "histogram similarity (per sequence)", "group") == pytest.approx(0.5)
    assert values(rep, "autocorrelation score (lags 1..11)", "x") < 0.5
    assert values(rep, "synthetic sequences identical to a training sequence") == 0.0
    assert "share of synthetic closer to train than to holdout" in rep.summary()["measure"].values


def test_membership_inference_auc_orders_copies_above_unrelated_data():
    # copies of the training sequences put every member at distance 0 from the synthetic data
    # and every non-member further: the attack is perfect (AUC 1). Sequences of another
    # level and shape lie far from members and non-members alike: the attack learns little.
    real, holdout = frame(seed=0), frame(seed=1, offset=500)
    s = spec().fit(pd.concat([real, holdout]))
    copies = real.assign(id=real["id"] + 1000)
    noise = frame(seed=2, offset=2000)
    noise["x"] = np.random.default_rng(5).normal(10, 3, len(noise))
    aucs = {}
    for name, synthetic in (("copies", copies), ("noise", noise)):
        rep = tg.evaluation.report(real, synthetic, s, holdout=holdout, discriminative=False,
                                   utility=False, figures=False)
        aucs[name] = values(rep, "membership-inference attack AUC (distance threshold)")
    assert aucs["copies"] == 1.0
    assert abs(aucs["noise"] - 0.5) < 0.25


def test_report_is_reproducible_and_accepts_prepared_frames():
    # the privacy baseline and the train subsample are seeded by report's seed: two runs
    # agree on every number, with DataFrames or PreparedFrames
    real, holdout = frame(seed=0), frame(seed=1, offset=500)
    s = spec().fit(pd.concat([real, holdout]))
    synthetic = frame(seed=3, offset=100)
    kwargs = {"discriminative": False, "utility": False, "figures": False, "seed": 4}
    first = tg.evaluation.report(real, synthetic, s, holdout=holdout, **kwargs).summary()
    prepared = [tg.evaluation.prepare(f, s) for f in (real, synthetic, holdout)]
    second = tg.evaluation.report(prepared[0], prepared[1], s, holdout=prepared[2],
                                  **kwargs).summary()
    pd.testing.assert_frame_equal(first, second)
    assert "DCR baseline protection (SDMetrics-style)" in set(first["measure"])


def test_report_reads_each_frame_once(monkeypatch):
    # one ordering per frame for every measure of the evaluation package (spec.transform, which
    # sorts on its own, is counted apart: once per frame for the privacy measures and the
    # discriminative score together)
    real, holdout = frame(n=30, seed=0), frame(n=20, seed=1, offset=500)
    s = spec().fit(pd.concat([real, holdout]))
    synthetic = frame(n=30, seed=3, offset=100)
    calls = {"order": 0, "transform": 0}
    order, transform = s.sequence_order, s.transform

    def counted_order(df):
        if sys._getframe(1).f_globals["__name__"].startswith("tfgan_ts.evaluation"):
            calls["order"] += 1
        return order(df)

    def counted_transform(df, *args, **kwargs):
        calls["transform"] += 1
        return transform(df, *args, **kwargs)

    monkeypatch.setattr(s, "sequence_order", counted_order)
    monkeypatch.setattr(s, "transform", counted_transform)
    tg.evaluation.report(real, synthetic, s, holdout=holdout,
                         discriminative_kwargs={"repeats": 1, "epochs": 1},
                         utility_kwargs={"epochs": 1, "window": 4})
    assert calls == {"order": 3, "transform": 3}


def test_html_json_and_figures(tmp_path):
    real = frame()
    s = spec().fit(real)
    synthetic = frame(seed=3, offset=100)
    history = {"d_loss": [1.0, 0.5], "g_loss": [0.2, 0.1], "wasserstein": [1.0, 0.8],
               "gp": [0.1, 0.05]}
    rep = tg.evaluation.report(real, synthetic, s, history=history, discriminative=False,
                               utility=False, privacy={"epsilon": 1.5, "delta": 1e-5})
    assert {"fidelity:random sequences of x", "fidelity:random sequences of y",
            "fidelity:distributions",
            "fidelity:sequence lengths", "temporal:autocorrelation",
            "training:losses"} == set(rep.figures)  # attributes once: in "distributions"
    assert "What healthy looks like" in rep.captions["training:losses"]
    assert all(png.startswith(b"\x89PNG") for png in rep.figures.values())
    page = rep.to_html(tmp_path / "r.html")
    assert (tmp_path / "r.html").read_text() == page
    assert page.count("data:image/png;base64,") == len(rep.figures)
    for title in ("Fidelity", "Temporal structure", "Privacy", "Training"):
        assert title in page
    assert "differential privacy: epsilon" in page
    assert "http" not in page  # self-contained
    data = json.loads(rep.to_json(tmp_path / "r.json"))
    assert {"meta", "notes", "metrics"} <= set(data)
    assert len(data["metrics"]) == len(rep.summary())


def _score(rep) -> float:
    """The discriminative score's mean from its "mean ± std" text."""
    return float(values(rep, "discriminative score |accuracy − 0.5|").split(" ± ")[0])


def test_slow_parts_order_copies_before_different_data():
    # copies of the real sequences: the two forecasters train on identical windows with one
    # seed, so the MAE ratio is exactly 1. A shifted, rough synthetic set is told apart by the
    # classifier far better than copies are, and forecasts worse.
    real, holdout = frame(n=60, seed=0), frame(n=30, seed=1, offset=500)
    different = frame(n=60, seed=4, offset=900)
    different["x"] = np.random.default_rng(6).normal(6.0, 2.0, len(different))
    s = spec().fit(pd.concat([real, holdout, different]))
    copies = real.assign(id=real["id"] + 1000)
    kwargs = {"figures": False, "discriminative_kwargs": {"repeats": 2, "epochs": 5},
              "utility_kwargs": {"epochs": 2, "window": 4}}
    same = tg.evaluation.report(real, copies, s, holdout=holdout, **kwargs)
    other = tg.evaluation.report(real, different, s, holdout=holdout, **kwargs)
    assert values(same, "MAE ratio synthetic / real", "x") == pytest.approx(1.0, abs=1e-12)
    assert values(other, "MAE ratio synthetic / real", "x") > 1.0
    assert _score(other) > _score(same) + 0.2


def test_plots_return_figures():
    real = frame()
    s = spec().fit(real)
    syn = frame(seed=9, offset=300)
    for fig in (plots.plot_sequences(real, syn, s, "x"), plots.plot_histograms(real, syn, s),
                plots.plot_attributes(real, syn, s), plots.plot_acf(real, syn, s),
                plots.plot_lengths(real, syn, s),
                plots.plot_history({"d_loss": [1, 2], "g_loss": [0, 1]})):
        assert isinstance(fig, Figure)
        assert fig.axes
    assert not plt_figures_open()  # built without pyplot: nothing left open
    with pytest.raises(ValueError, match="History"):
        plots.plot_history([1, 2, 3])


def test_plots_read_in_natural_order_with_units_and_no_warnings():
    import warnings

    weekdays = ["Sunday", "Wednesday", "Monday", "Tuesday", "Saturday", "Thursday", "Friday"]
    assert plots.category_order(None, weekdays) == [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    assert plots.category_order(None, ["Dec", "jan", "March"]) == ["jan", "March", "Dec"]
    assert plots.category_order(None, ["12", "7", "3", "11", "1"]) == ["1", "3", "7", "11", "12"]
    declared = tg.Discrete("size", categories=["small", "medium", "large"])
    declared.fit(pd.Series(["large", "small", "medium"]))
    assert plots.category_order(declared, ["large", "small", "medium"]) == \
        ["small", "medium", "large"]
    real = frame()
    s = tg.SequenceSpec("id", "t", [tg.Discrete("group")],
                        [tg.Continuous("x", unit="K"), tg.Continuous("y"), tg.Discrete("k")],
                        max_length=12).fit(real)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "No artists with labels found to put in legend"
        hist = plots.plot_histograms(real, frame(seed=2), s)
        seqs = plots.plot_sequences(real, frame(seed=2), s, "x")
        plots.plot_history({"d_loss": [1.0, 0.5], "g_loss": [0.2, 0.1]})  # no Wasserstein
    assert "x (K)" in [ax.get_xlabel() for ax in hist.axes]
    assert {ax.get_ylabel() for ax in seqs.axes} == {"K"}
    assert tg.Continuous.from_config(tg.Continuous("x", unit="K").get_config()).unit == "K"
    with pytest.raises(ValueError, match="unit must be a non-empty string"):
        tg.Continuous("x", unit="")


def plt_figures_open():
    import matplotlib.pyplot as plt

    return plt.get_fignums()


def test_evaluate_command(tmp_path, capsys):
    real = frame()
    s = spec().fit(real)
    paths = {name: tmp_path / f"{name}.csv" for name in ("real", "syn")}
    real.to_csv(paths["real"], index=False)
    frame(seed=3, offset=100).to_csv(paths["syn"], index=False)
    (tmp_path / "spec.json").write_text(s.to_json())
    out = tmp_path / "report.html"
    code = main(["evaluate", "--real", str(paths["real"]), "--synthetic", str(paths["syn"]),
                 "--spec", str(tmp_path / "spec.json"), "--out", str(out), "--fast",
                 "--json", str(tmp_path / "r.json")])
    assert code == 0
    assert out.exists()
    assert (tmp_path / "r.json").exists()
    assert "histogram similarity" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["evaluate", "--real", str(paths["real"]), "--synthetic", str(paths["syn"]),
                 "--spec", str(tmp_path / "bad.json"), "--fast"]) == 2
    assert "cannot read --spec" in capsys.readouterr().err
