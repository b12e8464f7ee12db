"""The sections of :func:`~tfgan_ts.evaluation.report`: each reads the prepared frames (one
:class:`~tfgan_ts.evaluation.PreparedFrame` per frame, shared by every section) and adds its
rows, notes and figures to the :class:`~tfgan_ts.evaluation.Report`."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd

from ..columns import Binned, Continuous, Discrete
from .attributes import attribute_jsd
from .binning import discretize
from .dependence import (
    correlation_difference,
    mutual_information_difference,
    pair_histogram_similarity,
)
from .fidelity import histogram_similarity, length_distribution
from .prepared import PreparedFrame
from .privacy import distance_to_closest_record, membership_inference_auc
from .temporal import curve_mse, curve_score
from .temporal_mi import temporal_mi_comparison

_TVD = "1 − total variation distance; 1 = same distribution, 0 = disjoint"


def continuous_features(spec) -> list:
    """The spec's continuous features, in spec order."""
    return [c for c in spec.features if isinstance(c, Continuous)]


def fidelity(rep, real: PreparedFrame, synthetic: PreparedFrame, spec) -> None:
    """Marginals per sequence and per step, pairs of features, sequence lengths."""
    sec = "fidelity"
    r_attr, s_attr = real.attributes, synthetic.attributes
    for col in spec.attributes:
        disc = isinstance(col, Discrete)
        rep.add(sec, "histogram similarity (per sequence)",
                histogram_similarity(r_attr[col.name], s_attr[col.name], discrete=disc),
                col.name, _TVD)
        rep.add(sec, "Jensen–Shannon divergence (per sequence)",
                attribute_jsd(r_attr[col.name], s_attr[col.name], discrete=disc), col.name,
                "base 2, in [0, 1]; 0 = same distribution")
    for col in spec.features:
        sim = histogram_similarity(real.frame[col.name], synthetic.frame[col.name],
                                   discrete=isinstance(col, Discrete))
        rep.add(sec, "histogram similarity (all steps)", sim, col.name, _TVD)
    from .realism import spread_ratios

    for row in spread_ratios(real, synthetic, spec).to_dict("records"):
        rep.add(sec, "spread of sequence means, synthetic / real", row["between"], row["column"],
                "std of the per-sequence means; 1 = synthetic sequences differ from each other "
                "as much as real ones, near 0 = all at one typical level")
        rep.add(sec, "spread within sequences, synthetic / real", row["within"], row["column"],
                "mean per-sequence std; 1 = each synthetic sequence moves as much as a real one")
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
        lengths = length_distribution(real.lengths, synthetic.lengths)
        rep.add(sec, "sequence length: Wasserstein distance", lengths["wasserstein"], "",
                "in steps; 0 = same length distribution")
        rep.add(sec, "sequence length: KS statistic", lengths["ks_statistic"], "",
                f"0 = same; p-value {lengths['ks_pvalue']:.3g}")
        rep.add(sec, "mean length real / synthetic",
                f"{lengths['real_mean']:.1f} / {lengths['synthetic_mean']:.1f}", "", "steps")
    else:
        rep.notes.append(f"Every real sequence has {spec.max_length_} steps (fixed length), "
                         "so no length distribution is compared.")


def temporal(rep, real: PreparedFrame, synthetic: PreparedFrame, spec, max_lag) -> None:
    """Autocorrelation of continuous features, mutual information over time of discrete ones."""
    sec = "temporal"
    lag = max_lag or max(1, min(spec.max_length_ - 1, 168))
    if spec.max_length_ < 3:
        rep.notes.append("Sequences are shorter than 3 steps: no temporal measures.")
        return
    width = spec.max_length_
    for col in continuous_features(spec):
        r = real.autocorrelation(col.name, lag, width)
        s = synthetic.autocorrelation(col.name, lag, width)
        rep.add(sec, f"autocorrelation MSE (lags 1..{lag})", curve_mse(r, s), col.name,
                "per-sample ACF averaged over sequences (DoppelGANger); 0 = same")
        rep.add(sec, f"autocorrelation score (lags 1..{lag})", curve_score(r, s), col.name,
                "1 − Σ(A_real − A_syn)² / Σ A_real²; 1 = same, can go below 0; unstable when "
                "the real ACF is near 0")
    groups = None
    group_attr = next((c for c in spec.attributes if isinstance(c, Discrete)), None)
    if group_attr is not None:
        groups = (real.attributes[group_attr.name].astype(str).to_numpy(),
                  synthetic.attributes[group_attr.name].astype(str).to_numpy())
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


def _codes(real: PreparedFrame, synthetic: PreparedFrame, spec, col) -> list[np.ndarray]:
    """Integer codes [n, T] (−1 = padding) of a discrete/binned feature on both sides."""
    if isinstance(col, Binned):  # binned values are continuous again: bin them the same way
        edges = np.asarray(col.edges_)
        return [discretize(p.matrix(col.name, spec.max_length_), edges=edges)
                for p in (real, synthetic)]
    sides = (real, synthetic)
    labels = [p.labels(col.name) for p in sides]
    cats = {v: i for i, v in enumerate(sorted(set(labels[0]) | set(labels[1])))}
    out = []
    for p, values in zip(sides, labels, strict=True):
        seq = p.order
        codes = np.full((len(seq.lengths), spec.max_length_), -1, dtype=np.int64)
        codes[seq.example, seq.position] = [cats[v] for v in values]
        out.append(codes)
    return out


def realism(rep, real: PreparedFrame, synthetic: PreparedFrame, spec, seed: int,
            detector: bool) -> None:
    """Judges of another family than the GAN's critics: roughness ratios, the worst
    per-position difference ratio, KS and range per feature, attribute shares, and (with
    ``detector``) a gradient-boosting classifier on values and differences."""
    from . import realism as judges

    sec = "realism"
    for row in judges.roughness(real, synthetic, spec).to_dict("records"):
        c = row["column"]
        rep.add(sec, "mean |Δ| ratio synthetic / real", row["diff_ratio"], c,
                "1 = as rough as real; > 1 more jagged, < 1 smoother (aim: 0.85–1.15)")
        rep.add(sec, "mean |Δ²| ratio synthetic / real", row["diff2_ratio"], c,
                "second differences: jaggedness; 1 = as real")
        rep.add(sec, "worst per-position |Δ| ratio", row["worst_position_ratio"], c,
                f"at step {row['worst_position']}: largest of r and 1/r over steps, r = mean "
                "|x_t − x_t−1| synthetic / real; high = an artifact at a fixed position "
                "(e.g. where one LSTM cell hands over to the next)")
    for row in judges.marginal_checks(real, synthetic, spec, seed).to_dict("records"):
        reading = {"KS statistic": "two-sample KS of all step values; 0 = same distribution",
                   "share outside the real range": "0 = every value within the real range",
                   "total variation": "of the category shares per sequence; 0 = same; a "
                   f"perfect sampler of the real shares scores about {row['noise_floor']:.3f}"
                   " at this many synthetic sequences"}
        rep.add(sec, row["measure"], row["value"], row["column"], reading[row["measure"]])
    if detector:
        res = judges.detection_accuracy(real, synthetic, spec, seed=seed, folds=3,
                                        max_bins=32)  # the report's budget: ~5× faster
        rep.add(sec, "gradient-boosting detector accuracy", f"{res['accuracy']:.3f} ± "
                f"{res['std']:.3f}", "", score=res["accuracy"],
                reading=f"3-fold held-out accuracy telling real from synthetic by values, "
                f"first differences and attributes ({res['n_per_class']} per class); "
                "0.5 = cannot tell them apart, 1 = always can")


def discriminative(rep, real: PreparedFrame, synthetic: PreparedFrame, spec, seed: int,
                   kwargs: dict) -> None:
    """TimeGAN's discriminative score (trains GRU classifiers: imports TensorFlow)."""
    from .discriminative import discriminative_score

    kwargs = {"repeats": 1, "seed": seed, **kwargs}
    res = discriminative_score(real, synthetic, spec, **kwargs)
    n = len(res["scores"])
    rep.add("discriminative", "discriminative score |accuracy − 0.5|",
            f"{res['score']:.3f}" + (f" ± {res['std']:.3f}" if n > 1 else ""), "",
            score=res["score"],
            reading=f"GRU classifier, held-out accuracy over {n} split{'s' * (n > 1)} of "
            f"{res['n_per_class']} sequences per class; 0 = cannot tell them apart, 0.5 = "
            f"always can; a coin flip scores about {res['chance_score']:.3f} on "
            f"{res['n_test']} test sequences")
    rep.add("discriminative", "classifier accuracy on its training split (mean)",
            float(np.mean(res["train_accuracies"])), "",
            "near 0.5 here means the classifier did not learn, not that the data are good; "
            f"early stopping ended training after {min(res['epochs_trained'])}–"
            f"{max(res['epochs_trained'])} epochs")


def utility(rep, frames: tuple[PreparedFrame, ...], spec, seed: int, kwargs: dict) -> None:
    """Train-on-synthetic vs train-on-real forecasting, tested on the holdout (imports
    TensorFlow). ``frames``: real, synthetic, holdout."""
    from .utility import forecast_utility

    cont = continuous_features(spec)
    if not cont:
        rep.notes.append("Utility not measured: no continuous feature to forecast.")
        return
    kwargs = dict(kwargs)
    target = kwargs.pop("target", cont[0].name)
    window = kwargs.pop("window", max(2, min(24, spec.max_length_ // 4)))
    limit = kwargs.pop("max_sequences", 100)
    # the report's budget (traffic weeks: 3× faster than 300 sequences × 10 epochs at
    # batch 256, lr 1e-3, with a lower real-trained error, 271 vs 291 vehicles/hour)
    kwargs = {"epochs": 3, "batch_size": 64, "learning_rate": 5e-3, "verbose": 0, **kwargs}
    sampled = [_sample_sequences(p, spec, limit, seed) for p in frames]
    if any(s is not p for s, p in zip(sampled, frames, strict=True)):
        rep.notes.append(f"Utility uses at most {limit} sequences from each of real, synthetic "
                         "and holdout (a seeded sample), to keep the forecaster quick.")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            res = forecast_utility(*sampled, spec, target=target, window=window, seed=seed,
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


def _sample_sequences(prepared: PreparedFrame, spec, limit: int, seed: int):
    """At most ``limit`` whole sequences (seeded), rows in their given order: the prepared
    frame itself when it has no more, else a new frame of the chosen sequences."""
    df = prepared.frame
    ids = pd.unique(df[spec.example_id])
    if len(ids) <= limit:
        return prepared
    keep = np.random.default_rng(seed).choice(len(ids), size=limit, replace=False)
    return df[df[spec.example_id].isin(ids[np.sort(keep)])]


def privacy(rep, real: PreparedFrame, synthetic: PreparedFrame, holdout, spec, facts,
            seed: int) -> None:
    """Differential-privacy facts as given, distances to closest records, membership
    inference."""
    sec = "privacy"
    if facts:
        for key, value in facts.items():
            rep.add(sec, f"differential privacy: {key}", value if not isinstance(value, float)
                    else float(value), "", "as reported by the training run")
    else:
        rep.notes.append("No differential-privacy guarantee: the model was trained without "
                         "DP-SGD (or no accounting was passed to the report).")
    dcr = distance_to_closest_record(synthetic, real, holdout, spec=spec, seed=seed)
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


def figures(rep, real: PreparedFrame, synthetic: PreparedFrame, spec, history, max_lag,
            seed: int) -> None:
    """The report's figures as PNG bytes (matplotlib, imported here)."""
    from . import plots

    figs = []
    for col in spec.features:
        if not isinstance(col, Discrete):
            figs.append((f"fidelity:random sequences of {col.name}",
                         lambda c=col.name: plots.plot_sequences(real, synthetic, spec, c,
                                                                 seed=seed)))
    figs.append(("fidelity:distributions", lambda: plots.plot_histograms(real, synthetic, spec)))
    if not spec.fixed_length_:
        figs.append(("fidelity:sequence lengths",
                     lambda: plots.plot_lengths(real, synthetic, spec)))
    if continuous_features(spec) and spec.max_length_ >= 3:
        figs.append(("temporal:autocorrelation",
                     lambda: plots.plot_acf(real, synthetic, spec, max_lag)))
    if history is not None:
        figs.append(("training:losses", lambda: plots.plot_history(history)))
        rep.captions["training:losses"] = training_caption(getattr(history, "history", history))
    for name, make in figs:
        rep.figures[name] = _png(make())


def training_caption(logs: dict) -> str:
    """What a healthy training curve looks like, and where this run's Wasserstein estimate
    went (first epoch, last epoch, its last tenth of epochs against the tenth before)."""
    text = ("What healthy looks like: the Wasserstein estimate (how far apart the critic "
            "finds real and synthetic data) falls early, then stays low and roughly flat, and "
            "the gradient penalties stay small (well below 1). An estimate that keeps rising "
            "or jumps and never comes back means training went wrong; one still falling at the "
            "last epoch means more epochs may help. Generator and critic losses swing and are "
            "not read on their own.")
    w = np.asarray(logs.get("wasserstein", []), dtype=float) if isinstance(logs, dict) else []
    if len(w) >= 20 and np.isfinite(w).all():
        k = max(1, len(w) // 10)
        last, before = float(w[-k:].mean()), float(w[-2 * k:-k].mean())
        spread = float(np.std(w[-3 * k:])) or 1e-12
        trend = ("still falling" if before - last > spread else
                 "rising" if last - before > spread else "flat")
        text += (f" This run: {w[0]:.3g} at epoch 1, {w[-1]:.3g} at the last epoch; over the "
                 f"last tenth of epochs it averaged {last:.3g} against {before:.3g} the tenth "
                 f"before ({trend}).")
    return text


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    return buf.getvalue()
