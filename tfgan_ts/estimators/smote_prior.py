"""SMOTE rows as the prior a :class:`tfgan_ts.TabularGAN` refines (SMOTified-GAN: Sharma et
al., "SMOTified-GAN for class imbalanced pattern classification problems", IEEE Access 2022):
the generator starts from imbalanced-learn's interpolations between a class's neighbours and
learns a correction, so an untrained oversampler is SMOTE itself."""

from __future__ import annotations

import numpy as np
import pandas as pd


class SmotePrior:
    """``generate(n, conditions={label: cls}, seed)``: ``n`` SMOTE rows of class ``cls``
    (SMOTENC when there are discrete features), the table's columns and dtypes.

    Args:
        table: the training rows, features and the label column.
        label: the label column's name.
        discrete: names of discrete feature columns (SMOTENC's categorical features).
        k_neighbors: SMOTE's neighbours (fewer when a class has fewer rows); a class with a
            single row gives copies of it.
    """

    def __init__(self, table: pd.DataFrame, label: str, discrete=(), k_neighbors: int = 5):
        self.table = table.reset_index(drop=True)
        self.label = label
        self.features = [c for c in table.columns if c != label]
        self.discrete = [c for c in discrete if c != label]
        self.k_neighbors = int(k_neighbors)
        self._y = self.table[label].to_numpy()

    def _class_of(self, conditions) -> object:
        if not conditions:
            values, counts = np.unique(self._y, return_counts=True)
            return values[np.argmax(counts)]
        if set(conditions) != {self.label}:
            raise ValueError(f"a SMOTE prior is conditioned on {self.label!r} only, got "
                             f"{sorted(conditions)}")
        return conditions[self.label]

    def generate(self, n: int, conditions: dict | None = None, seed=None) -> pd.DataFrame:
        from imblearn.over_sampling import SMOTE, SMOTENC

        cls = self._class_of(conditions)
        mine = self._y == cls
        count = int(mine.sum())
        if count == 0:
            raise ValueError(f"class {cls!r} has no rows to interpolate")
        seed = None if seed is None else int(seed) % 2**32
        if count == 1 or n == 0:
            rows = self.table.loc[np.repeat(np.flatnonzero(mine)[:1], n)]
            return rows.reset_index(drop=True)
        k = min(self.k_neighbors, count - 1)
        target = mine.astype(np.int64)
        X = self.table[self.features]
        if self.discrete:
            if len(self.discrete) == len(self.features):
                raise ValueError("SMOTE needs at least one continuous feature; use "
                                 "prior='copula' or prior=None for all-discrete tables")
            sampler = SMOTENC(categorical_features=[self.features.index(c)
                                                    for c in self.discrete],
                              sampling_strategy={1: count + n}, k_neighbors=k,
                              random_state=seed)
        else:
            sampler = SMOTE(sampling_strategy={1: count + n}, k_neighbors=k, random_state=seed)
        X_res, _ = sampler.fit_resample(X, target)
        new = pd.DataFrame(X_res).iloc[len(X):].reset_index(drop=True)
        new.columns = self.features
        dtypes = self.table[self.features].dtypes
        for c in self.features:
            if c not in self.discrete and pd.api.types.is_integer_dtype(dtypes[c]):
                new[c] = np.round(new[c].astype(np.float64))
        new = new.astype(dtypes.to_dict())
        new[self.label] = pd.Series([cls] * n, dtype=self.table[self.label].dtype)
        return new[list(self.table.columns)]
