"""The realism judges (gradient-boosting detector, roughness, per-position ratios, marginal
checks) on small generated sequences with known differences."""

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.evaluation import detection_accuracy, marginal_checks, roughness


def frame(n=120, seed=0, jitter=0.0, jump_at=None, level=0.0, weights=(0.5, 0.5)):
    """Smooth daily-like curves of 24 steps, a group attribute; optional jitter, a jump at
    one fixed step, a level shift."""
    rng = np.random.default_rng(seed)
    t = np.arange(24)
    rows = []
    for i in range(n):
        group = rng.choice(["a", "b"], p=weights)
        x = np.sin(2 * np.pi * t / 24 + rng.normal(0, 0.3)) * rng.uniform(0.8, 1.2) + level
        x = x + rng.normal(0, 0.05, 24) + jitter * rng.normal(0, 1, 24)
        if jump_at is not None:
            x[jump_at:] += 0.8
        rows += [{"id": i, "t": int(k), "group": group, "x": float(v)}
                 for k, v in zip(t, x, strict=True)]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def spec():
    return tg.SequenceSpec("id", "t", [tg.Discrete("group")], [tg.Continuous("x")]).fit(frame())


def test_roughness_is_one_for_the_same_distribution_and_finds_jitter_and_a_fixed_jump(spec):
    same = roughness(frame(), frame(seed=1), spec).iloc[0]
    assert 0.9 < same["diff_ratio"] < 1.1
    assert 0.9 < same["diff2_ratio"] < 1.1
    assert same["worst_position_ratio"] < 1.3
    rough = roughness(frame(), frame(seed=1, jitter=0.3), spec).iloc[0]
    assert rough["diff_ratio"] > 2
    assert rough["diff2_ratio"] > rough["diff_ratio"]
    jump = roughness(frame(), frame(seed=1, jump_at=12), spec).iloc[0]
    assert jump["worst_position"] == 12
    assert jump["worst_position_ratio"] > 2
    assert 0.8 < jump["position_ratios"][3] < 1.25  # elsewhere as real


def test_detector_is_near_chance_on_the_same_distribution_and_sees_jitter_and_level(spec):
    same = detection_accuracy(frame(), frame(seed=1), spec, folds=3, seed=0)
    assert same["accuracy"] < 0.65
    assert same["n_per_class"] == 120
    assert detection_accuracy(frame(), frame(seed=1, jitter=0.2), spec, folds=3)["accuracy"] > 0.9
    # a level shift no per-window scaling would show
    assert detection_accuracy(frame(), frame(seed=1, level=0.5), spec, folds=3)["accuracy"] > 0.9
    with pytest.raises(ValueError, match="folds"):
        detection_accuracy(frame(n=3), frame(n=3, seed=1), spec)


def test_marginal_checks_measure_shares_ranges_and_the_noise_floor(spec):
    table = marginal_checks(frame(n=400), frame(n=400, seed=1, weights=(0.8, 0.2)), spec)
    tv = table[table["measure"] == "total variation"].iloc[0]
    real_share = (frame(n=400).groupby("id")["group"].first() == "a").mean()
    assert tv["value"] == pytest.approx(abs(real_share - 0.8), abs=0.06)
    assert 0 < tv["noise_floor"] < 0.05
    outside = table[table["measure"] == "share outside the real range"]["value"].iloc[0]
    assert outside < 0.005  # a few tail values of a fresh sample
    shifted = marginal_checks(frame(), frame(seed=1, level=5.0), spec)
    values = dict(zip(shifted["measure"], shifted["value"], strict=False))
    assert values["share outside the real range"] == 1.0
    assert values["KS statistic"] == 1.0


def test_report_has_the_realism_section(spec):
    rep = tg.evaluation.report(frame(), frame(seed=1, jump_at=12), spec, utility=False,
                               discriminative=False, figures=False)
    table = rep.summary()
    rows = table[table["section"] == "realism"]
    worst = rows[rows["measure"] == "worst per-position |Δ| ratio"]
    assert float(worst["value"].iloc[0]) > 2
    assert "step 12" in worst["reading"].iloc[0]
    assert "gradient-boosting detector accuracy" not in set(rows["measure"])
