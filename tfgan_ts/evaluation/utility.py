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
from .prepared import PreparedFrame, frame_of, prepare
from .splitting import train_test_split_sequences

__all__ = ["forecast_utility", "train_test_split_sequences"]


def _as_array(data: pd.DataFrame | PreparedFrame, spec, features: list[str], name: str):
    """A long frame as a NaN-padded ``[n, T, F]`` array of ``features`` and the lengths; a
    missing value inside a sequence raises, naming the example and column."""
    if not isinstance(data, (pd.DataFrame, PreparedFrame)):
        raise ValueError(
            f"{name} must be a long-format pandas DataFrame, got {type(data).__name__}"
        )
    prepared = prepare(data, spec)
    df = prepared.frame
    missing = [c for c in features if c not in df.columns]
    if missing:
        raise ValueError(
            f"{name} lacks feature column(s) {missing} (it has {list(df.columns)[:20]})"
        )
    if len(df) == 0:
        raise ValueError(f"{name} has no rows")
    try:
        x = np.stack([prepared.matrix(c) for c in features], axis=-1)
        lengths, ids = prepared.order.lengths, prepared.order.ids
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
    real_train: pd.DataFrame | PreparedFrame,
    synthetic: pd.DataFrame | PreparedFrame,
    real_test: pd.DataFrame | PreparedFrame,
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
        real_train, synthetic, real_test: long-format frames (or PreparedFrames) with the
            spec's id (and time) columns and the feature columns.
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
    shared = set(pd.unique(frame_of(real_train)[spec.example_id])) & set(
        pd.unique(frame_of(real_test)[spec.example_id])
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
