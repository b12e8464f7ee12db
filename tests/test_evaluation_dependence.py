"""Known answers for the dependence metrics (pairs of columns, MI, correlation, JSD) and the
temporal mutual-information metrics."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import tfgan_ts as tg
from tfgan_ts.evaluation import (
    attribute_jsd,
    correlation_difference,
    discretize,
    histogram_similarity,
    lagged_mutual_information,
    mutual_information_difference,
    mutual_information_matrix,
    pair_histogram_similarity,
    quantile_edges,
    sequence_attributes,
    sequential_mutual_information,
    temporal_mi_comparison,
)

LOG2_3 = math.log2(3)


def _dependent(n=2000, seed=0):
    """Real: y = x (perfectly dependent); synthetic: x and y two independent shuffles of the
    same values, so both columns have exactly the real marginals (and share bin edges) and y
    is independent of x."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(size=n)
    real = pd.DataFrame({"x": x, "y": x})
    synthetic = pd.DataFrame({"x": rng.permutation(x), "y": rng.permutation(x)})
    return real, synthetic


# --------------------------------------------------------------------------- pair histograms


def test_pair_histogram_hand_computed_three_rows():
    # bins=2 on the pooled finite a values {0, 1, 0, 2, 2}: edges [0, 1, 2] -> bins [0,1) and
    # [1,2]; a missing value is a bin of its own.
    # real rows  (a, b, c): (bin0,u,T) (bin1,u,F) (nan,v,F)
    # synthetic rows      : (bin0,u,F) (bin1,u,T) (bin1,v,F)
    real = pd.DataFrame({"a": [0.0, 1.0, np.nan], "b": ["u", "u", "v"], "c": [True, False, False]})
    syn = pd.DataFrame({"a": [0.0, 2.0, 2.0], "b": ["u", "u", "v"], "c": [False, True, False]})
    got = pair_histogram_similarity(real, syn, ["a", "b", "c"], bins=2)
    assert list(got.columns) == ["column_a", "column_b", "similarity"]
    pairs = list(zip(got.column_a, got.column_b, strict=True))
    assert pairs == [("a", "b"), ("a", "c"), ("b", "c")]
    # (a,b): real (b0,u) (b1,u) (nan,v); syn (b0,u) (b1,u) (b1,v)
    #   |p - q| = 0 + 0 + 1/3 (nan,v) + 1/3 (b1,v) -> TVD 1/3 -> 2/3
    # (a,c): real (b0,T) (b1,F) (nan,F); syn (b0,F) (b1,T) (b1,F)
    #   |p - q| = 1/3 (b0,T) + 1/3 (b0,F) + 0 (b1,F) + 1/3 (b1,T) + 1/3 (nan,F) -> TVD 2/3 -> 1/3
    # (b,c): real (u,T) (u,F) (v,F) = synthetic -> 1
    np.testing.assert_allclose(got.similarity, [2 / 3, 1 / 3, 1.0], rtol=0, atol=1e-15)


def test_pair_histogram_identical_and_broken_dependence():
    real, syn = _dependent()
    same = pair_histogram_similarity(real, real.copy(), ["x", "y"], bins=10)
    assert same.similarity.tolist() == [1.0]
    got = pair_histogram_similarity(real, syn, ["x", "y"], bins=10)
    # the marginals match, so only the broken dependence lowers the score: the real mass sits
    # on the 10 diagonal cells, the synthetic one is spread over 100 (about 1/10 shared)
    assert histogram_similarity(real.y, syn.y, bins=10) == 1.0
    assert got.similarity[0] < 0.3


def test_pair_histogram_discrete_names_and_union_of_categories():
    real = pd.DataFrame({"m": [1, 2, 3], "k": ["a", "a", "b"]})
    syn = pd.DataFrame({"m": [1, 2, 4], "k": ["a", "a", "b"]})
    # as categories, 3 and 4 are different cells: the (3,b) and (4,b) rows do not match
    got = pair_histogram_similarity(real, syn, ["m", "k"], discrete={"m"})
    np.testing.assert_allclose(got.similarity, [2 / 3], rtol=0, atol=1e-15)


# --------------------------------------------------------------------------- mutual information


def test_mutual_information_identical_and_broken_dependence():
    real, syn = _dependent()
    same = mutual_information_difference(real, real.copy(), ["x", "y"], bins=10)
    assert same["mean_abs_difference"] == 0.0
    out = mutual_information_difference(real, syn, ["x", "y"], bins=10)
    nmi_real = out["real"].loc["x", "y"]
    assert nmi_real == pytest.approx(1.0)  # y = x on the same edges: identical labels
    assert out["synthetic"].loc["x", "y"] < 0.05  # plug-in bias only (about 0.03)
    assert out["mean_abs_difference"] == pytest.approx(nmi_real - out["synthetic"].loc["x", "y"])
    assert out["mean_abs_difference"] > 0.9
    for key in ("real", "synthetic"):
        m = out[key].to_numpy()
        np.testing.assert_array_equal(np.diag(m), [1.0, 1.0])
        np.testing.assert_array_equal(m, m.T)
    assert out["difference"].to_numpy()[0, 0] == 0.0


def test_mutual_information_matrix_matches_sklearn_and_edges():
    from sklearn.metrics import normalized_mutual_info_score

    df = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "g": ["a", "a", "b", None]})
    # edges [0, 2, 3]: x -> bins 0, 0, 1, 1; g -> a, a, b, <missing>
    m = mutual_information_matrix(df, ["x", "g"], edges={"x": [0.0, 2.0, 3.0]})
    want = normalized_mutual_info_score([0, 0, 1, 1], [0, 0, 1, 2], average_method="arithmetic")
    # by hand: I = H(x bins) = ln 2; H(g) = 1/2 ln 2 + 2 * 1/4 ln 4 = 1.5 ln 2
    # NMI = ln 2 / ((ln 2 + 1.5 ln 2) / 2) = 0.8
    assert want == pytest.approx(0.8)
    assert m.loc["x", "g"] == pytest.approx(0.8)
    assert m.loc["g", "x"] == pytest.approx(0.8)
    with pytest.raises(ValueError, match="discrete"):
        mutual_information_matrix(df, ["x", "g"], edges={"g": [0.0, 1.0]})


def _mixed_tables(rng, n_real, n_syn):
    """A real and a synthetic table with every column kind the MI code meets: continuous
    (ties, NaN, constant on one side, all NaN on one side), discrete text with missing values,
    integer codes, ids (many labels: the sparse contingency path), a constant discrete column
    and one all missing."""
    def side(n, shift):
        x = rng.normal(size=n)
        tied = np.round(rng.normal(size=n), 1)
        tied[rng.random(n) < 0.1] = np.nan
        g = rng.choice(np.array(["a", "b", "c", None], dtype=object), size=n)
        return pd.DataFrame({
            "x": x,
            "y": x + rng.normal(scale=0.5 + shift, size=n),
            "tied": tied,
            "flat": np.full(n, 2.0) if shift else rng.uniform(size=n),
            "gone": np.full(n, np.nan) if shift else rng.normal(size=n),
            "g": g,
            "code": (x > 0).astype(int) + rng.integers(0, 2, size=n),
            "uid": np.arange(n).astype(str).astype(object),
            "uid2": rng.integers(0, n, size=n).astype(str).astype(object),
            "const": np.full(n, "k", dtype=object),
            "none": np.full(n, None, dtype=object),
        })
    return side(n_real, 0.0), side(n_syn, 1.0)


def test_mutual_information_equals_sklearn_on_every_pair():
    """The numpy NMI equals sklearn's normalized_mutual_info_score (arithmetic) on every pair of
    random mixed tables, constant and all-missing columns included, on labels derived here."""
    from sklearn.metrics import normalized_mutual_info_score

    rng = np.random.default_rng(7)
    for n_real, n_syn, bins in ((60, 45, 5), (300, 500, 10), (7, 3, 4)):
        real, syn = _mixed_tables(rng, n_real, n_syn)
        cols = list(real.columns)
        out = mutual_information_difference(real, syn, cols, bins=bins, discrete={"code"})
        for key, frame in (("real", real), ("synthetic", syn)):
            labels = {}
            for c in cols:
                if c in ("g", "code", "uid", "uid2", "const", "none"):
                    labels[c] = pd.factorize(frame[c].astype(object).fillna("<na>"))[0]
                    continue
                both = pd.concat([real[c], syn[c]]).to_numpy(dtype=float)
                edges = quantile_edges(both, bins=bins) if (~np.isnan(both)).any() else None
                labels[c] = discretize(frame[c].to_numpy(dtype=float), edges=edges)
            got = out[key].to_numpy()
            np.testing.assert_array_equal(got, got.T)
            np.testing.assert_array_equal(np.diag(got), 1.0)
            for i, a in enumerate(cols):
                for j in range(i + 1, len(cols)):
                    want = normalized_mutual_info_score(
                        labels[a], labels[cols[j]], average_method="arithmetic")
                    assert abs(got[i, j] - want) <= 1e-10, (key, a, cols[j], got[i, j], want)
        m = out["real"]
        assert m.loc["const", "none"] == 1.0  # two constant labelings agree
        assert m.loc["const", "x"] == 0.0


# --------------------------------------------------------------------------- correlation


def test_correlation_difference_hand_computed_and_constant_column():
    # real x = 1,2,3 and y = 1,3,2: deviations (-1,0,1) and (-1,1,0) -> r = 1 / sqrt(2 * 2) = 0.5
    # synthetic y = x -> r = 1; difference 0.5. The constant column has no correlation.
    real = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 3.0, 2.0], "c": [0.1, 0.1, 0.1]})
    syn = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 3.0], "c": [5.0, 6.0, 7.0]})
    out = correlation_difference(real, syn, ["x", "y", "c"])
    assert out["real"].loc["x", "y"] == pytest.approx(0.5)
    assert out["synthetic"].loc["x", "y"] == pytest.approx(1.0)
    assert np.isnan(out["real"].loc["c", "c"])
    assert np.isnan(out["real"].loc["x", "c"])
    assert out["n_pairs"] == 1
    assert out["undefined_pairs"] == [("x", "c"), ("y", "c")]
    assert out["mean_abs_difference"] == pytest.approx(0.5)


def test_correlation_identical_and_broken_dependence():
    real, syn = _dependent()
    assert correlation_difference(real, real.copy(), ["x", "y"])["mean_abs_difference"] == 0.0
    out = correlation_difference(real, syn, ["x", "y"])
    assert out["mean_abs_difference"] == pytest.approx(1.0, abs=0.1)
    assert out["n_pairs"] == 1


def test_correlation_pairwise_deletion_matches_pandas():
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    df.iloc[[2, 5, 7], 0] = np.nan
    df["d"] = 1e6 * df["b"] - 3 * df["c"]  # complete columns take one matrix product
    df["e"] = 0.7  # constant: NaN row and column, diagonal included
    out = correlation_difference(df, df, list("abcde"))
    np.testing.assert_allclose(out["real"].to_numpy(), df.corr().to_numpy(), atol=1e-12)
    assert np.isnan(out["real"].to_numpy()[4]).all()


# --------------------------------------------------------------------------- JSD


def test_attribute_jsd_hand_computed():
    # p = (2/3, 1/3), q = (1/3, 2/3), m = (1/2, 1/2)
    # KL(p||m) = 2/3 log2(4/3) + 1/3 log2(2/3) = 2/3 (2 - log2 3) + 1/3 (1 - log2 3)
    #          = 5/3 - log2 3 = KL(q||m) by symmetry -> JSD = 5/3 - log2 3 (about 0.0817)
    want = 5 / 3 - LOG2_3
    assert attribute_jsd(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(want, abs=1e-12)
    # continuous, bins=2 on pooled {0, 0, 1, 0, 1, 1}: edges [0, 0.5, 1], the same p and q
    assert attribute_jsd([0.0, 0.0, 1.0], [0.0, 1.0, 1.0], bins=2) == pytest.approx(want, abs=1e-12)
    # a missing value is a category: p = (1/2 a, 1/2 missing), q = (1, 0), m = (3/4, 1/4)
    # KL(p||m) = 1/2 log2(2/3) + 1/2 log2 2 = 1 - 1/2 log2 3;  KL(q||m) = log2(4/3) = 2 - log2 3
    # JSD = (3 - 1.5 log2 3) / 2 = 1.5 - 0.75 log2 3 (about 0.3113)
    got = attribute_jsd(pd.Series(["a", None]), pd.Series(["a", "a"]))
    assert got == pytest.approx(1.5 - 0.75 * LOG2_3, abs=1e-12)


def test_attribute_jsd_identical_and_disjoint():
    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    assert attribute_jsd(x, x.copy()) == 0.0
    assert attribute_jsd(pd.Series(["a", "b"]), pd.Series(["c", "d"])) == pytest.approx(1.0)
    assert attribute_jsd([0.0, 0.1], [10.0, 10.1], bins=5) == pytest.approx(1.0)


# --------------------------------------------------------------------------- sequence attributes


def test_sequence_attributes_one_row_per_example_in_spec_order():
    df = pd.DataFrame({
        "id": ["b", "b", "a", "a", "a"],
        "t": [1, 0, 2, 0, 1],
        "g": ["x", "x", "y", "y", "y"],
        "n": [3, 3, 4, 4, 4],
        "v": [1.0, 2.0, 3.0, 4.0, 5.0],
    })
    spec = tg.SequenceSpec(
        example_id="id", time="t", attributes=[tg.Discrete("n"), tg.Discrete("g")],
        features=[tg.Continuous("v")],
    )
    got = sequence_attributes(df, spec)
    expected = pd.DataFrame({"n": [3, 4], "g": ["x", "y"]})
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)
    assert got["n"].dtype == df["n"].dtype
    bad = df.assign(g=["x", "z", "y", "y", "y"])
    with pytest.raises(ValueError, match="'g' is not constant within 1 example"):
        sequence_attributes(bad, spec)
    with pytest.raises(ValueError, match=r"attribute column\(s\) \['g'\] missing"):
        sequence_attributes(df.drop(columns="g"), spec)


# --------------------------------------------------------------------------- temporal MI


def test_lagged_mi_hand_computed():
    # x = 0,0,1,1; lag 1 pairs (0,0) (0,1) (1,1), each 1/3; p(a) = (2/3, 1/3), p(b) = (1/3, 2/3)
    # I = 1/3 ln((1/3)/(2/3 * 1/3)) + 1/3 ln((1/3)/(2/3 * 2/3)) + 1/3 ln((1/3)/(1/3 * 2/3))
    #   = 1/3 (ln 3/2 + ln 3/4 + ln 3/2) = 1/3 ln(27/16)
    # lag 2: pairs (0,1) (0,1): constant -> 0; lag 3: one pair -> 0; lag 4: no pair -> NaN
    want = [math.log(27 / 16) / 3, 0.0, 0.0, np.nan]
    got = lagged_mutual_information([[0, 0, 1, 1]], max_lag=4)
    np.testing.assert_allclose(got, want, atol=1e-15)
    # the same sequence padded with -1, with NaN, or cut by lengths
    padded = lagged_mutual_information([[0, 0, 1, 1, -1]], max_lag=4)
    np.testing.assert_allclose(padded, want, atol=1e-15)
    nan_padded = lagged_mutual_information(np.array([[0, 0, 1, 1, np.nan]]), max_lag=4)
    np.testing.assert_allclose(nan_padded, want, atol=1e-15)
    mi, n = lagged_mutual_information([[0, 0, 1, 1, 7, 7]], lengths=[4], max_lag=4,
                                      return_counts=True)
    np.testing.assert_allclose(mi, want, atol=1e-15)
    assert n.tolist() == [3, 2, 1, 0]
    # pooling: two sequences 0,1 and 1,0 give the pairs (0,1) (1,0) -> I = ln 2
    assert lagged_mutual_information([[0, 1], [1, 0]])[0] == pytest.approx(math.log(2))


def test_lagged_mi_deterministic_equals_entropy():
    rng = np.random.default_rng(0)
    for f in (np.array([1, 2, 3, 4, 0]), np.array([1, 2, 0, 0, 3])):  # bijection, then not
        x = np.empty((60, 15), dtype=np.int64)
        x[:, 0] = rng.integers(0, 5, size=60)
        for t in range(1, 15):
            x[:, t] = f[x[:, t - 1]]
        mi = lagged_mutual_information(x, max_lag=1)[0]
        # x_{t+1} = f(x_t): I(x_t; x_{t+1}) = H(x_{t+1}) over the pooled pairs
        h = stats.entropy(np.bincount(x[:, 1:].ravel()))
        assert mi == pytest.approx(h, abs=1e-12)
    # history length 1 pools the same pairs as lag 1
    assert sequential_mutual_information(x, order=1)[0] == pytest.approx(mi, abs=1e-12)


def test_lagged_mi_iid_near_zero():
    x = np.random.default_rng(0).integers(0, 4, size=(200, 50))
    mi = lagged_mutual_information(x, max_lag=5)
    # plug-in bias about (4 - 1)^2 / (2 * 9800 pairs) = 0.0005 nats
    assert np.all(mi < 0.005)
    assert sequential_mutual_information(x, order=1)[0] < 0.005


def test_sequential_mi_hand_computed():
    # x = 0,1,1,0
    # k=1: (prev, x_t) = (0,1) (1,1) (1,0): as in the lagged case, I = 1/3 ln(27/16)
    # k=2: x_t = 1, 0 with histories (1,0), (1,1): each history determines x_t -> I = H = ln 2
    # k=3: one pair -> 0
    want = [math.log(27 / 16) / 3, math.log(2), 0.0]
    got = sequential_mutual_information([[0, 1, 1, 0]], order=3)
    np.testing.assert_allclose(got, want, atol=1e-15)


def test_sequential_mi_groups_average_and_skip():
    codes = [[0, 1, 1, 0], [0, 0, 0, 0], [1, 1, -1, -1]]
    # group a: as above; group b: constant -> 0 at every k; group c: one pair at k=1 (-> 0),
    # none at k=2, 3 (skipped). Equal weights over the groups that have pairs:
    # k=1: (1/3 ln(27/16) + 0 + 0) / 3;  k=2: (ln 2 + 0) / 2;  k=3: (0 + 0) / 2
    mi, n_pairs, n_groups = sequential_mutual_information(
        codes, order=3, groups=["a", "b", "c"], return_counts=True
    )
    np.testing.assert_allclose(mi, [math.log(27 / 16) / 9, math.log(2) / 2, 0.0], atol=1e-15)
    assert n_groups.tolist() == [3, 2, 2]
    assert n_pairs.tolist() == [7, 4, 2]
    # a group with no pair at all and no other group: NaN
    assert np.isnan(sequential_mutual_information([[1, -1]], order=1, groups=["z"])[0])


def test_discretize_and_shared_edges():
    x = np.array([[0.0, 1.0, 2.0, 3.0, np.nan]])
    # quantiles 0, 1/2, 1 of {0,1,2,3}: edges [0, 1.5, 3]
    np.testing.assert_allclose(quantile_edges(x, bins=2), [0.0, 1.5, 3.0])
    assert discretize(x, bins=2).tolist() == [[0, 0, 1, 1, -1]]
    edges = quantile_edges(x, np.array([10.0, 11.0]), bins=2)  # pooled: median 2.5
    assert discretize(x, edges=edges).tolist() == [[0, 0, 0, 1, -1]]
    assert discretize([-5.0, 99.0], edges=edges).tolist() == [0, 1]  # outside -> end bins


def test_temporal_mi_comparison():
    rng = np.random.default_rng(0)
    start = rng.integers(0, 4, size=(100, 1))
    det = (start + np.arange(12)) % 4  # x_{t+1} = x_t + 1 mod 4
    iid = rng.integers(0, 4, size=(100, 12))
    same = temporal_mi_comparison(det, det.copy(), max_lag=3, order=2)
    assert same["lagged_mi_mae"] == 0.0
    assert same["sequential_mi_mae"] == 0.0
    out = temporal_mi_comparison(det, iid, max_lag=3, order=2)
    assert out["real_lagged_mi"] == pytest.approx(np.full(3, math.log(4)), abs=0.01)
    assert out["lagged_mi_mae"] > 1.2
    assert out["sequential_mi_mae"] > 1.2
    assert out["real_lagged_pairs"].tolist() == [1100, 1000, 900]
    grouped = temporal_mi_comparison(
        det, iid, order=2, real_groups=start[:, 0] % 2, synthetic_groups=np.zeros(100)
    )
    assert grouped["real_lagged_mi"].shape == (11,)
    assert grouped["real_sequential_groups"].tolist() == [2, 2]
    assert grouped["synthetic_sequential_groups"].tolist() == [1, 1]


# --------------------------------------------------------------------------- bad input


def test_bad_input_raises_clear_errors():
    real = pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0], "s": ["a", "b"]})
    with pytest.raises(ValueError, match=r"column\(s\) \['y'\] missing from the synthetic"):
        pair_histogram_similarity(real, real.rename(columns={"y": "z"}), ["x", "y"])
    with pytest.raises(ValueError, match="no rows"):
        mutual_information_difference(real, real.iloc[:0], ["x", "y"])
    with pytest.raises(ValueError, match="at least 2 columns"):
        correlation_difference(real, real, ["x"])
    with pytest.raises(ValueError, match="list of column names"):
        pair_histogram_similarity(real, real, "x")
    with pytest.raises(ValueError, match="'s' is discrete"):
        correlation_difference(real, real, ["x", "s"])
    with pytest.raises(ValueError, match="not among the compared columns"):
        mutual_information_difference(real, real, ["x", "y"], discrete={"month"})
    with pytest.raises(ValueError, match="values on both sides"):
        attribute_jsd([], [1.0])
    with pytest.raises(ValueError, match="one length per sequence"):
        lagged_mutual_information([[0, 1, 0]], lengths=[3, 3], max_lag=1)
    with pytest.raises(ValueError, match="one label per sequence"):
        sequential_mutual_information([[0, 1, 0]], groups=["a", "b"])
    with pytest.raises(ValueError, match="whole numbers"):
        lagged_mutual_information([[0.5, 1.0]])
    with pytest.raises(ValueError, match=">= 0"):
        lagged_mutual_information([[0, -2, 1]])
    with pytest.raises(ValueError, match="empty"):
        sequential_mutual_information(np.zeros((0, 4), dtype=int))
    with pytest.raises(ValueError, match="both sides"):
        temporal_mi_comparison([[0, 1]], [[0, 1]], real_groups=["a"])
    with pytest.raises(ValueError, match="infinite"):
        discretize([0.0, np.inf])
