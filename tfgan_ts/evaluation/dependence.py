"""Fidelity of dependence between columns: pairwise joint histograms, mutual information and
correlation.

Pure numpy / pandas; no TensorFlow. Inputs are DataFrames (or
:class:`~tfgan_ts.evaluation.PreparedFrame` objects, whose frames are read), so the same
functions serve any model's output.

Column kinds: a column is *discrete* when its dtype is categorical, bool, string or object on
either side (as :func:`~tfgan_ts.evaluation.histogram_similarity` decides) or when it is named
in ``discrete``; every other column is *continuous*. Numeric codes (a month number, a class
id) are continuous unless named in ``discrete``.
"""

from __future__ import annotations

from math import log

import numpy as np
import pandas as pd

from ._inputs import (
    binned_codes,
    category_codes,
    check_bins,
    check_columns,
    check_edges,
    check_frame,
    column_kinds,
    floats,
    is_discrete,
)
from .binning import quantile_edges
from .prepared import PreparedFrame, frame_of

__all__ = [
    "correlation_difference",
    "mutual_information_difference",
    "mutual_information_matrix",
    "pair_histogram_similarity",
]


# --------------------------------------------------------------------------- pairs of columns


def pair_histogram_similarity(
    real: pd.DataFrame | PreparedFrame,
    synthetic: pd.DataFrame | PreparedFrame,
    columns: list[str],
    bins=20,
    discrete: set[str] | None = None,
) -> pd.DataFrame:
    """``1 - total variation distance`` between the 2-D joint histograms of each pair of
    columns, in [0, 1].

    Each column is cut into cells shared by both sides:

    * continuous: bins on edges ``np.histogram_bin_edges(concat(real, synthetic), bins)``
      (finite values of both sides pooled; the last bin closed on the right, as
      ``np.histogram``);
    * discrete: the union of the categories seen on either side.

    Missing values (NaN/None) are a bin (category) of their own. For a pair ``(a, b)``, ``p``
    and ``q`` are the fractions of real and synthetic rows falling in each cell of the
    ``a`` × ``b`` grid, and the similarity is ``1 - 0.5 * sum |p - q|``: 1 when the joint
    histograms are equal, 0 when no cell is occupied on both sides. It is the 2-D analogue of
    :func:`~tfgan_ts.evaluation.histogram_similarity` (same binning) and so it also reflects
    the two marginals; a pair scores below both columns' own histogram similarity when the
    dependence between them is off. With many cells (``bins**2``) and few rows, sampling
    noise alone lowers the score: compare to the score of two real halves when in doubt.

    Args:
        real, synthetic: DataFrames holding ``columns`` (row counts may differ; each row is
            one observation — use :func:`sequence_attributes` for one row per sequence).
        columns: the columns to pair (at least two); every unordered pair is scored.
        bins: number of bins or any ``np.histogram_bin_edges`` rule (continuous columns).
        discrete: names of columns to treat as discrete on top of those discrete by dtype
            (categorical, bool, string, object), e.g. ``{"month"}`` for integer codes.

    Returns:
        DataFrame with columns ``column_a``, ``column_b``, ``similarity``: one row per pair,
        in the order of ``columns`` (``a`` before ``b``).
    """
    func = "pair_histogram_similarity"
    real, synthetic = frame_of(real), frame_of(synthetic)
    columns = check_columns(columns, func)
    check_frame(real, columns, "real", func)
    check_frame(synthetic, columns, "synthetic", func)
    kinds = column_kinds([real, synthetic], columns, discrete, func)
    n_real, n_syn = len(real), len(synthetic)
    codes = {}
    for c in columns:
        if kinds[c]:
            codes[c] = category_codes([real[c], synthetic[c]])
            continue
        x = floats(real[c], c, func)
        y = floats(synthetic[c], c, func)
        both = np.concatenate([x[~np.isnan(x)], y[~np.isnan(y)]])
        edges = np.histogram_bin_edges(both, bins=bins) if both.size else None
        codes[c] = binned_codes([x, y], edges)
    rows = []
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            (ra, sa), (rb, sb) = codes[a], codes[b]
            width = int(max(rb.max(), sb.max())) + 1
            joint = np.concatenate([ra * width + rb, sa * width + sb])
            _, cell = np.unique(joint, return_inverse=True)
            cell = cell.ravel()
            n_cells = int(cell.max()) + 1
            p = np.bincount(cell[:n_real], minlength=n_cells) / n_real
            q = np.bincount(cell[n_real:], minlength=n_cells) / n_syn
            tvd = 0.5 * np.abs(p - q).sum()
            rows.append((a, b, float(min(max(1.0 - tvd, 0.0), 1.0))))
    return pd.DataFrame(rows, columns=["column_a", "column_b", "similarity"])


def mutual_information_matrix(
    df: pd.DataFrame | PreparedFrame,
    columns: list[str],
    bins: int = 20,
    discrete: set[str] | None = None,
    edges: dict | None = None,
) -> pd.DataFrame:
    """Normalized mutual information between every two columns of one frame, in [0, 1].

    Each column is turned into labels: discrete columns by category (missing values one
    category), continuous columns by bin on ``edges[column]`` when given, otherwise on quantile
    edges of this frame's finite values (``bins`` bins, repeated edges merged; see
    :func:`~tfgan_ts.evaluation.quantile_edges`). Values outside the given edges fall into the
    first or last bin; missing values get a bin of their own. For two label columns ``A``, ``B``
    the entry is ``sklearn.metrics.normalized_mutual_info_score(A, B,
    average_method="arithmetic")`` = ``I(A; B) / ((H(A) + H(B)) / 2)``, with the plug-in
    estimates on the rows: 0 means independent in the sample (up to the estimate's upward bias,
    about ``(K_a - 1)(K_b - 1) / (2 n)`` nats for ``K`` labels and ``n`` rows), 1 means each
    column determines the other (after binning).

    Conventions (sklearn's): a pair where one column is constant scores 0; a pair of two
    constant columns scores 1 (two trivial labelings agree). The diagonal is 1 by definition.

    For a real-vs-synthetic comparison use :func:`mutual_information_difference`, which bins
    both sides on the same edges (MI depends on the binning).

    Args:
        df: the frame.
        columns: columns to compare (at least two).
        bins: number of quantile bins for continuous columns without ``edges``.
        discrete: names of columns to treat as discrete on top of those discrete by dtype.
        edges: optional ``{column: sorted bin edges}`` for continuous columns.

    Returns:
        Square symmetric DataFrame indexed by ``columns`` on both axes.
    """
    func = "mutual_information_matrix"
    df = frame_of(df)
    columns = check_columns(columns, func)
    check_frame(df, columns, "df", func)
    bins = check_bins(bins)
    kinds = column_kinds([df], columns, discrete, func)
    edges = {} if edges is None else dict(edges)
    unknown = sorted(str(c) for c in set(edges) - set(columns))
    if unknown:
        raise ValueError(f"{func}: edges given for {unknown}, which are not among {columns}")
    labels = {}
    for c in columns:
        if kinds[c]:
            if c in edges:
                raise ValueError(
                    f"{func}: edges given for column {c!r}, which is discrete; discrete "
                    "columns are compared by category — drop its edges"
                )
            labels[c] = category_codes([df[c]])[0]
            continue
        x = floats(df[c], c, func)
        if c in edges:
            e = check_edges(edges[c], f"edges[{c!r}]")
        else:
            e = quantile_edges(x, bins=bins) if (~np.isnan(x)).any() else None
        labels[c] = binned_codes([x], e)[0]
    out = _nmi_matrix([labels[c] for c in columns])
    return pd.DataFrame(out, index=list(columns), columns=list(columns))


def _dense(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integer labels renumbered 0..k-1 over the labels present, and the count
    of each (what ``np.unique(codes, return_counts=True)`` gives, via one bincount)."""
    counts = np.bincount(codes)
    present = counts > 0
    return (np.cumsum(present) - 1)[codes], counts[present]


def _nmi_matrix(labels: list[np.ndarray]) -> np.ndarray:
    """``normalized_mutual_info_score(a, b, average_method="arithmetic")`` of every two label
    arrays, ones on the diagonal: sklearn's formula and edge cases (two constant labelings 1,
    one constant 0), term for term, from bincount contingency tables instead of one sklearn
    call per pair — sklearn's input checks cost ~2 ms a call and dominated the run time."""
    m, n = len(labels), len(labels[0])
    dense, counts = zip(*(_dense(np.asarray(x, dtype=np.int64)) for x in labels), strict=True)
    # sklearn's _entropy: 0 for a single label, else -sum p (log c - log n)
    ent = [0.0 if c.size == 1 else float(-np.sum((c / n) * (np.log(c) - log(n)))) for c in counts]
    eps = np.finfo(np.float64).eps
    out = np.eye(m)
    for i in range(m):
        ka, pi = counts[i].size, counts[i]
        for j in range(i + 1, m):
            kb, pj = counts[j].size, counts[j]
            if ka == 1 or kb == 1:  # zero entropy: 1 when both are constant, else MI = 0
                out[i, j] = out[j, i] = 1.0 if ka == kb else 0.0
                continue
            cell = dense[i] * kb + dense[j]
            if ka * kb <= max(4 * n, 1 << 16):
                joint = np.bincount(cell)
                nz = np.flatnonzero(joint)
                nz_val = joint[nz].astype(np.float64)
            else:  # many labels on both sides (ids): a sparse table, not ka * kb cells
                nz, nz_val = np.unique(cell, return_counts=True)
                nz_val = nz_val.astype(np.float64)
            nzx, nzy = np.divmod(nz, kb)
            # sklearn's mutual_info_score on a contingency table, same operations
            contingency_nm = nz_val / n
            outer = pi.take(nzx) * pj.take(nzy)
            log_outer = -np.log(outer) + log(pi.sum()) + log(pj.sum())
            terms = contingency_nm * (np.log(nz_val) - log(n)) + contingency_nm * log_outer
            mi = float(np.clip(np.where(np.abs(terms) < eps, 0.0, terms).sum(), 0.0, None))
            v = 0.0 if mi == 0 else mi / float(np.mean([ent[i], ent[j]]))
            out[i, j] = out[j, i] = v
    return out


def _upper(m: np.ndarray) -> np.ndarray:
    return m[np.triu_indices(m.shape[0], k=1)]


def mutual_information_difference(
    real: pd.DataFrame | PreparedFrame,
    synthetic: pd.DataFrame | PreparedFrame,
    columns: list[str],
    bins: int = 20,
    discrete: set[str] | None = None,
) -> dict:
    """Compare the normalized mutual information matrices of real and synthetic data.

    Continuous columns are binned on quantile edges computed once from the finite values of
    both sides pooled (``bins`` bins, repeated edges merged), so the two matrices use the same
    cells; a column discrete on either side is discrete on both. Each matrix is
    :func:`mutual_information_matrix` (NMI, arithmetic average, in [0, 1]).

    Because the edges pool both sides, the real matrix depends mildly on the synthetic
    marginals: when a column's synthetic marginal is far off, the real values crowd into fewer
    of the shared bins and marginal error leaks into this dependence measure. Check the
    marginals first (:func:`~tfgan_ts.evaluation.histogram_similarity`).

    Returns:
        dict with ``real`` and ``synthetic`` (the NMI matrices, DataFrames), ``difference``
        (``|real - synthetic|`` elementwise, zero diagonal) and ``mean_abs_difference`` (float,
        the mean of ``difference`` over the pairs above the diagonal; in [0, 1], 0 when the
        pairwise dependence agrees; never NaN). The plug-in NMI is biased upward for small
        samples and many bins, differently for different sample sizes: compare at similar
        row counts.
    """
    func = "mutual_information_difference"
    real, synthetic = frame_of(real), frame_of(synthetic)
    columns = check_columns(columns, func)
    check_frame(real, columns, "real", func)
    check_frame(synthetic, columns, "synthetic", func)
    bins = check_bins(bins)
    kinds = column_kinds([real, synthetic], columns, discrete, func)
    shared = {}
    for c in columns:
        if kinds[c]:
            continue
        x, y = floats(real[c], c, func), floats(synthetic[c], c, func)
        if (~np.isnan(x)).any() or (~np.isnan(y)).any():
            shared[c] = quantile_edges(x, y, bins=bins)
    disc = {c for c in columns if kinds[c]}
    a = mutual_information_matrix(real, columns, bins=bins, discrete=disc, edges=shared)
    b = mutual_information_matrix(synthetic, columns, bins=bins, discrete=disc, edges=shared)
    diff = (a - b).abs()
    return {
        "real": a,
        "synthetic": b,
        "difference": diff,
        "mean_abs_difference": float(_upper(diff.to_numpy()).mean()),
    }


def _pearson(X: np.ndarray) -> np.ndarray:
    """Pearson correlation of every two columns of ``X`` [n, m], on the rows where both are
    present (pairwise deletion); NaN when fewer than two such rows or either column is
    constant on them."""
    m = X.shape[1]
    out = np.full((m, m), np.nan)
    present = ~np.isnan(X)
    full = present.all(axis=0)
    if full.any() and X.shape[0] >= 2:  # complete columns: one matrix product, same formula
        idx = np.flatnonzero(full)
        Z = X[:, idx]
        D = Z - Z.mean(axis=0)
        S = D.T @ D
        ss = np.diag(S).copy()
        ok = ss > (1e-12 * np.abs(Z).max(axis=0)) ** 2 * Z.shape[0]
        with np.errstate(invalid="ignore", divide="ignore"):
            R = np.clip(S / np.sqrt(np.outer(ss, ss)), -1.0, 1.0)
        R[~ok, :] = R[:, ~ok] = np.nan
        out[np.ix_(idx, idx)] = R
    for i in range(m):
        for j in range(i, m):
            if full[i] and full[j]:
                continue
            ok = present[:, i] & present[:, j]
            n = int(ok.sum())
            if n < 2:
                continue
            a, b = X[ok, i], X[ok, j]
            da, db = a - a.mean(), b - b.mean()
            saa, sbb = float(da @ da), float(db @ db)
            # variance numerically zero (constant up to rounding) counts as zero
            tol_a = (1e-12 * np.abs(a).max()) ** 2 * n
            tol_b = (1e-12 * np.abs(b).max()) ** 2 * n
            if saa <= tol_a or sbb <= tol_b:
                continue
            r = float(da @ db) / np.sqrt(saa * sbb)
            out[i, j] = out[j, i] = min(max(r, -1.0), 1.0)
    return out


def correlation_difference(
    real: pd.DataFrame | PreparedFrame, synthetic: pd.DataFrame | PreparedFrame, columns: list[str]
) -> dict:
    """Compare the Pearson correlation matrices of continuous columns in real and synthetic
    data.

    Each side's matrix holds the Pearson correlation of every two columns, computed on the
    rows where both are present (pairwise deletion of missing values, as
    ``pandas.DataFrame.corr``). A column that is constant (on those rows) has no correlation:
    its entries, diagonal included, are NaN. Such pairs, on either side, are excluded from the
    mean and listed.

    Args:
        real, synthetic: DataFrames holding ``columns``.
        columns: numeric columns (at least two). Discrete columns (bool, categorical, string)
            are refused — compare them with :func:`mutual_information_difference`; numeric
            codes are taken as numbers.

    Returns:
        dict with ``real`` and ``synthetic`` (correlation matrices, DataFrames), ``difference``
        (``|real - synthetic|``, NaN where either is NaN), ``mean_abs_difference`` (mean of
        ``difference`` over the pairs above the diagonal where it is defined; in [0, 2], 0 when
        the correlations agree; NaN when no pair is defined), ``n_pairs`` (how many pairs
        that mean used) and ``undefined_pairs`` (the ``(column_a, column_b)`` pairs left out).
    """
    func = "correlation_difference"
    real, synthetic = frame_of(real), frame_of(synthetic)
    columns = check_columns(columns, func)
    check_frame(real, columns, "real", func)
    check_frame(synthetic, columns, "synthetic", func)
    for c in columns:
        for name, f in (("real", real), ("synthetic", synthetic)):
            if is_discrete(f[c]):
                raise ValueError(
                    f"{func}: column {c!r} is discrete (dtype {f[c].dtype} in the {name} frame); "
                    "Pearson correlation needs numbers — leave it out and compare it with "
                    "mutual_information_difference, or cast it to float if it is a 0/1 variable"
                )
    mats = []
    for f in (real, synthetic):
        X = np.column_stack([floats(f[c], c, func) for c in columns])
        mats.append(_pearson(X))
    a, b = mats
    diff = np.abs(a - b)
    iu = np.triu_indices(len(columns), k=1)
    upper = diff[iu]
    ok = ~np.isnan(upper)
    undefined = [(columns[i], columns[j]) for i, j, good in zip(*iu, ok, strict=True) if not good]
    frame = lambda m: pd.DataFrame(m, index=list(columns), columns=list(columns))  # noqa: E731
    return {
        "real": frame(a),
        "synthetic": frame(b),
        "difference": frame(diff),
        "mean_abs_difference": float(upper[ok].mean()) if ok.any() else float("nan"),
        "n_pairs": int(ok.sum()),
        "undefined_pairs": undefined,
    }
