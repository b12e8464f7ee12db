"""Figures comparing real and synthetic sequences (matplotlib, no display needed).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot, so nothing is
shown or kept in a global figure registry; save it with ``fig.savefig(path)``. Frames are
long-format DataFrames or :class:`~tfgan_ts.evaluation.PreparedFrame` objects of ``spec``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..columns import Continuous, Discrete
from .prepared import prepare

REAL, SYN = "#1f77b4", "#ff7f0e"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")


def _calendar_rank(label: str, names: tuple[str, ...]) -> int | None:
    low = label.strip().lower()
    for i, name in enumerate(names):
        if low == name or (len(low) >= 3 and name.startswith(low)):
            return i
    return None


def category_order(col, labels) -> list[str]:
    """``labels`` (text) in their natural order: weekdays and month names in calendar order,
    numbers by value, otherwise the spec's category order (declared, or as fitted); labels
    the spec does not know come last."""
    labels = list(dict.fromkeys(str(v) for v in labels))
    for names in (_WEEKDAYS, _MONTHS):
        ranks = [_calendar_rank(v, names) for v in labels]
        if labels and all(r is not None for r in ranks):
            return [v for _, v in sorted(zip(ranks, labels, strict=True))]
    try:
        return sorted(labels, key=float)
    except ValueError:
        pass
    known = [str(c) for c in (getattr(col, "categories_", None) or [])]
    rank = {c: i for i, c in enumerate(known)}
    return sorted(labels, key=lambda v: (rank.get(v, len(rank)), v))


def axis_label(col) -> str:
    """The column's name with its unit, e.g. ``temp (K)``."""
    unit = getattr(col, "unit", None)
    return f"{col.name} ({unit})" if unit else col.name


def _short(label: str, width: int = 12) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def _grid(n: int, ncols: int = 3, size=(4.2, 3.0)):
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols)) if n else 1
    fig = Figure(figsize=(size[0] * ncols, size[1] * nrows), layout="constrained")
    axes = [fig.add_subplot(nrows, ncols, i + 1) for i in range(max(n, 1))]
    return fig, axes


def plot_sequences(real, synthetic, spec, column: str, n: int = 3, seed: int = 0) -> Figure:
    """``n`` random real sequences (left) and ``n`` random synthetic ones (right) of one
    feature, on the same y-axis."""
    rng = np.random.default_rng(seed)
    unit = next((c.unit or "" for c in spec.features
                 if c.name == column and isinstance(c, Continuous)), "")
    fig = Figure(figsize=(12, 2.4 * n), layout="constrained")
    mats = {}
    for name, df in (("real", real), ("synthetic", synthetic)):
        m = prepare(df, spec).matrix(column)
        mats[name] = m[rng.choice(len(m), size=min(n, len(m)), replace=False)]
    finite = np.concatenate([m[np.isfinite(m)] for m in mats.values()])
    lims = (finite.min(), finite.max()) if finite.size else (0, 1)
    pad = 0.05 * (lims[1] - lims[0] or 1)
    for j, (name, m) in enumerate(mats.items()):
        for i in range(len(m)):
            ax = fig.add_subplot(n, 2, 2 * i + j + 1)
            ax.plot(m[i], color=REAL if name == "real" else SYN, lw=1)
            ax.set_ylim(lims[0] - pad, lims[1] + pad)
            if i == 0:
                ax.set_title(f"{name}: {column}")
            ax.set_xlabel("step")
            ax.set_ylabel(unit)
    return fig


def plot_histograms(real, synthetic, spec, bins: int = 40) -> Figure:
    """Distribution of every feature (all rows) and attribute (one value per sequence):
    overlaid densities for continuous columns, side-by-side bars for discrete ones."""
    real, synthetic = prepare(real, spec), prepare(synthetic, spec)
    r_attr, s_attr = real.first_rows, synthetic.first_rows
    cols = [(c, r_attr, s_attr, "attribute") for c in spec.attributes]
    cols += [(c, real.frame, synthetic.frame, "feature") for c in spec.features]
    fig, axes = _grid(len(cols))
    for ax, (col, r, s, role) in zip(axes, cols, strict=False):
        if isinstance(col, Discrete):
            _bars(ax, r[col.name], s[col.name], col)
        else:
            a = pd.to_numeric(r[col.name], errors="coerce").dropna().to_numpy(float)
            b = pd.to_numeric(s[col.name], errors="coerce").dropna().to_numpy(float)
            edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=bins)
            ax.hist(a, bins=edges, density=True, alpha=0.55, color=REAL, label="real")
            ax.hist(b, bins=edges, density=True, alpha=0.55, color=SYN, label="synthetic")
            ax.set_xlabel(axis_label(col))
            ax.set_ylabel("density")
            ax.legend(fontsize=8)
        ax.set_title(f"{col.name} ({role}{', share of sequences' if role == 'attribute' else ''})")
    return fig


def _bars(ax, real: pd.Series, synthetic: pd.Series, col=None, top: int = 15):
    """Side-by-side shares of the ``top`` most common categories, in their natural order."""
    p = real.astype(object).fillna("(missing)").astype(str).value_counts(normalize=True)
    q = synthetic.astype(object).fillna("(missing)").astype(str).value_counts(normalize=True)
    common = pd.concat([p, q], axis=1).fillna(0).max(axis=1).sort_values(ascending=False)
    cats = category_order(col, common.index[:top])
    x = np.arange(len(cats))
    ax.bar(x - 0.2, [p.get(c, 0) for c in cats], 0.4, color=REAL, label="real")
    ax.bar(x + 0.2, [q.get(c, 0) for c in cats], 0.4, color=SYN, label="synthetic")
    rotate = max((len(c) for c in cats), default=0) > 3
    ax.set_xticks(x, [_short(c) for c in cats], rotation=45 if rotate else 0,
                  ha="right" if rotate else "center", rotation_mode="anchor", fontsize=8)
    if len(common) > top:
        ax.set_xlabel(f"the {top} most common of {len(common)} categories")
    ax.set_ylabel("share")
    ax.legend(fontsize=8)


def plot_attributes(real, synthetic, spec) -> Figure:
    """Bars of each discrete attribute's categories, one value per sequence."""
    attrs = [c for c in spec.attributes if isinstance(c, Discrete)]
    r, s = prepare(real, spec).first_rows, prepare(synthetic, spec).first_rows
    fig, axes = _grid(len(attrs))
    for ax, col in zip(axes, attrs, strict=False):
        _bars(ax, r[col.name], s[col.name], col)
        ax.set_title(f"{col.name} (share of sequences)")
    if not attrs:
        axes[0].text(0.5, 0.5, "no discrete attributes", ha="center", va="center")
        axes[0].set_axis_off()
    return fig


def plot_acf(real, synthetic, spec, max_lag: int | None = None) -> Figure:
    """Averaged per-sample autocorrelation of every continuous feature, real vs synthetic."""
    cols = [c for c in spec.features if isinstance(c, Continuous)]
    fig, axes = _grid(len(cols), ncols=2, size=(6, 3))
    real, synthetic = prepare(real, spec), prepare(synthetic, spec)
    for ax, col in zip(axes, cols, strict=False):
        width = min(real.matrix(col.name).shape[1], synthetic.matrix(col.name).shape[1])
        lag = max_lag or max(1, width - 1)
        lags = np.arange(1, lag + 1)
        ax.plot(lags, real.autocorrelation(col.name, lag), color=REAL, label="real")
        ax.plot(lags, synthetic.autocorrelation(col.name, lag), color=SYN, label="synthetic")
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_title(f"autocorrelation of {col.name}")
        ax.set_xlabel("lag (steps)")
        ax.legend(fontsize=8)
    if not cols:
        axes[0].text(0.5, 0.5, "no continuous features", ha="center", va="center")
        axes[0].set_axis_off()
    return fig


def plot_lengths(real, synthetic, spec) -> Figure:
    """Histogram of sequence lengths, real vs synthetic."""
    a, b = prepare(real, spec).lengths, prepare(synthetic, spec).lengths
    fig = Figure(figsize=(6, 3), layout="constrained")
    ax = fig.add_subplot()
    bins = min(40, max(1, np.ptp(np.r_[a, b])))
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=bins)
    ax.hist(a, bins=edges, density=True, alpha=0.55, color=REAL,
            label=f"real (mean {a.mean():.1f})")
    ax.hist(b, bins=edges, density=True, alpha=0.55, color=SYN,
            label=f"synthetic (mean {b.mean():.1f})")
    ax.set_xlabel("sequence length (steps)")
    ax.set_title("sequence lengths")
    ax.legend(fontsize=8)
    return fig


def plot_history(history) -> Figure:
    """Training losses per epoch from a Keras ``History`` (or its ``.history`` dict)."""
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError("plot_history takes a keras History or a dict of per-epoch lists")
    groups = [("critic / generator losses", ["d_loss", "attr_d_loss", "g_loss"]),
              ("Wasserstein estimate and gradient penalties", ["wasserstein", "gp", "attr_gp"])]
    other = [k for k in logs if all(k not in names for _, names in groups)]
    if other:
        groups.append(("other", other))
    groups = [(title, [k for k in keys if k in logs]) for title, keys in groups]
    groups = [(title, keys) for title, keys in groups if keys] or [("no losses logged", [])]
    fig, axes = _grid(len(groups), ncols=len(groups), size=(5.5, 3))
    for ax, (title, keys) in zip(axes, groups, strict=False):
        for key in keys:
            ax.plot(np.arange(1, len(logs[key]) + 1), logs[key], label=key, lw=1)
        ax.set_title(title)
        ax.set_xlabel("epoch")
        if keys:
            ax.legend(fontsize=8)
    return fig
