"""Downstream utility of synthetic sequences: train on synthetic, test on real (TSTR).

:func:`forecast_utility` fits the same :class:`tfgan_ts.LSTMForecaster` once on real training
sequences (TRTR: train on real, test on real) and once on synthetic ones (TSTR), scores both
on held-out real sequences and reports the ratio of their errors. :func:`train_test_split_sequences`
makes the real holdout by splitting whole sequences.

TensorFlow is imported only when :func:`forecast_utility` runs.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from ..columns import Continuous
from .fidelity import sequence_matrix

__all__ = ["forecast_utility", "train_test_split_sequences"]


def train_test_split_sequences(
    df: pd.DataFrame, spec, test_size=0.2, seed=None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a frame of sequences into train and test by whole sequences (example ids).

    Every row of an example goes to the same side, so no sequence is split in two (the holdout
    :func:`forecast_utility` needs). Rows keep their order and index within each side. Works on
    long frames (several rows per example) and wide frames (one row per example) alike: only
    ``spec.example_id`` is read.

    Args:
        df: DataFrame with the ``spec.example_id`` column.
        spec: a :class:`tfgan_ts.SequenceSpec` (need not be fitted).
        test_size: share of examples in the test set (0 < test_size < 1, rounded up to whole
            examples, as scikit-learn does) or a number of examples (int >= 1).
        seed: seed of the random choice of test examples (``numpy.random.default_rng``).

    Returns:
        ``(train_df, test_df)``, both non-empty.
    """
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"expected a pandas DataFrame, got {type(df).__name__}")
    if spec.example_id not in df.columns:
        raise ValueError(
            f"example id column {spec.example_id!r} missing from the DataFrame (it has "
            f"{list(df.columns)[:20]})"
        )
    ids = df[spec.example_id]
    if ids.isna().any():
        raise ValueError(
            f"column {spec.example_id!r} (example id) has {int(ids.isna().sum())} missing "
            "value(s); every row needs the id of its sequence"
        )
    codes, uniques = pd.factorize(ids, sort=False)
    n = len(uniques)
    if isinstance(test_size, (bool, np.bool_)):
        raise ValueError(f"test_size must be a share in (0, 1) or a count, got {test_size!r}")
    if isinstance(test_size, (int, np.integer)):
        n_test = int(test_size)
        if not 1 <= n_test < n:
            raise ValueError(
                f"test_size={n_test} examples leaves no train or no test example: the frame "
                f"has {n} example(s); pass 1..{n - 1} or a share"
            )
    elif isinstance(test_size, (float, np.floating)) and 0 < test_size < 1:
        n_test = math.ceil(float(test_size) * n)
        if not 1 <= n_test < n:
            raise ValueError(
                f"test_size={test_size} of {n} example(s) gives {n_test} test example(s), which "
                "leaves no train example; more examples are needed to split"
            )
    else:
        raise ValueError(
            f"test_size must be a share in (0, 1) or a number of examples, got {test_size!r}"
        )
    chosen = np.random.default_rng(seed).permutation(n)[:n_test]
    is_test = np.zeros(n, dtype=bool)
    is_test[chosen] = True
    mask = is_test[codes]
    return df.loc[~mask], df.loc[mask]


def _as_array(df: pd.DataFrame, spec, features: list[str], name: str):
    """A long frame as a NaN-padded ``[n, T, F]`` array of ``features`` and the lengths; a
    missing value inside a sequence raises, naming the example and column."""
    if not isinstance(df, pd.DataFrame):
        raise ValueError(f"{name} must be a long-format pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in features if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name} lacks feature column(s) {missing} (it has {list(df.columns)[:20]})"
        )
    if len(df) == 0:
        raise ValueError(f"{name} has no rows")
    try:
        x = np.stack([sequence_matrix(df, spec, c) for c in features], axis=-1)
        _, _, _, lengths, ids = spec.sequence_order(df)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None
    inside = np.arange(x.shape[1])[None, :] < lengths[:, None]
    bad = ~np.isfinite(x) & inside[:, :, None]
    if bad.any():
        counts = bad.sum(axis=(0, 1))
        f = int(np.flatnonzero(counts)[0])
        examples = [ids[i] for i in np.flatnonzero(bad[:, :, f].any(axis=1))[:5]]
        raise ValueError(
            f"{name}: column {features[f]!r} has {int(counts[f])} missing or infinite value(s) "
            f"inside sequences (examples {examples}); the forecaster needs complete windows — "
            "fill the gaps (interpolate or impute) or drop those examples"
        )
    return x, lengths


def _ratio(num: float, den: float) -> float:
    if den == 0:
        return 1.0 if num == 0 else math.inf
    return num / den


def forecast_utility(
    real_train: pd.DataFrame,
    synthetic: pd.DataFrame,
    real_test: pd.DataFrame,
    spec,
    target: str,
    features: list[str] | None = None,
    window=24,
    horizon=1,
    seed=None,
    **forecaster_kwargs,
) -> dict:
    """Is synthetic data as useful as real data for forecasting? TSTR versus TRTR.

    Each frame (long format) becomes a NaN-padded ``[n, T, F]`` array of the ``features``
    (:func:`~tfgan_ts.evaluation.sequence_matrix` per column, sequences ordered by
    ``spec.example_id`` and ``spec.time``); a missing value inside a sequence raises a
    ValueError naming the example and column. One :class:`tfgan_ts.LSTMForecaster` is fitted on
    ``real_train`` (TRTR) and one on ``synthetic`` (TSTR) with the same settings and ``seed``;
    both forecast every window of ``real_test``. A window is ``window`` consecutive steps of all
    features; the answer is the next ``horizon`` values of ``target`` (``horizon=1``: one step
    ahead). Windows never cross sequences, and sequences shorter than ``window + horizon``
    are skipped with a warning.

    ``real_test`` must hold real sequences that are NOT in ``real_train`` (e.g. from
    :func:`train_test_split_sequences`), and the generator should have been trained on
    ``real_train`` only: otherwise both scores are optimistic and the comparison says little.
    A warning is given when ``real_train`` and ``real_test`` share example ids.

    Args:
        real_train, synthetic, real_test: long-format frames with the spec's id (and time)
            columns and the feature columns.
        spec: the :class:`tfgan_ts.SequenceSpec` of the data (need not be fitted).
        target: name of the column to forecast; must be one of ``features``.
        features: numeric columns given to the forecaster as inputs (default: the spec's
            continuous features, in spec order).
        window, horizon: see above.
        seed: seed of both forecasters (validation split, weights, batch order). With a seed
            and identical training data the two models are identical, so the ratios are 1.
        **forecaster_kwargs: other :class:`~tfgan_ts.LSTMForecaster` settings (``units``,
            ``layers``, ``epochs``, ``batch_size``, ``learning_rate``, ``patience``,
            ``validation_split``, ``verbose``).

    Returns:
        dict with ``trtr_mae``, ``trtr_rmse``, ``tstr_mae``, ``tstr_rmse`` (raw scale of
        ``target``, over all test windows and horizon steps); ``mae_ratio`` and
        ``rmse_ratio`` = TSTR / TRTR (1: synthetic data as useful as real for this task; > 1:
        worse; < 1: better — inf if only the TRTR error is 0); ``n_windows_train_real``,
        ``n_windows_train_synthetic``, ``n_windows_test``; and ``target``, ``window``,
        ``horizon``.
    """
    from ..estimators import LSTMForecaster

    if features is None:
        features = [c.name for c in spec.features if isinstance(c, Continuous)]
        if not features:
            raise ValueError(
                "the spec has no continuous feature to forecast; pass features=[...] with the "
                "numeric columns to use"
            )
    else:
        if isinstance(features, str):
            features = [features]
        features = list(features)
        if not features:
            raise ValueError("features is empty; pass at least the target column")
        dup = sorted({f for f in features if features.count(f) > 1})
        if dup:
            raise ValueError(f"features lists {dup} more than once; list each column once")
    if target not in features:
        raise ValueError(
            f"target {target!r} is not among the features {features}; the target must also be "
            "an input feature — add it to features= (or make it a Continuous feature of the spec)"
        )
    fixed = {"window", "horizon", "target", "seed"}  # set by forecast_utility itself
    allowed = set(LSTMForecaster().get_params()) - fixed
    unknown = sorted(set(forecaster_kwargs) - allowed)
    if unknown:
        raise ValueError(
            f"unknown forecaster setting(s) {unknown}; LSTMForecaster takes {sorted(allowed)}"
        )

    arrays = {
        name: _as_array(frame, spec, features, name)
        for name, frame in (
            ("real_train", real_train),
            ("synthetic", synthetic),
            ("real_test", real_test),
        )
    }
    shared = set(pd.unique(real_train[spec.example_id])) & set(
        pd.unique(real_test[spec.example_id])
    )
    if shared:
        warnings.warn(
            f"real_train and real_test share {len(shared)} example id(s) (e.g. "
            f"{sorted(map(str, shared))[:3]}); if these are the same sequences the scores are "
            "optimistic — hold out whole sequences with train_test_split_sequences",
            UserWarning,
            stacklevel=2,
        )

    t = features.index(target)
    settings = dict(forecaster_kwargs, window=window, horizon=horizon, target=t, seed=seed)

    def call(name, method, *args):
        """``method(*args)``, with errors and warnings naming the frame instead of X."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                out = method(*args)
            except ValueError as err:
                raise ValueError(f"{name}: {str(err).removeprefix('X: ')}") from None
        for w in caught:
            text = str(w.message)
            if text.startswith("X: "):
                text = text.removeprefix("X: ").replace(" (counted in n_skipped_)", "")
                warnings.warn(f"{name}: {text}", w.category, stacklevel=4)  # the caller
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return out

    def run(train_name):
        model = LSTMForecaster(**settings)
        call(train_name, model.fit, *arrays[train_name])
        return model, call("real_test", model.evaluate, *arrays["real_test"])

    # Fail before any training when a frame gives no window at all.
    probe = LSTMForecaster(**settings)
    for name, arr in arrays.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # skips are reported once, by fit / evaluate
            call(name, probe.make_windows, *arr)

    real_model, trtr = run("real_train")
    syn_model, tstr = run("synthetic")
    return {
        "trtr_mae": trtr["mae"],
        "trtr_rmse": trtr["rmse"],
        "tstr_mae": tstr["mae"],
        "tstr_rmse": tstr["rmse"],
        "mae_ratio": float(_ratio(tstr["mae"], trtr["mae"])),
        "rmse_ratio": float(_ratio(tstr["rmse"], trtr["rmse"])),
        "n_windows_train_real": real_model.n_windows_,
        "n_windows_train_synthetic": syn_model.n_windows_,
        "n_windows_test": trtr["n_windows"],
        "target": target,
        "window": window,
        "horizon": horizon,
    }
