"""Priors a :class:`TabularGAN` refines: rows from a simple model (a Gaussian copula, SMOTE)
that the generator starts from and corrects. The prior's rows are encoded like real rows and
turned into logits, so an untrained generator (zero correction) reproduces the prior; training
then only has to learn what the simple model gets wrong.

A prior is any object with ``generate(n, conditions=None, seed=None) -> DataFrame`` (the
table's columns), as :class:`tfgan_ts.GaussianCopula` has.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PRIOR_LOGIT = 8.0  # one-hot blocks become ±8: a Gumbel draw flips one with p ≈ e^-16
_EDGE = 1 - 1e-6    # tanh values are clipped inside (-1, 1) before arctanh
ATOM_TOLERANCE = 0.01  # share of a column's range a correction must reach to leave an atom


def prior_logits(encoded: np.ndarray, blocks) -> np.ndarray:
    """Encoded rows [n, dim] → logits that ``activate`` maps back to the same rows."""
    out, start = [], 0
    for dim, act in blocks:
        part = np.asarray(encoded[:, start:start + dim], np.float64)
        start += dim
        if act == "tanh":
            out.append(np.arctanh(np.clip(part, -_EDGE, _EDGE)))
        else:
            out.append(PRIOR_LOGIT * (2.0 * part - 1.0))
    return np.concatenate(out, axis=1).astype(np.float32)


def category_value(spec, name: str, code: int):
    """The value of category ``code`` of discrete column ``name``."""
    return spec.column(name).from_codes(np.array([code])).iloc[0]


def encode_rows(rows: pd.DataFrame, spec, blocks, seed: int) -> np.ndarray:
    """A prior's rows (the table's columns) → logits."""
    if not isinstance(rows, pd.DataFrame):
        raise ValueError(f"the prior's generate returned {type(rows).__name__}, not a DataFrame")
    missing = [c for c in spec.column_names if c not in rows.columns]
    if missing:
        raise ValueError(f"the prior's rows lack the column(s) {missing}")
    return prior_logits(spec.transform(rows[spec.column_names], seed=seed), blocks)


def prior_pools(prior, spec, blocks, columns: list[str], counts: list[list[int]],
                size: int, seed: int):
    """Logits of ``size`` prior rows per condition category (one pool without conditions),
    stacked: (pool [rows, dim], start and count per flat category index). Categories the
    training table lacks get an empty pool (training never draws them)."""
    pools, starts, sizes, offset = [], [], [], 0
    if not columns:
        pool = encode_rows(prior.generate(size, seed=seed), spec, blocks, seed)
        return pool, np.array([0], np.int64), np.array([len(pool)], np.int64)
    k = 0
    for name, column_counts in zip(columns, counts, strict=True):
        for code, count in enumerate(column_counts):
            m = size if count > 0 else 0
            if m:
                rows = prior.generate(m, conditions={name: category_value(spec, name, code)},
                                      seed=seed + 1 + k)
                pools.append(encode_rows(rows, spec, blocks, seed + 1 + k))
            starts.append(offset)
            sizes.append(m)
            offset += m
            k += 1
    return (np.concatenate(pools).astype(np.float32), np.array(starts, np.int64),
            np.array(sizes, np.int64))


def prior_for_conditions(prior, spec, blocks, cond: np.ndarray, columns: list[str],
                         sizes: list[int], seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """One fresh prior row per condition vector (rows of ``cond``), drawn with the condition
    the vector holds (or unconditionally when the model has none): its logits and the row
    itself."""
    n = len(cond)
    if not columns:
        rows = prior.generate(n, seed=seed)[spec.column_names].reset_index(drop=True)
        return encode_rows(rows, spec, blocks, seed), rows
    out = np.zeros((n, sum(d for d, _ in blocks)), np.float32)
    raw = []
    flat = np.argmax(cond, axis=1)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    for k in np.unique(flat):
        j = int(np.searchsorted(offsets, k, side="right") - 1)
        code = int(k - offsets[j])
        rows = np.flatnonzero(flat == k)
        drawn = prior.generate(len(rows), conditions={
            columns[j]: category_value(spec, columns[j], code)}, seed=seed + int(k))
        out[rows] = encode_rows(drawn, spec, blocks, seed + int(k))
        raw.append(drawn[spec.column_names].set_axis(rows))
    return out, pd.concat(raw).sort_index()


def exact_prior_values(spec, generated: pd.DataFrame, prior_decoded: pd.DataFrame,
                       prior_rows: pd.DataFrame) -> pd.DataFrame:
    """Continuous values as the prior's own value plus the decoded correction: where the
    generator changed nothing the prior's value comes back exactly, not a float32 neighbour
    of it, and a value on an atom stays there unless the correction is large (a value a
    hair off a repeated real value is a new, telltale value: gradient boosting learned
    "minority = the float32 copy of 0 h of snow" and lost 0.13 F1 on the PM2.5 task)."""
    from ..columns import Continuous

    out = generated.copy()
    for c in spec.columns_:
        if not isinstance(c, Continuous) or c.name not in prior_rows:
            continue
        delta = (generated[c.name].to_numpy(np.float64)
                 - prior_decoded[c.name].to_numpy(np.float64))
        base = prior_rows[c.name].to_numpy(np.float64)
        # a value on an atom (one many real rows share) moves only for a correction of at
        # least 1% of the column's range: smaller ones are float noise that marks the row
        on_atom = np.isin(base, spec.atoms_.get(c.name, []))
        delta[on_atom & (np.abs(delta) < ATOM_TOLERANCE * c.scale)] = 0.0
        out[c.name] = spec.finish_continuous(c, base + delta).to_numpy()
    return out
