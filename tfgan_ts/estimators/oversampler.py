"""Minority-class oversampling with a conditional tabular GAN, as an imbalanced-learn sampler
(``fit_resample``), so it drops in where ``SMOTE`` is used, ``imblearn.pipeline.Pipeline``
included."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd
from imblearn.over_sampling.base import BaseOverSampler
from imblearn.utils import check_target_type
from sklearn.neighbors import NearestNeighbors
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, validate_data

from ..columns import Continuous, Discrete
from ..models.tabular import TabularGAN
from ..seeding import draw_seed
from ..tabular_spec import TabularSpec
from .smote_prior import SmotePrior


class GANOversampler(BaseOverSampler):
    """Oversample classes with rows from a :class:`tfgan_ts.TabularGAN` conditioned on the
    class label (training-by-sampling shows the minority classes often enough to learn them).

    One GAN is trained on all rows, the label as its condition; for each class to oversample
    (``sampling_strategy``, with imbalanced-learn's meaning) it generates the missing rows
    conditioned on that class. Original rows come first, unchanged. By default the generator
    refines SMOTE's rows (SMOTified-GAN): untrained, it is SMOTE; the critic, which sees every
    class, teaches it what SMOTE's interpolations get wrong.

    Args:
        sampling_strategy: as imbalanced-learn's over-samplers ("auto", float, dict, ...).
        prior: ``"smote"`` (default; SMOTENC with discrete features), ``"copula"`` (a
            Gaussian copula per class) or None (CTGAN: from noise alone).
        k_neighbors: SMOTE's neighbours (capped at a class's rows − 1).
        prior_weight: how strongly the generator is held near its prior rows (see
            :class:`TabularGAN`).
        max_modes: Gaussian-mixture modes per continuous column (see :class:`TabularSpec`)
            for ``prior=None``; with a prior, columns are scaled by their range instead.
        reject_majority: drop generated rows whose nearest real row (standardized numeric
            features) is of another class and draw again (at most 10 × the rows asked;
            after that the remaining rows are kept as drawn, and counted).
        epochs, batch_size, steps_per_epoch: training length, as :meth:`TabularGAN.fit`
            (an epoch is ``max(10, n // batch_size)`` steps unless given).
        generator_units, discriminator_units, noise_dim, pac, learning_rate,
            same_condition_packs: the GAN's sizes and training (see :class:`TabularGAN`);
            smaller networks, a lower rate and fewer epochs than TabularGAN's: the prior
            does most of the work, and a fit takes 5–25 s on the benchmark's sets.
        discrete: feature columns to model as categories (names for a DataFrame, indices for
            an array); a DataFrame's bool/category/string columns are discrete anyway.
        seed: seeds the spec's fit, the GAN's initial weights (its ``weights_seed``), its
            training noise and batch sampling, and the generation, without touching Python's,
            NumPy's or TensorFlow's global generators (as scikit-learn's ``random_state``);
            the same seed and data give the same rows. None draws a seed from Python's
            global ``random``, as Keras does for unseeded layers.
        verbose: Keras' fit verbosity.

    Attributes:
        model_: the trained :class:`tfgan_ts.TabularGAN` (set by ``fit_resample``, as all
            below).
        sampling_strategy_: rows added per class.
        history_: the GAN's Keras training History.
        other_class_neighbour_share_: per oversampled class, the share of its added rows
            whose nearest real row is of another class (None without numeric features).
        rejected_: per class, generated rows dropped by ``reject_majority``.
    """

    _parameter_constraints = {
        **BaseOverSampler._parameter_constraints,
        "epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "steps_per_epoch": [Interval(Integral, 1, None, closed="left"), None],
        "generator_units": [tuple, list], "discriminator_units": [tuple, list],
        "noise_dim": [Interval(Integral, 1, None, closed="left")],
        "pac": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "same_condition_packs": ["boolean"],
        "prior": [StrOptions({"smote", "copula"}), None],
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "prior_weight": [Interval(Real, 0, None, closed="left")],
        "max_modes": [Interval(Integral, 1, None, closed="left")],
        "reject_majority": ["boolean"],
        "discrete": [list, tuple, None], "seed": [Interval(Integral, 0, None, closed="left"), None],
        "verbose": [Integral, str],
    }

    def __init__(self, sampling_strategy: float | str | dict | Callable = "auto",
                 epochs: int = 100, batch_size: int = 100, steps_per_epoch: int | None = None,
                 generator_units: Sequence[int] = (64, 64),
                 discriminator_units: Sequence[int] = (64, 64), noise_dim: int = 128,
                 pac: int = 10, learning_rate: float = 2e-4, same_condition_packs: bool = True,
                 prior: str | None = "smote", k_neighbors: int = 5, prior_weight: float = 30.0,
                 max_modes: int = 10,
                 reject_majority: bool = False,
                 discrete: Sequence[str | int] | None = None, seed: int | None = None,
                 verbose: int | str = 0) -> None:
        super().__init__(sampling_strategy=sampling_strategy)
        self.prior = prior
        self.k_neighbors = k_neighbors
        self.prior_weight = prior_weight
        self.max_modes = max_modes
        self.reject_majority = reject_majority
        self.epochs = epochs
        self.batch_size = batch_size
        self.steps_per_epoch = steps_per_epoch
        self.generator_units = generator_units
        self.discriminator_units = discriminator_units
        self.noise_dim = noise_dim
        self.pac = pac
        self.learning_rate = learning_rate
        self.same_condition_packs = same_condition_packs
        self.discrete = discrete
        self.seed = seed
        self.verbose = verbose

    def _check_X_y(self, X, y):
        """Mixed-type DataFrames pass (as SMOTENC's check); numbers must be finite and
        complete, with the offending column named."""
        y, binarize_y = check_target_type(y, indicate_one_vs_all=True)
        if isinstance(X, pd.DataFrame):
            validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
            frame = X
        else:
            X = check_array(X, dtype="numeric", ensure_all_finite=False)
            validate_data(self, X=X, y=y, reset=True, skip_check_array=True)
            frame = pd.DataFrame(X)
        for j, name in enumerate(frame.columns):
            values = frame[name]
            label = repr(name) if isinstance(X, pd.DataFrame) else f"{j} (array column)"
            if values.isna().any():
                raise ValueError(
                    f"feature column {label}: {int(values.isna().sum())} missing value(s); "
                    "fill or drop them before oversampling (e.g. tg.GANImputer or "
                    "sklearn.impute.SimpleImputer in the pipeline before this step)")
            if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
                    values.dtype) and np.isinf(values.to_numpy(np.float64)).any():
                raise ValueError(f"feature column {label}: infinite values; replace them")
        return X, y, binarize_y

    def _frame(self, X) -> tuple[pd.DataFrame, str]:
        """X as a DataFrame with string column names, and a label column name not among
        them."""
        if isinstance(X, pd.DataFrame):
            frame = X.reset_index(drop=True)
            frame.columns = [str(c) for c in frame.columns]
        else:
            frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        label = "class"
        while label in frame.columns:
            label = "_" + label
        return frame, label

    def _discrete_names(self, X) -> list[str]:
        if self.discrete is None:
            return []
        names = []
        for d in self.discrete:
            if isinstance(X, pd.DataFrame):
                if d not in X.columns:
                    raise ValueError(f"discrete={d!r} is not a column of X; columns: "
                                     f"{list(X.columns)}")
                names.append(str(d))
            else:
                if not isinstance(d, (int, np.integer)) or not 0 <= d < X.shape[1]:
                    raise ValueError(f"discrete={d!r}: for an array X give column indices "
                                     f"0..{X.shape[1] - 1}")
                names.append(f"x{int(d)}")
        return names

    def _prior(self, table: pd.DataFrame, label: str, categorical: list[str]):
        if self.prior == "smote":
            return SmotePrior(table, label, categorical, k_neighbors=self.k_neighbors)
        return self.prior

    def _fit_resample(self, X, y):
        seed = draw_seed(self.seed)
        frame, label = self._frame(X)
        discrete = self._discrete_names(X)
        table = frame.assign(**{label: np.asarray(y)})
        # with a prior the generator corrects prior rows on the columns' own scale (min/max);
        # mode-specific normalization only serves the noise-only generator
        spec = TabularSpec(discrete=[*discrete, label], max_modes=self.max_modes,
                           mode_specific=self.prior is None, seed=seed).fit(table)
        # the spec's column types decide SMOTENC's categorical features and the neighbour
        # check's numeric ones
        categorical = [c.name for c in spec.columns_ if isinstance(c, Discrete)
                       and c.name != label]
        numeric = [c.name for c in spec.columns_ if isinstance(c, Continuous)]
        model = TabularGAN(spec, conditions=[label], noise_dim=self.noise_dim,
                           generator_units=tuple(self.generator_units),
                           discriminator_units=tuple(self.discriminator_units), pac=self.pac,
                           same_condition_packs=self.same_condition_packs,
                           prior=self._prior(table, label, categorical),
                           prior_weight=float(self.prior_weight), seed=seed,
                           weights_seed=seed)
        model.compile(learning_rate=float(self.learning_rate))
        self.history_ = model.fit(table, epochs=self.epochs, batch_size=self.batch_size,
                                  steps_per_epoch=self.steps_per_epoch, verbose=self.verbose)
        self.model_ = model
        check = _NeighbourCheck(frame, np.asarray(y), numeric)
        self.other_class_neighbour_share_, self.rejected_ = {}, {}
        new_X, new_y = [], []
        for i, (cls, n_new) in enumerate(self.sampling_strategy_.items()):
            if n_new <= 0:
                continue
            rows, rejected = self._draw(model, label, cls, int(n_new), seed + 1 + i, check)
            self.rejected_[cls] = rejected
            self.other_class_neighbour_share_[cls] = check.other_share(rows.drop(
                columns=[label]), cls)
            new_X.append(rows.drop(columns=[label]))
            new_y.append(np.full(int(n_new), cls, dtype=np.asarray(y).dtype))
        if not new_X:
            return X, y
        added = pd.concat(new_X, ignore_index=True)
        if isinstance(X, pd.DataFrame):
            added.columns = X.columns
            added = added.astype(X.dtypes.to_dict())
            X_res = pd.concat([X, added], ignore_index=True)
        else:
            X_res = np.vstack([X, added.to_numpy(dtype=X.dtype)])
        return X_res, np.concatenate([np.asarray(y), *new_y])

    def _draw(self, model, label: str, cls, n: int, seed: int, check) -> tuple:
        """``n`` rows of class ``cls``; with ``reject_majority`` rows nearest to another
        class are dropped and drawn again (up to 10 × n rows)."""
        if not self.reject_majority or check.nn is None:
            return model.generate(n, conditions={label: cls}, seed=seed), 0
        kept, spare = [], []
        for k in range(10):  # 10 draws of n rows at most
            if sum(len(r) for r in kept) >= n:
                break
            rows = model.generate(n, conditions={label: cls}, seed=seed + 7919 * k)
            good = check.same_class(rows.drop(columns=[label]), cls)
            kept.append(rows[good])
            spare.append(rows[~good])
        out = pd.concat(kept + spare, ignore_index=True).iloc[:n].reset_index(drop=True)
        return out, int(sum(len(r) for r in spare))


class _NeighbourCheck:
    """The class of each generated row's nearest real row, on z-scored numeric features."""

    def __init__(self, frame: pd.DataFrame, y: np.ndarray, numeric: list[str]):
        self.cols = list(numeric)
        self.nn = None
        if not self.cols:
            return
        x = frame[self.cols].to_numpy(np.float64)
        self.mean, self.std = x.mean(axis=0), x.std(axis=0)
        self.std[self.std == 0] = 1.0
        self.y = y
        self.nn = NearestNeighbors(n_neighbors=1).fit((x - self.mean) / self.std)

    def same_class(self, rows: pd.DataFrame, cls) -> np.ndarray:
        x = (rows[self.cols].to_numpy(np.float64) - self.mean) / self.std
        return self.y[self.nn.kneighbors(x, return_distance=False)[:, 0]] == cls

    def other_share(self, rows: pd.DataFrame, cls) -> float | None:
        if self.nn is None or not len(rows):
            return None
        return float(1.0 - self.same_class(rows, cls).mean())
