"""The unit of privacy: which training sequences belong to one person, account or
counter-day. A guarantee protects a unit only if every sequence of it is bounded together."""

from __future__ import annotations

import numpy as np
import pandas as pd


def unit_codes(df: pd.DataFrame, example_id: str, unit: str | None,
               example_ids: np.ndarray) -> np.ndarray:
    """The unit (0 .. units − 1) of each sequence, in the order of ``example_ids``.

    ``unit`` None: every sequence is its own unit. ValueError when the column is missing
    or its value changes within a sequence (a unit must hold whole sequences)."""
    n = len(example_ids)
    if unit is None:
        return np.arange(n, dtype=np.int64)
    if unit not in df.columns:
        raise ValueError(
            f"the privacy unit column {unit!r} is not in the training frame (columns: "
            f"{list(df.columns)}); add it (e.g. the person or account each sequence belongs "
            "to) or drop DPConfig(unit=...) to protect single sequences")
    values = df[unit]
    if values.isna().any():
        where = df.loc[values.isna(), example_id].iloc[0]
        raise ValueError(f"the privacy unit column {unit!r} is missing in sequence {where}; "
                         "every row needs the unit it belongs to")
    per_example = values.groupby(df[example_id], sort=False).nunique()
    mixed = per_example[per_example > 1]
    if len(mixed):
        raise ValueError(
            f"the privacy unit column {unit!r} is not constant within a sequence: sequence "
            f"{mixed.index[0]} has {int(mixed.iloc[0])} different values ({len(mixed)} "
            "sequence(s) like that); a unit must hold whole sequences: cut the sequences at "
            "unit boundaries (e.g. non-overlapping days for a counter-day unit)")
    first = values.groupby(df[example_id], sort=False).first()
    codes, _ = pd.factorize(first.reindex(pd.Index(example_ids, dtype=object)).to_numpy())
    if (codes < 0).any():
        raise ValueError(f"the privacy unit column {unit!r} has no value for some sequences")
    return codes.astype(np.int64)


def one_sequence_per_unit(codes: np.ndarray, unit: str | None) -> None:
    """ValueError when a unit holds more than one sequence (DP-SGD samples sequences, so its
    guarantee is per sequence)."""
    counts = np.bincount(codes)
    if len(counts) and counts.max() > 1:
        raise ValueError(
            f"the privacy unit {unit!r} holds up to {int(counts.max())} sequences "
            f"({int((counts > 1).sum())} units hold more than one), but DP-SGD protects single "
            "sequences: use DPConfig(mechanism='embedding'), which bounds each unit by "
            "averaging its sequences, or keep one sequence per unit")


def unit_weights(codes: np.ndarray) -> np.ndarray:
    """1 / (sequences of its unit) for each sequence: a sum weighted so is a sum over units
    of each unit's mean, to which one unit contributes at most one sequence's worth."""
    return 1.0 / np.bincount(codes)[codes]
