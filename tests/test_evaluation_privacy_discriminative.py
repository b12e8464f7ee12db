"""Known answers for the privacy metrics (DCR, membership inference) and the discriminative
score."""

import random

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.evaluation.discriminative import discriminative_score
from tfgan_ts.evaluation.privacy import (
    distance_to_closest_record,
    membership_inference_auc,
    record_vectors,
)

# --------------------------------------------------------------------------- data


def _frame(rows, prefix):
    """rows: [(a, [x0, x1, ...]), ...] -> long frame with ids prefix0, prefix1, ..."""
    out = []
    for i, (a, xs) in enumerate(rows):
        for t, x in enumerate(xs):
            out.append({"id": f"{prefix}{i}", "t": t, "a": a, "x": float(x)})
    return pd.DataFrame(out)


def _hand_spec(*frames):
    # auto_normalize=False: x is scaled by the fitted range only, x/4 for the range 0..4
    spec = tg.SequenceSpec(
        "id", "t", [tg.Discrete("a")], [tg.Continuous("x")], auto_normalize=False
    )
    return spec.fit(pd.concat(frames, ignore_index=True))


# Hand case. Vector layout [a=p, a=q | x0/4, x1/4 | flag0, flag1]:
#   train   tr0 (p; 0, 0) -> [1, 0, 0,   0,   1, 1]
#           tr1 (q; 4, 4) -> [0, 1, 1,   1,   1, 1]
#           tr2 (p; 4)    -> [1, 0, 1,   0,   1, 0]   (length 1)
#   holdout h0  (q; 0, 0) -> [0, 1, 0,   0,   1, 1]
#           h1  (q; 2, 2) -> [0, 1, 0.5, 0.5, 1, 1]
#           h2  (p; 4)    -> [1, 0, 1,   0,   1, 0]   (= tr2)
#   synth.  s0  (p; 0, 2) -> [1, 0, 0,   0.5, 1, 1]
#           s1  (p; 4)    -> [1, 0, 1,   0,   1, 0]   (= tr2 = h2)
#           s2  (q; 4, 4) -> [0, 1, 1,   1,   1, 1]   (= tr1)
TRAIN = [("p", [0, 0]), ("q", [4, 4]), ("p", [4])]
HOLDOUT = [("q", [0, 0]), ("q", [2, 2]), ("p", [4])]
SYNTHETIC = [("p", [0, 2]), ("p", [4]), ("q", [4, 4])]


def _make(n, rng, prefix, T=8, shift=0.0, rough=False):
    """n sequences of length 4..T: attribute a in {p, q}, x = level + sine (+ noise)."""
    a = rng.choice(["p", "q"], size=n)
    lengths = rng.integers(4, T + 1, size=n)
    ids, ts, attrs, xs = [], [], [], []
    for i in range(n):
        level = rng.normal(0.0 if a[i] == "p" else 2.0, 1.0) + shift
        t = np.arange(lengths[i])
        if rough:
            x = level + rng.normal(0.0, 1.0, lengths[i])
        else:
            x = level + np.sin(t / 2 + rng.uniform(0, 2 * np.pi)) + rng.normal(0, 0.3, lengths[i])
        ids += [f"{prefix}{i}"] * lengths[i]
        ts += list(t)
        attrs += [a[i]] * lengths[i]
        xs += list(x)
    return pd.DataFrame({"id": ids, "t": ts, "a": attrs, "x": xs})


def _spec(*frames):
    spec = tg.SequenceSpec("id", "t", [tg.Discrete("a")], [tg.Continuous("x")])
    return spec.fit(pd.concat(frames, ignore_index=True))


@pytest.fixture(scope="module")
def independent():
    """train, holdout, synthetic: three independent samples of one distribution."""
    rng = np.random.default_rng(0)
    train, holdout, synthetic = _make(300, rng, "tr"), _make(300, rng, "ho"), _make(600, rng, "sy")
    return train, holdout, synthetic, _spec(train, holdout, synthetic)


# --------------------------------------------------------------------------- record vectors


def test_record_vectors_layout_hand_computed():
    train = _frame(TRAIN, "tr")
    spec = _hand_spec(train, _frame(HOLDOUT, "h"), _frame(SYNTHETIC, "s"))
    got = record_vectors(train, spec)
    want = [[1, 0, 0, 0, 1, 1], [0, 1, 1, 1, 1, 1], [1, 0, 1, 0, 1, 0]]
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, want)


def test_record_vectors_accepts_sequence_data_of_the_spec():
    train = _frame(TRAIN, "tr")
    spec = _hand_spec(train)
    from_data = record_vectors(spec.transform(train), spec)
    np.testing.assert_array_equal(from_data, record_vectors(train, spec))


# --------------------------------------------------------------------------- DCR


def test_dcr_hand_computed_three_samples():
    train, holdout, syn = _frame(TRAIN, "tr"), _frame(HOLDOUT, "h"), _frame(SYNTHETIC, "s")
    spec = _hand_spec(train, holdout, syn)
    r = distance_to_closest_record(syn, train, holdout, spec=spec, seed=0)
    # s0 -> tr0: (0.5 - 0)^2 = 0.25 -> 0.5; tr1: 1+1+1+0.25 -> sqrt(3.25); tr2: 1+0.25+1 -> 1.5
    # s1 = tr2 -> 0; s2 = tr1 -> 0
    np.testing.assert_array_equal(r["dcr_train"], [0.5, 0.0, 0.0])
    # s0 -> h0: 1+1+0+0.25 -> 1.5; h1: 1+1+0.25+0 -> 1.5; h2: 1+0.25+1 -> 1.5   => 1.5
    # s1 = h2 -> 0
    # s2 -> h0: 1+1 -> sqrt(2); h1: 0.25+0.25 -> sqrt(0.5); h2: 1+1+1+1 -> 2   => sqrt(0.5)
    np.testing.assert_allclose(r["dcr_holdout"], [1.5, 0.0, np.sqrt(0.5)], rtol=0, atol=1e-15)
    assert r["median_dcr_train"] == 0.0
    assert r["p5_dcr_train"] == 0.0
    assert r["median_dcr_holdout"] == pytest.approx(np.sqrt(0.5), abs=1e-15)
    # 5th percentile of [0, sqrt(.5), 1.5], linear: position 0.05 * 2 = 0.1 -> 0.1 * sqrt(.5)
    assert r["p5_dcr_holdout"] == pytest.approx(0.1 * np.sqrt(0.5), abs=1e-15)
    assert r["share_identical_to_train"] == pytest.approx(2 / 3)
    # s0: 0.5 < 1.5 closer to train; s1: 0 == 0 tie; s2: 0 < sqrt(.5) closer to train
    assert r["share_strictly_closer_to_train"] == pytest.approx(2 / 3)
    assert r["share_ties"] == pytest.approx(1 / 3)
    assert r["share_closer_to_train"] == pytest.approx(2 / 3 + 0.5 / 3)  # ties count half
    # SDMetrics: a tie is not "closer to training": min(2 * (1 - 2/3), 1) = 2/3
    assert r["overfitting_protection"] == pytest.approx(2 / 3)
    assert (r["n_synthetic"], r["n_train"], r["n_holdout"], r["n_compared"]) == (3, 3, 3, 3)
    # median DCR train is 0 -> baseline protection 0 whatever the random median (> 0)
    assert r["median_dcr_random"] > 0
    assert r["baseline_protection"] == 0.0


def test_dcr_without_holdout_omits_holdout_keys():
    train, syn = _frame(TRAIN, "tr"), _frame(SYNTHETIC, "s")
    spec = _hand_spec(train, syn)
    r = distance_to_closest_record(syn, train, spec=spec, seed=0)
    for key in ("dcr_holdout", "share_closer_to_train", "overfitting_protection", "n_holdout"):
        assert key not in r
    np.testing.assert_array_equal(r["dcr_train"], [0.5, 0.0, 0.0])
    assert {"baseline_protection", "median_dcr_random", "p5_dcr_train"} <= set(r)


def test_dcr_copies_of_train(independent):
    train, holdout, _, spec = independent
    copies = train.assign(id="copy_" + train["id"])
    r = distance_to_closest_record(copies, train, holdout, spec=spec, seed=0)
    assert np.all(r["dcr_train"] == 0.0)
    assert r["share_identical_to_train"] == 1.0
    assert r["share_closer_to_train"] == 1.0
    assert r["share_ties"] == 0.0
    assert r["overfitting_protection"] == 0.0
    assert r["baseline_protection"] == 0.0


def test_dcr_independent_sample_is_half_closer_to_train(independent):
    # Tolerance: over 40 seeds of this set-up (300 train, 300 holdout, 600 synthetic) the
    # share had mean 0.498 and sd 0.024 (range 0.43..0.55); +-0.1 is about 4 sd. The share
    # is not binomial in n_synthetic: all synthetic points share the same train/holdout sets.
    train, holdout, synthetic, spec = independent
    r = distance_to_closest_record(synthetic, train, holdout, spec=spec, seed=0)
    assert abs(r["share_closer_to_train"] - 0.5) < 0.1
    assert r["overfitting_protection"] >= 0.8  # = share <= 0.6
    assert r["share_ties"] == 0.0  # continuous data: no exact ties
    # same distribution -> holdout and train distances alike
    assert r["median_dcr_train"] == pytest.approx(r["median_dcr_holdout"], rel=0.15)
    # an independent sample lies closer to the training data than uniform noise does: over
    # 8 data seeds the baseline protection was 0.53..0.56 (a copy scores 0, noise about 1)
    assert r["baseline_protection"] == pytest.approx(0.545, abs=0.1)


def test_dcr_unequal_sizes_are_balanced():
    # With 600 train and 200 holdout sequences the raw comparison would put ~75% of an
    # independent sample "closer to train" (a larger set has closer neighbours; measured over
    # 20 seeds: 0.745 +- 0.027); the balanced comparison stays at 0.5 (0.499 +- 0.031).
    rng = np.random.default_rng(1)
    train, holdout, syn = _make(600, rng, "tr"), _make(200, rng, "ho"), _make(400, rng, "sy")
    spec = _spec(train, holdout, syn)
    r = distance_to_closest_record(syn, train, holdout, spec=spec, seed=0)
    assert r["n_compared"] == 200
    assert r["n_train"] == 600
    assert r["n_holdout"] == 200
    assert abs(r["share_closer_to_train"] - 0.5) < 0.12
    assert np.mean(r["dcr_train"] < r["dcr_holdout"]) > 0.65  # the bias the balancing removes
    again = distance_to_closest_record(syn, train, holdout, spec=spec, seed=0)
    assert again["share_closer_to_train"] == r["share_closer_to_train"]
    np.testing.assert_array_equal(again["dcr_train"], r["dcr_train"])


def test_baseline_protection_known_answers():
    # every training sequence identical and constant -> the random sequences (uniform within
    # the zero-width range of x over all valid steps, the one category seen, the one length)
    # are copies too: random median 0 -> NaN (SDMetrics returns NaN there as well)
    same = _frame([("p", [2, 2, 2])] * 4, "tr")
    spec = _hand_spec(same, _frame([("q", [0, 4, 4])], "x"))
    r = distance_to_closest_record(same.assign(id="s" + same["id"]), same, spec=spec, seed=0)
    assert r["median_dcr_random"] == 0.0
    assert np.isnan(r["baseline_protection"])
    # synthetic far outside the training range -> ratio > 1, capped at 1
    train = _frame(TRAIN, "tr")
    far = _frame([("q", [40, 40])] * 3, "far")
    spec = _hand_spec(train, far)  # x scaled by 40: train values 0 and 0.1, far ones 1
    r = distance_to_closest_record(far, train, spec=spec, seed=3)
    assert r["median_dcr_train"] > r["median_dcr_random"]
    assert r["baseline_protection"] == 1.0


def test_baseline_is_seeded(independent):
    train, _, synthetic, spec = independent
    a = distance_to_closest_record(synthetic, train, spec=spec, seed=5)
    b = distance_to_closest_record(synthetic, train, spec=spec, seed=5)
    assert a["median_dcr_random"] == b["median_dcr_random"]


# --------------------------------------------------------------------------- membership


def test_mia_hand_computed_two_members_two_non_members():
    synthetic = _frame([("p", [0, 0])], "s")  # [1, 0, 0, 0, 1, 1]
    members = _frame([("p", [0, 0]), ("p", [4])], "m")
    non_members = _frame([("p", [0, 2]), ("q", [0, 0])], "n")
    spec = _hand_spec(synthetic, members, non_members)
    r = membership_inference_auc(members, non_members, synthetic, spec)
    # members:     m0 = s -> 0;   m1 [1,0,1,0,1,0]: 1 + 1 -> sqrt(2)
    # non-members: n0 [1,0,0,.5,1,1]: 0.25 -> 0.5;   n1 [0,1,0,0,1,1]: 1 + 1 -> sqrt(2)
    np.testing.assert_allclose(r["distance_members"], [0.0, np.sqrt(2)], rtol=0, atol=1e-15)
    np.testing.assert_allclose(r["distance_non_members"], [0.5, np.sqrt(2)], rtol=0, atol=1e-15)
    # pairs (member closer = 1, tie = 1/2): (m0,n0) 1, (m0,n1) 1, (m1,n0) 0, (m1,n1) 1/2
    assert r["auc"] == pytest.approx(2.5 / 4, abs=1e-15)
    assert (r["n_members"], r["n_non_members"]) == (2, 2)


def test_mia_copies_of_train_auc_one(independent):
    train, holdout, _, spec = independent
    copies = train.assign(id="copy_" + train["id"])
    assert membership_inference_auc(train, holdout, copies, spec)["auc"] == 1.0


def test_mia_independent_sample_auc_half(independent):
    # Under no leak the AUC's sd is about sqrt((300 + 300 + 1) / (12 * 300 * 300)) = 0.024
    # (Mann-Whitney); over 40 seeds of this set-up: mean 0.502, sd 0.024. +-0.1 is ~4 sd.
    train, holdout, synthetic, spec = independent
    r = membership_inference_auc(train, holdout, synthetic, spec)
    assert abs(r["auc"] - 0.5) < 0.1
    assert (r["n_members"], r["n_non_members"]) == (300, 300)


# --------------------------------------------------------------------------- bad input


def test_privacy_bad_input_raises():
    train, holdout, syn = _frame(TRAIN, "tr"), _frame(HOLDOUT, "h"), _frame(SYNTHETIC, "s")
    spec = _hand_spec(train, holdout, syn)
    with pytest.raises(ValueError, match="synthetic does not fit the spec.*'x'"):
        distance_to_closest_record(syn.drop(columns="x"), train, spec=spec)
    with pytest.raises(ValueError, match="train is empty"):
        distance_to_closest_record(syn, train.iloc[:0], spec=spec)
    with pytest.raises(ValueError, match="holdout is empty"):
        distance_to_closest_record(syn, train, holdout.iloc[:0], spec=spec)
    with pytest.raises(ValueError, match="not among the fitted categories"):
        record_vectors(syn.assign(a="zzz"), spec)
    with pytest.raises(ValueError, match="spec is required"):
        distance_to_closest_record(syn, train, holdout)
    with pytest.raises(ValueError, match="not fitted"):
        record_vectors(train, tg.SequenceSpec("id", "t", features=[tg.Continuous("x")]))
    with pytest.raises(ValueError, match="must be a pandas DataFrame"):
        record_vectors(train.to_numpy(), spec)
    with pytest.raises(ValueError, match="needs holdout"):
        membership_inference_auc(train, None, syn, spec)
    other = tg.SequenceSpec("id", "t", features=[tg.Continuous("x")]).fit(train)
    with pytest.raises(ValueError, match="attributes has width 0 but this spec encodes 2"):
        record_vectors(other.transform(train), spec)


def test_discriminative_bad_input_raises():
    train, syn = _frame(TRAIN, "tr"), _frame(SYNTHETIC, "s")
    spec = _hand_spec(train, syn)
    with pytest.raises(ValueError, match="too few sequences"):  # 1 per class: 2 in all
        discriminative_score(train, syn.iloc[:2], spec)
    with pytest.raises(ValueError, match="repeats"):
        discriminative_score(train, syn, spec, repeats=0)
    with pytest.raises(ValueError, match="test_size"):
        discriminative_score(train, syn, spec, test_size=1.5)
    with pytest.raises(ValueError, match="real does not fit the spec"):
        discriminative_score(train.drop(columns="a"), syn, spec)
    with pytest.raises(ValueError, match="synthetic is empty"):
        discriminative_score(train, syn.iloc[:0], spec)


# --------------------------------------------------------------------------- discriminative


@pytest.fixture(scope="module")
def disc_data():
    rng = np.random.default_rng(0)
    real = _make(200, rng, "r")
    independent = _make(200, np.random.default_rng(7), "i")
    different = _make(200, rng, "d", shift=4.0, rough=True)  # higher level, no smooth shape
    return real, independent, different, _spec(real, different)


def _consistent(r, repeats):
    assert len(r["scores"]) == len(r["accuracies"]) == len(r["train_accuracies"]) == repeats
    assert len(r["epochs_trained"]) == repeats
    np.testing.assert_allclose(r["scores"], np.abs(np.array(r["accuracies"]) - 0.5), atol=1e-12)
    assert r["score"] == pytest.approx(np.mean(r["scores"]))
    assert r["std"] == pytest.approx(np.std(r["scores"]))
    assert (r["n_real"], r["n_synthetic"], r["n_per_class"], r["n_test"]) == (200, 200, 200, 120)
    # E|K/120 - 1/2| for K ~ Binomial(120, 1/2), about sqrt(1 / (2 pi 120)) = 0.0364
    assert r["chance_score"] == pytest.approx(0.036342, abs=1e-6)


def test_discriminative_same_distribution_scores_low(disc_data):
    # Held-out set: 120 sequences, so chance alone gives |acc - 0.5| ~ 0.036 on average
    # (chance_score) and rarely more than 0.1 (~2 sd of the accuracy, 0.046).
    real, independent, _, spec = disc_data
    r = discriminative_score(real, independent, spec, repeats=2, seed=0)
    _consistent(r, 2)
    assert r["score"] <= 0.15


def test_discriminative_copies_score_low(disc_data):
    # Copies (same frame, new ids). Trained long enough to memorise, a classifier sees each
    # held-out sequence's twin in its training split with the opposite label and falls *below*
    # 0.5 accuracy — the score then rises (documented behaviour). Early stopping ends training
    # first: the validation sequences' twins are in the training part too, so their loss rises
    # as soon as the classifier starts memorising.
    real, _, _, spec = disc_data
    copies = real.assign(id="copy_" + real["id"])
    r = discriminative_score(real, copies, spec, repeats=2, seed=0)
    _consistent(r, 2)
    assert r["score"] <= 0.15


def test_discriminative_different_data_scores_high(disc_data):
    real, _, different, spec = disc_data
    r = discriminative_score(real, different, spec, repeats=2, epochs=10, seed=0)
    _consistent(r, 2)
    assert r["score"] >= 0.4
    assert min(r["accuracies"]) >= 0.9


def test_discriminative_balances_and_is_seeded():
    rng = np.random.default_rng(3)
    real, syn = _make(40, rng, "r"), _make(25, rng, "s", shift=2.0)
    spec = _spec(real, syn)
    a = discriminative_score(real, syn, spec, repeats=2, epochs=2, seed=11, units=4)
    b = discriminative_score(real, syn, spec, repeats=2, epochs=2, seed=11, units=4)
    assert (a["n_real"], a["n_synthetic"], a["n_per_class"], a["n_test"]) == (40, 25, 25, 15)
    assert a["units"] == 4
    assert a["epochs_trained"] == b["epochs_trained"] == [2, 2]  # the cap, before patience
    assert a["accuracies"] == b["accuracies"]
    assert a["train_accuracies"] == b["train_accuracies"]


def test_discriminative_leaves_global_generators_as_found():
    # seeded locally: NumPy's and Python's global generators are neither reseeded nor
    # advanced, and the same seed gives the same score whatever they hold
    rng = np.random.default_rng(4)
    real, syn = _make(30, rng, "r"), _make(30, rng, "s", shift=1.0)
    spec = _spec(real, syn)
    np.random.seed(123)
    random.seed(456)
    numpy_before, python_before = np.random.get_state(), random.getstate()
    first = discriminative_score(real, syn, spec, repeats=2, epochs=2, seed=5, units=4)
    numpy_after, python_after = np.random.get_state(), random.getstate()
    assert numpy_after[0] == numpy_before[0]
    np.testing.assert_array_equal(numpy_after[1], numpy_before[1])
    assert numpy_after[2:] == numpy_before[2:]
    assert python_after == python_before
    np.random.seed(999)  # other global states: the same seed still gives the same score
    random.seed(1)
    second = discriminative_score(real, syn, spec, repeats=2, epochs=2, seed=5, units=4)
    assert second["accuracies"] == first["accuracies"]
    assert second["train_accuracies"] == first["train_accuracies"]


def test_discriminative_seed_changes_the_classifier():
    # a different seed draws other weights and batch orders: the training accuracies (on
    # 40 sequences after 3 epochs) differ somewhere over three repeats
    rng = np.random.default_rng(5)
    real, syn = _make(30, rng, "r"), _make(30, rng, "s", shift=0.5)
    spec = _spec(real, syn)
    a = discriminative_score(real, syn, spec, repeats=3, epochs=3, seed=1, units=4)
    b = discriminative_score(real, syn, spec, repeats=3, epochs=3, seed=2, units=4)
    assert a["train_accuracies"] + a["accuracies"] != b["train_accuracies"] + b["accuracies"]


def test_discriminative_fixed_length_sequences_without_mask():
    # every sequence has all 8 steps: the classifier reads them without a mask and still tells
    # a smooth sine from shifted noise
    rng = np.random.default_rng(8)
    t = np.arange(8)

    def frame(prefix, smooth):
        rows = []
        for i in range(80):
            a = "pq"[i % 2]
            x = np.sin(t / 2 + rng.uniform(0, 6.3)) if smooth else rng.normal(3.0, 1.0, 8)
            rows += [{"id": f"{prefix}{i}", "t": k, "a": a, "x": x[k]} for k in t]
        return pd.DataFrame(rows)

    real, different = frame("r", True), frame("d", False)
    r = discriminative_score(real, different, _spec(real, different), repeats=1, epochs=20,
                             seed=0)
    assert r["score"] >= 0.3  # chance: 0.057 on 48 held-out sequences


@pytest.mark.parametrize(
    ("name", "value"),
    [("repeats", 1.5), ("epochs", True), ("batch_size", 0), ("units", -1), ("seed", -3)],
)
def test_discriminative_integer_settings_raise_value_error(name, value):
    rng = np.random.default_rng(6)
    real, syn = _make(10, rng, "r"), _make(10, rng, "s")
    spec = _spec(real, syn)
    with pytest.raises(ValueError, match=f"{name} must be an integer"):
        discriminative_score(real, syn, spec, **{name: value})
