"""One report that compares synthetic sequences with real ones: numbers, how to read them,
and figures — as a DataFrame, JSON, or a self-contained HTML page."""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..columns import Binned, Continuous, Discrete
from . import plots
from .dependence import (
    attribute_jsd,
    correlation_difference,
    mutual_information_difference,
    pair_histogram_similarity,
    sequence_attributes,
)
from .fidelity import histogram_similarity, length_distribution, sequence_lengths, sequence_matrix
from .temporal import acf_mse, acf_score, discretize, temporal_mi_comparison

SECTIONS = {
    "fidelity": "Fidelity: are the values distributed as in the real data?",
    "temporal": "Temporal structure: do the sequences move like the real ones?",
    "discriminative": "Discriminative score: can a classifier tell synthetic from real?",
    "utility": "Utility: does a forecaster trained on synthetic data work on real data?",
    "privacy": "Privacy: does the synthetic data copy real records?",
    "training": "Training",
}


@dataclass
class Report:
    """Evaluation results. ``metrics`` rows: section, measure, column, value, reading (how to
    read the number); ``figures``: PNG bytes by title; ``notes``: what was skipped and why."""

    metrics: list[dict] = field(default_factory=list)
    figures: dict[str, bytes] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def add(self, section, measure, value, column="", reading=""):
        if isinstance(value, (np.floating, np.integer)):
            value = value.item()
        self.metrics.append({"section": section, "measure": measure, "column": column,
                             "value": value, "reading": reading})

    def summary(self) -> pd.DataFrame:
        """The headline numbers, one row each."""
        return pd.DataFrame(self.metrics, columns=["section", "measure", "column", "value",
                                                   "reading"])

    def to_json(self, path=None) -> str:
        """Metrics, notes and metadata as JSON (figures left out); written to ``path`` if
        given. Non-finite numbers become null."""
        def clean(v):
            if isinstance(v, float) and not math.isfinite(v):
                return None
            return v
        payload = {"meta": self.meta, "notes": self.notes,
                   "metrics": [{k: clean(v) for k, v in m.items()} for m in self.metrics]}
        text = json.dumps(payload, indent=2, default=str)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text

    def to_html(self, path=None) -> str:
        """A self-contained HTML page (figures embedded as PNG data URIs)."""
        out = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{html.escape(self.meta.get('title', 'tfgan_ts evaluation report'))}</title>",
            "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;"
            "padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}"
            "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;font-size:14px}"
            "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
            "img{max-width:100%;border:1px solid #eee;margin:.5em 0}.note{color:#555}"
            "h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}</style>",
            "</head><body>",
            f"<h1>{html.escape(self.meta.get('title', 'tfgan_ts evaluation report'))}</h1>",
        ]
        facts = [f"{k}: {v}" for k, v in self.meta.items() if k != "title"]
        out.append("<p>" + "<br>".join(html.escape(str(f)) for f in facts) + "</p>")
        if self.notes:
            out.append("<h2>Notes</h2><ul>")
            out += [f"<li class='note'>{html.escape(n)}</li>" for n in self.notes]
            out.append("</ul>")
        table = self.summary()
        for section, title in SECTIONS.items():
            rows = table[table["section"] == section]
            figs = {k: v for k, v in self.figures.items() if k.startswith(section + ":")}
            if rows.empty and not figs:
                continue
            out.append(f"<h2>{html.escape(title)}</h2>")
            if not rows.empty:
                out.append("<table><tr><th>measure</th><th>column</th><th>value</th>"
                           "<th>how to read it</th></tr>")
                for _, r in rows.iterrows():
                    out.append(
                        f"<tr><td>{html.escape(str(r['measure']))}</td>"
                        f"<td>{html.escape(str(r['column']))}</td>"
                        f"<td class='num'>{html.escape(_fmt(r['value']))}</td>"
                        f"<td>{html.escape(str(r['reading']))}</td></tr>")
                out.append("</table>")
            for name, png in figs.items():
                caption = name.split(":", 1)[1]
                data = base64.b64encode(png).decode("ascii")
                out.append(f"<h3>{html.escape(caption)}</h3>"
                           f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>")
        out.append("</body></html>")
        text = "\n".join(out)
        if path is not None:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
        return text


def _fmt(value) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        return f"{value:.4g}"
    return str(value)


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def report(real: pd.DataFrame, synthetic: pd.DataFrame, spec, history=None, privacy=None,
           holdout: pd.DataFrame | None = None, discriminative: bool = True,
           utility: bool = True, figures: bool = True, seed: int = 0,
           max_lag: int | None = None, title: str = "tfgan_ts evaluation report",
           discriminative_kwargs: dict | None = None, utility_kwargs: dict | None = None
           ) -> Report:
    """Compare ``synthetic`` with ``real`` (long-format frames sharing ``spec``).

    Args:
        real: the real sequences the generator was trained on.
        synthetic: generated sequences.
        spec: a fitted SequenceSpec (fitted on ``real`` here if it is not).
        history: a Keras History (or dict) of the training run, for the loss plot.
        privacy: differential-privacy facts to show as given (e.g. ``{"epsilon": 1.0,
            "delta": 1e-5, ...}`` from ``model.privacy_spent()``); None = trained without DP.
        holdout: real sequences NOT used in training; enables the utility (forecasting on
            them) and the holdout-based privacy measures.
        discriminative, utility, figures: turn the slower parts off.
        seed: seeds the classifier, forecaster and sampling.
        max_lag: ACF lags (default: max_length − 1, at most 168).
    """
    if not spec.fitted_:
        spec.fit(real)
    rep = Report(meta={
        "title": title,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "real sequences": int(len(sequence_lengths(real, spec))),
        "synthetic sequences": int(len(sequence_lengths(synthetic, spec))),
        "holdout sequences": int(len(sequence_lengths(holdout, spec))) if holdout is not None
        else "none given",
        "max length": spec.max_length_,
    })
    _fidelity(rep, real, synthetic, spec)
    _temporal(rep, real, synthetic, spec, max_lag)
    if discriminative:
        _discriminative(rep, real, synthetic, spec, seed, discriminative_kwargs or {})
    else:
        rep.notes.append("Discriminative score skipped (discriminative=False).")
    if utility and holdout is not None:
        _utility(rep, real, synthetic, holdout, spec, seed, utility_kwargs or {})
    elif utility:
        rep.notes.append("Utility not measured: it needs holdout= (real sequences not used to "
                         "train the generator) to test forecasters on.")
    _privacy(rep, real, synthetic, holdout, spec, privacy)
    if history is not None:
        logs = getattr(history, "history", history)
        for key in ("d_loss", "g_loss", "wasserstein"):
            if key in logs and len(logs[key]):
                rep.add("training", f"final {key}", float(logs[key][-1]),
                        reading="last epoch's mean over batches")
    if figures:
        _figures(rep, real, synthetic, spec, history, max_lag, seed)
    return rep


def _continuous(spec):
    return [c for c in spec.features if isinstance(c, Continuous)]


def _fidelity(rep, real, synthetic, spec):
    sec = "fidelity"
    r_attr, s_attr = sequence_attributes(real, spec), sequence_attributes(synthetic, spec)
    for col in spec.attributes:
        disc = isinstance(col, Discrete)
        rep.add(sec, "histogram similarity (per sequence)",
                histogram_similarity(r_attr[col.name], s_attr[col.name], discrete=disc),
                col.name, "1 − total variation distance; 1 = same distribution, 0 = disjoint")
        rep.add(sec, "Jensen–Shannon divergence (per sequence)",
                attribute_jsd(r_attr[col.name], s_attr[col.name], discrete=disc), col.name,
                "base 2, in [0, 1]; 0 = same distribution")
    sims = []
    for col in spec.features:
        sim = histogram_similarity(real[col.name], synthetic[col.name],
                                   discrete=isinstance(col, Discrete))
        sims.append(sim)
        rep.add(sec, "histogram similarity (all steps)", sim, col.name,
                "1 − total variation distance; 1 = same distribution, 0 = disjoint")
    columns = [c.name for c in spec.features]
    discrete = {c.name for c in spec.features if isinstance(c, Discrete)}
    if len(columns) >= 2:
        pairs = pair_histogram_similarity(real, synthetic, columns, discrete=discrete)
        rep.add(sec, "2-D histogram similarity, mean over feature pairs",
                float(pairs["similarity"].mean()), ", ".join(columns),
                "joint distribution of each pair of columns; 1 = same")
        mi = mutual_information_difference(real, synthetic, columns, discrete=discrete)
        rep.add(sec, "mutual-information matrix difference (mean |Δ|)",
                mi["mean_abs_difference"], ", ".join(columns),
                "normalized MI between columns, real vs synthetic; 0 = same dependence")
    cont = [c.name for c in spec.features if isinstance(c, (Continuous, Binned))]
    if len(cont) >= 2:
        corr = correlation_difference(real, synthetic, cont)
        rep.add(sec, "cross-feature correlation difference (mean |Δ|)",
                corr["mean_abs_difference"], ", ".join(cont),
                "Pearson correlation between features, real vs synthetic; 0 = same")
    if not spec.fixed_length_:
        lengths = length_distribution(sequence_lengths(real, spec),
                                      sequence_lengths(synthetic, spec))
        rep.add(sec, "sequence length: Wasserstein distance", lengths["wasserstein"], "",
                "in steps; 0 = same length distribution")
        rep.add(sec, "sequence length: KS statistic", lengths["ks_statistic"], "",
                f"0 = same; p-value {lengths['ks_pvalue']:.3g}")
        rep.add(sec, "mean length real / synthetic",
                f"{lengths['real_mean']:.1f} / {lengths['synthetic_mean']:.1f}", "", "steps")
    else:
        rep.notes.append(f"Every real sequence has {spec.max_length_} steps (fixed length), "
                         "so no length distribution is compared.")


def _temporal(rep, real, synthetic, spec, max_lag):
    sec = "temporal"
    lag = max_lag or max(1, min(spec.max_length_ - 1, 168))
    if spec.max_length_ < 3:
        rep.notes.append("Sequences are shorter than 3 steps: no temporal measures.")
        return
    for col in _continuous(spec):
        r = sequence_matrix(real, spec, col.name, spec.max_length_)
        s = sequence_matrix(synthetic, spec, col.name, spec.max_length_)
        rep.add(sec, f"autocorrelation MSE (lags 1..{lag})", acf_mse(r, s, lag), col.name,
                "per-sample ACF averaged over sequences (DoppelGANger); 0 = same")
        rep.add(sec, f"autocorrelation score (lags 1..{lag})", acf_score(r, s, lag), col.name,
                "1 − Σ(A_real − A_syn)² / Σ A_real²; 1 = same, can go below 0; unstable when "
                "the real ACF is near 0")
    groups = None
    group_attr = next((c for c in spec.attributes if isinstance(c, Discrete)), None)
    if group_attr is not None:
        groups = (sequence_attributes(real, spec)[group_attr.name].astype(str).to_numpy(),
                  sequence_attributes(synthetic, spec)[group_attr.name].astype(str).to_numpy())
    for col in spec.features:
        if not isinstance(col, (Discrete, Binned)):
            continue
        r, s = _codes(real, synthetic, spec, col)
        mi_lag = min(lag, 24)
        comp = temporal_mi_comparison(
            r, s, max_lag=mi_lag, order=3,
            real_groups=None if groups is None else groups[0],
            synthetic_groups=None if groups is None else groups[1])
        rep.add(sec, f"lagged mutual information, mean |Δ| (lags 1..{mi_lag})",
                comp["lagged_mi_mae"], col.name,
                "MI between x_t and x_t+k (nats), real vs synthetic; 0 = same")
        rep.add(sec, "sequential mutual information, mean |Δ| (orders 1..3)",
                comp["sequential_mi_mae"], col.name,
                "MI between x_t and (x_t−1..x_t−k)"
                + (f", averaged over {group_attr.name} groups" if groups is not None else "")
                + "; 0 = same")


def _codes(real, synthetic, spec, col):
    """Integer codes [n, T] (−1 = padding) of a discrete/binned feature on both sides."""
    if isinstance(col, Binned):  # binned values are continuous again: bin them the same way
        edges = np.asarray(col.edges_)
        return [discretize(sequence_matrix(df, spec, col.name, spec.max_length_), edges=edges)
                for df in (real, synthetic)]
    mats = []
    for df in (real, synthetic):
        order, ex, pos, lengths, _ = spec.sequence_order(df)
        values = df[col.name].iloc[order].astype(object).fillna("(missing)").astype(str)
        mats.append((ex, pos, lengths, values.to_numpy()))
    cats = {v: i for i, v in enumerate(sorted(set(mats[0][3]) | set(mats[1][3])))}
    out = []
    for ex, pos, lengths, values in mats:
        codes = np.full((len(lengths), spec.max_length_), -1, dtype=np.int64)
        codes[ex, pos] = [cats[v] for v in values]
        out.append(codes)
    return out


def _discriminative(rep, real, synthetic, spec, seed, kwargs):
    from .discriminative import discriminative_score

    kwargs = {"repeats": 3, "seed": seed, **kwargs}
    res = discriminative_score(real, synthetic, spec, **kwargs)
    rep.add("discriminative", "discriminative score |accuracy − 0.5|",
            f"{res['score']:.3f} ± {res['std']:.3f}", "",
            f"GRU classifier, held-out accuracy over {len(res['scores'])} splits of "
            f"{res['n_per_class']} sequences per class; 0 = cannot tell them apart, 0.5 = "
            f"always can; a coin flip scores about {res['chance_score']:.3f} on "
            f"{res['n_test']} test sequences")
    rep.add("discriminative", "classifier accuracy on its training split (mean)",
            float(np.mean(res["train_accuracies"])), "",
            "near 0.5 here means the classifier did not learn, not that the data are good")


def _utility(rep, real, synthetic, holdout, spec, seed, kwargs):
    from .utility import forecast_utility

    cont = _continuous(spec)
    if not cont:
        rep.notes.append("Utility not measured: no continuous feature to forecast.")
        return
    target = kwargs.pop("target", cont[0].name)
    window = kwargs.pop("window", max(2, min(24, spec.max_length_ // 4)))
    limit = kwargs.pop("max_sequences", 300)
    kwargs = {"epochs": 10, "batch_size": 256, **kwargs}
    frames = [_sample_sequences(df, spec, limit, seed) for df in (real, synthetic, holdout)]
    if any(len(f) < len(df) for f, df in zip(frames, (real, synthetic, holdout), strict=True)):
        rep.notes.append(f"Utility uses at most {limit} sequences from each of real, synthetic "
                         "and holdout (a seeded sample), to keep the forecaster quick.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = forecast_utility(*frames, spec, target=target, window=window, seed=seed,
                                   **kwargs)
    except ValueError as err:
        rep.notes.append(f"Utility not measured: {err}")
        return
    for w in dict.fromkeys(str(c.message) for c in caught):
        rep.notes.append(f"Utility: {w}")
    reading = (f"LSTM forecaster, {res['window']} past steps → next {res['horizon']} of "
               f"{target}, tested on the holdout")
    rep.add("utility", "MAE train-on-real / train-on-synthetic",
            f"{res['trtr_mae']:.4g} / {res['tstr_mae']:.4g}", target, reading)
    rep.add("utility", "RMSE train-on-real / train-on-synthetic",
            f"{res['trtr_rmse']:.4g} / {res['tstr_rmse']:.4g}", target, reading)
    rep.add("utility", "MAE ratio synthetic / real", res["mae_ratio"], target,
            "1 = synthetic data as useful as real for this forecast; > 1 = worse")


def _sample_sequences(df, spec, limit, seed):
    """At most ``limit`` whole sequences of ``df`` (seeded), rows in their given order."""
    ids = pd.unique(df[spec.example_id])
    if len(ids) <= limit:
        return df
    keep = np.random.default_rng(seed).choice(len(ids), size=limit, replace=False)
    return df[df[spec.example_id].isin(ids[np.sort(keep)])]


def _privacy(rep, real, synthetic, holdout, spec, privacy):
    from .privacy import distance_to_closest_record, membership_inference_auc

    sec = "privacy"
    if privacy:
        for key, value in privacy.items():
            rep.add(sec, f"differential privacy: {key}", value if not isinstance(value, float)
                    else float(value), "", "as reported by the training run")
    else:
        rep.notes.append("No differential-privacy guarantee: the model was trained without "
                         "DP-SGD (or no accounting was passed to the report).")
    dcr = distance_to_closest_record(synthetic, real, holdout, spec=spec)
    rep.add(sec, "distance to closest training record: median", dcr["median_dcr_train"], "",
            "Euclidean, on the spec's scaled encoding of whole sequences; 0 = a copy")
    rep.add(sec, "synthetic sequences identical to a training sequence",
            dcr["share_identical_to_train"], "", "share; 0 is what you want")
    rep.add(sec, "DCR baseline protection (SDMetrics-style)", dcr["baseline_protection"], "",
            "median distance synthetic→train over random records→train, capped at 1; even a "
            "perfect independent sample scores well below 1 — compare between generators")
    if holdout is None:
        rep.notes.append("Holdout-based privacy measures (DCR overfitting protection, "
                         "membership inference) need holdout= real sequences not used in "
                         "training.")
        return
    rep.add(sec, "share of synthetic closer to train than to holdout",
            dcr["share_closer_to_train"], "", f"≈ 0.5 when the generator does not favour its "
            f"training data (train subsampled to the holdout size, {dcr['n_compared']} each)")
    rep.add(sec, "DCR overfitting protection (SDMetrics-style)", dcr["overfitting_protection"],
            "", "min(2·(1 − share strictly closer to train), 1); 1 = no sign of copying")
    mia = membership_inference_auc(real, holdout, synthetic, spec)
    rep.add(sec, "membership-inference attack AUC (distance threshold)", mia["auc"], "",
            "0.5 = the attack cannot tell training members; 1 = it always can")


def _figures(rep, real, synthetic, spec, history, max_lag, seed):
    figs = []
    for col in spec.features:
        if not isinstance(col, Discrete):
            figs.append((f"fidelity:random sequences of {col.name}",
                         lambda c=col.name: plots.plot_sequences(real, synthetic, spec, c,
                                                                 seed=seed)))
    figs.append(("fidelity:distributions", lambda: plots.plot_histograms(real, synthetic, spec)))
    if any(isinstance(c, Discrete) for c in spec.attributes):
        figs.append(("fidelity:attributes",
                     lambda: plots.plot_attributes(real, synthetic, spec)))
    if not spec.fixed_length_:
        figs.append(("fidelity:sequence lengths",
                     lambda: plots.plot_lengths(real, synthetic, spec)))
    if _continuous(spec) and spec.max_length_ >= 3:
        figs.append(("temporal:autocorrelation",
                     lambda: plots.plot_acf(real, synthetic, spec, max_lag)))
    if history is not None:
        figs.append(("training:losses", lambda: plots.plot_history(history)))
    for name, make in figs:
        rep.figures[name] = _png(make())
