"""GANOversampler: imbalanced-learn's fit_resample contract, Pipeline use, bad input."""


import keras
import numpy as np
import pandas as pd
import pytest
from global_state import assert_global_generators_untouched
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import tfgan_ts as tg

FAST = dict(epochs=2, steps_per_epoch=20, batch_size=40, generator_units=(32,),
            discriminator_units=(32,), noise_dim=8, pac=2, seed=0)


def data(n_major=120, n_minor=12, seed=0):
    """Two numeric features (the minority shifted), a category, labels as text."""
    rng = np.random.default_rng(seed)
    n = n_major + n_minor
    y = np.array(["major"] * n_major + ["minor"] * n_minor)
    X = pd.DataFrame({
        "a": rng.normal(size=n) + 4.0 * (y == "minor"),
        "b": rng.exponential(size=n),
        "colour": pd.Categorical(rng.choice(["red", "blue"], n)),
        "n_items": rng.integers(0, 9, n).astype(np.int64),
    })
    return X, pd.Series(y, name="label")


def test_fit_resample_balances_and_keeps_the_original_rows_first():
    X, y = data()
    sampler = tg.GANOversampler(**FAST)
    X_res, y_res = sampler.fit_resample(X, y)
    assert isinstance(X_res, pd.DataFrame)
    assert isinstance(y_res, pd.Series)
    assert list(X_res.columns) == list(X.columns)
    assert X_res.dtypes.to_dict() == X.dtypes.to_dict()
    pd.testing.assert_frame_equal(X_res.iloc[:len(X)].reset_index(drop=True),
                                  X.reset_index(drop=True))
    np.testing.assert_array_equal(y_res.iloc[:len(y)], y)
    assert y_res.value_counts().to_dict() == {"major": 120, "minor": 120}
    assert dict(sampler.sampling_strategy_) == {"minor": 108}
    added = X_res.iloc[len(X):]
    assert added[["a", "b"]].notna().all().all()
    assert set(added["colour"]) <= {"red", "blue"}
    assert isinstance(sampler.model_, tg.TabularGAN)


@pytest.mark.parametrize(("strategy", "expected"), [
    (0.5, {"major": 120, "minor": 60}),
    ({"minor": 30}, {"major": 120, "minor": 30}),
    ("all", {"major": 120, "minor": 120}),
])
def test_sampling_strategy_has_imbalanced_learns_meaning(strategy, expected):
    X, y = data()
    _, y_res = tg.GANOversampler(sampling_strategy=strategy, **FAST).fit_resample(X, y)
    assert y_res.value_counts().to_dict() == expected


def test_arrays_in_arrays_out_with_integer_labels():
    X, y = data()
    X_arr = X[["a", "b"]].to_numpy()
    y_arr = (y == "minor").to_numpy().astype(int)
    X_res, y_res = tg.GANOversampler(**FAST).fit_resample(X_arr, y_arr)
    assert isinstance(X_res, np.ndarray)
    assert X_res.shape == (240, 2)
    np.testing.assert_array_equal(X_res[:len(X_arr)], X_arr)
    assert np.bincount(y_res).tolist() == [120, 120]


def test_same_seed_same_rows_whatever_the_global_generators():
    X, y = data()
    first = tg.GANOversampler(**FAST).fit_resample(X, y)[0]
    other = tg.GANOversampler(**{**FAST, "seed": 1}).fit_resample(X, y)[0]
    keras.utils.set_random_seed(99)  # the global generators elsewhere: no effect on seed=0
    pd.testing.assert_frame_equal(tg.GANOversampler(**FAST).fit_resample(X, y)[0], first)
    added = slice(len(X), None)
    assert not np.array_equal(other.iloc[added][["a", "b"]], first.iloc[added][["a", "b"]])


def test_fit_resample_leaves_the_global_generators_alone():
    X, y = data()
    assert_global_generators_untouched(
        lambda: tg.GANOversampler(**{**FAST, "epochs": 1, "steps_per_epoch": 2})
        .fit_resample(X, y))


def test_works_inside_an_imblearn_pipeline_and_clones():
    X, y = data()
    X = X[["a", "b"]]
    pipe = Pipeline([("scale", StandardScaler()), ("gan", tg.GANOversampler(**FAST)),
                     ("clf", LogisticRegression())])
    pipe.fit(X, y)
    assert pipe.named_steps["gan"].model_ is not None
    # resampling happens at fit only: predict gives one label per input row
    assert len(pipe.predict(X)) == len(X)
    copy = clone(tg.GANOversampler(**FAST))
    assert copy.get_params() == tg.GANOversampler(**FAST).get_params()


def test_generated_minority_rows_follow_the_minority():
    """The minority's 'a' is shifted by +4: generated minority rows must be too."""
    X, y = data(n_major=150, n_minor=30)
    X = X[["a", "b"]]
    sampler = tg.GANOversampler(**{**FAST, "epochs": 4, "steps_per_epoch": 100,
                                   "learning_rate": 2e-3})
    X_res, y_res = sampler.fit_resample(X, y)
    added = X_res.iloc[len(X):]
    assert (y_res.iloc[len(X):] == "minor").all()
    major_mean = X.a[y == "major"].mean()
    assert added.a.mean() - major_mean > 2.0, (added.a.mean(), major_mean)


def test_bad_input():
    X, y = data()
    with pytest.raises(ValueError, match="class"):
        tg.GANOversampler(**FAST).fit_resample(X, pd.Series(["major"] * len(X)))
    gap = X.assign(b=X.b.where(X.index != 5))
    with pytest.raises(ValueError, match=r"feature column 'b': 1 missing value"):
        tg.GANOversampler(**FAST).fit_resample(gap, y)
    arr = X[["a", "b"]].to_numpy(copy=True)
    arr[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"feature column 1 \(array column\): 1 missing"):
        tg.GANOversampler(**FAST).fit_resample(arr, y)
    with pytest.raises(ValueError, match="infinite"):
        tg.GANOversampler(**FAST).fit_resample(X.assign(a=X.a.replace(X.a.iloc[0], np.inf)), y)
    with pytest.raises(ValueError, match=r"discrete='nope' is not a column"):
        tg.GANOversampler(discrete=["nope"], **FAST).fit_resample(X, y)
    with pytest.raises(ValueError, match="epochs"):
        tg.GANOversampler(**{**FAST, "epochs": 0}).fit_resample(X, y)
    with pytest.raises(ValueError, match="'seed' parameter"):
        tg.GANOversampler(**{**FAST, "seed": -1}).fit_resample(X, y)


def test_smote_prior_rows_lie_between_rows_of_their_class():
    from tfgan_ts.estimators.smote_prior import SmotePrior

    X, y = data(n_major=60, n_minor=8)
    table = X[["a", "b", "n_items"]].assign(label=y.to_numpy())
    rows = SmotePrior(table, "label").generate(200, conditions={"label": "minor"}, seed=0)
    minor = table[table.label == "minor"]
    assert (rows["label"] == "minor").all()
    assert rows["n_items"].dtype == np.int64
    for name in ("a", "b"):
        assert rows[name].between(minor[name].min(), minor[name].max()).all(), name


def test_untrained_smote_refiner_is_smote_and_counts_other_class_neighbours():
    """No training step changes the zero-initialized correction: the rows are SMOTE's."""
    X, y = data(n_major=150, n_minor=15)
    X = X[["a", "b"]]
    sampler = tg.GANOversampler(**{**FAST, "epochs": 1, "steps_per_epoch": 1,
                                   "learning_rate": 1e-12})
    X_res, _ = sampler.fit_resample(X, y)
    added = X_res.iloc[len(X):]
    minor = X[y == "minor"]
    for name in ("a", "b"):
        assert added[name].between(minor[name].min() - 1e-6, minor[name].max() + 1e-6).all()
    share = sampler.other_class_neighbour_share_["minor"]
    assert 0.0 <= share <= 1.0
    strict = tg.GANOversampler(**{**FAST, "epochs": 1, "steps_per_epoch": 1,
                                  "learning_rate": 1e-12, "reject_majority": True})
    strict.fit_resample(X, y)
    assert strict.other_class_neighbour_share_["minor"] <= share
    assert strict.rejected_["minor"] >= round(share * 135) - 5


def test_values_shared_by_many_rows_come_back_exactly_not_a_hair_off():
    """A float32 copy of 0 mm of rain is a new value a tree model can split on: generated
    rows must hold the real atom exactly (after scaling, as in a Pipeline)."""
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(4)
    n = 300
    y = np.array([0] * 260 + [1] * 40)
    rain = np.where(rng.random(n) < 0.7, 0.0, rng.exponential(3.0, n))
    X = StandardScaler().fit_transform(np.column_stack([rng.normal(size=n) + y, rain]))
    zero = X[rain == 0, 1][0]
    sampler = tg.GANOversampler(**{**FAST, "epochs": 1, "steps_per_epoch": 30})
    X_res, _ = sampler.fit_resample(X, y)
    from imblearn.over_sampling import SMOTE

    on_atom = (X_res[len(X):, 1] == zero).mean()
    X_smote, _ = SMOTE(random_state=0).fit_resample(X, y)
    smote_on_atom = (X_smote[len(X):, 1] == zero).mean()
    assert smote_on_atom > 0.3  # SMOTE between two dry rows gives exactly 0 mm
    assert on_atom >= 0.8 * smote_on_atom, (on_atom, smote_on_atom)
