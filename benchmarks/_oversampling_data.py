"""The imbalanced data sets of ``benchmarks/oversampling.py`` (its docstring describes them):
features as float64 and labels 0/1 with 1 = the minority class, drawn anew for every seed.
Imported as ``_oversampling_data`` (the scripts run as ``python benchmarks/x.py``)."""

from __future__ import annotations

import functools

import numpy as np

DATASETS = ("breast_cancer", "wine", "digits", "digits5", "pm25")
DEFAULT_DATASETS = ("breast_cancer", "wine", "digits", "pm25")
LABELS = {"breast_cancer": "breast cancer", "wine": "wine (class 0)", "digits": "digits (0)",
          "digits5": "digits (0, 5 %)", "pm25": "Beijing PM2.5 > 250"}
# minority share to subsample the scikit-learn sets to, None to keep all their rows
MINORITY_SHARE = {"breast_cancer": 0.05, "wine": 0.10, "digits": None, "digits5": 0.05}

PM25_THRESHOLD = 250.0  # µg/m³; the label is pm2.5 > this, in the same hour
PM25_ROWS = 2000  # stratified random rows per seed
PM25_WIND = ("NE", "NW", "SE", "cv")  # cbwd levels, one-hot in this order
PM25_FEATURES = ("DEWP", "TEMP", "PRES", "Iws", "Is", "Ir",
                 *(f"cbwd={w}" for w in PM25_WIND),
                 "hour_sin", "hour_cos", "month_sin", "month_cos")


def describe(name: str) -> str:
    """What the rows and the minority class are, for the report's data notes."""
    if name == "pm25":
        X, y = pm25_table()
        return (f"hours of tg.datasets.beijing_pm25() with PM2.5 > {PM25_THRESHOLD:g} µg/m³ vs "
                f"the rest; a stratified random {PM25_ROWS:,} of the {len(y):,} hours with a "
                f"pm2.5 reading ({int(y.sum()):,} above, {y.mean():.2%}), drawn per seed; "
                f"features {', '.join(PM25_FEATURES[:6])}, cbwd one-hot "
                f"({', '.join(PM25_WIND)}), hour and month as sin/cos")
    what = {"breast_cancer": "malignant vs benign", "wine": "class 0 vs classes 1 and 2",
            "digits": "digit 0 vs the nine others", "digits5": "digit 0 vs the nine others"}
    share = MINORITY_SHARE[name]
    kept = "all rows" if share is None else f"minority subsampled to {share:.0%} per seed"
    return f"sklearn load_{name.rstrip('5')}(), {what[name]}, {kept}"


def _binary(name: str) -> tuple[np.ndarray, np.ndarray]:
    """A scikit-learn set's features and 0/1 labels, 1 = the minority class of interest."""
    from sklearn import datasets

    if name == "breast_cancer":
        bunch = datasets.load_breast_cancer()
        return bunch.data, (bunch.target == 0).astype(np.int64)  # 0 is malignant
    if name == "wine":
        bunch = datasets.load_wine()
        return bunch.data, (bunch.target == 0).astype(np.int64)
    bunch = datasets.load_digits()
    return bunch.data, (bunch.target == 0).astype(np.int64)


@functools.lru_cache(maxsize=1)
def pm25_table() -> tuple[np.ndarray, np.ndarray]:
    """Every hour of the bundled Beijing PM2.5 table with a pm2.5 reading: the weather
    features of ``PM25_FEATURES`` and 1 where pm2.5 > ``PM25_THRESHOLD``."""
    import tfgan_ts as tg

    df = tg.datasets.beijing_pm25()
    df = df[df["pm2.5"].notna()]
    unknown = set(df["cbwd"].unique()) - set(PM25_WIND)
    if unknown:
        raise ValueError(f"beijing_pm25: unexpected cbwd levels {sorted(unknown)}")
    cols = [df[c].to_numpy(np.float64) for c in PM25_FEATURES[:6]]
    cols += [(df["cbwd"] == w).to_numpy(np.float64) for w in PM25_WIND]
    for column, period, first in (("hour", 24, 0), ("month", 12, 1)):
        angle = 2 * np.pi * (df[column].to_numpy(np.float64) - first) / period
        cols += [np.sin(angle), np.cos(angle)]
    y = (df["pm2.5"].to_numpy(np.float64) > PM25_THRESHOLD).astype(np.int64)
    return np.column_stack(cols), y


def minority_keep(n_rest: int, share: float | None, n_minority: int) -> int:
    """How many minority rows make them ``share`` of all rows (all of them when None)."""
    if share is None:
        return n_minority
    return min(n_minority, int(round(share * n_rest / (1.0 - share))))


def load(name: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The data set as float64 features and 0/1 labels, subsampled with ``seed``."""
    if name == "pm25":
        from sklearn.model_selection import train_test_split

        X, y = pm25_table()
        rows, _ = train_test_split(np.arange(len(y)), train_size=PM25_ROWS, stratify=y,
                                   random_state=seed)
        rows = np.sort(rows)
        return X[rows], y[rows]
    X, y = _binary(name)
    minority = np.flatnonzero(y == 1)
    keep = minority_keep(int((y == 0).sum()), MINORITY_SHARE[name], len(minority))
    if keep < len(minority):
        drawn = np.random.default_rng(seed).choice(minority, keep, replace=False)
        rows = np.sort(np.concatenate([np.flatnonzero(y == 0), drawn]))
        X, y = X[rows], y[rows]
    return X.astype(np.float64), y


def split(X, y, test_size: float, seed: int):
    """Stratified train/test split; the test part is only ever predicted on."""
    from sklearn.model_selection import train_test_split

    return train_test_split(X, y, test_size=test_size, stratify=y, random_state=seed)
