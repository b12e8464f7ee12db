"""Benchmark DoppelGANger: training speed, generation throughput and fidelity.

Trains ``tg.DoppelGANger`` (paper sizes by default) on a bundled data set, then measures

* seconds per epoch, each epoch timed on its own; the first epoch (which includes tracing the
  train step) is reported apart, the others as median and all values;
* generation throughput: ``model.generate_arrays`` (arrays only) and ``model.generate``
  (DataFrame, inverse transform included), after one warm-up call, median of repeats;
* fidelity of generated vs real sequences (as many as the real ones by default):
  - traffic: averaged per-sample ACF of ``traffic_volume`` (MSE and score over lags 1..167),
    histogram similarity of ``traffic_volume`` and ``temp``, and of the attributes
    ``weekday``, ``month``, ``holiday`` (one value per window);
  - bank: length distribution (Wasserstein, KS, means), histogram similarity of ``amount``,
    ``balance``, ``type``, ``operation``, ``k_symbol`` and the attribute ``frequency``, ACF of
    ``amount`` over lags 1..50 (as far as the lengths allow), and the bookkeeping share (rows
    whose balance is the previous balance ± amount) of real and generated accounts.

With ``--noise-multiplier`` or ``--target-epsilon`` the critics train with DP-SGD (traffic
uses the declared public schema) and the table adds epsilon, σ and the steps accounted.

Prints a Markdown table and, with ``--out-json``, writes every figure together with the exact
command, the date and the machine. ``--smoke`` runs tiny networks for 2 epochs to check that
the script works; its figures mean nothing.

    python benchmarks/doppelganger.py --dataset traffic --out-json traffic.json
    python benchmarks/doppelganger.py --dataset bank --smoke
"""

from __future__ import annotations

import argparse
import datetime
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import fmt, machine_info, write_json

DATASETS = ("traffic", "bank")
DEFAULT_SAMPLE_LEN = {"traffic": 12, "bank": 2}  # traffic 168 = 12 * 14; bank 218 = 2 * 109
TRAFFIC_ACF_LAGS = 167
BANK_ACF_LAGS = 50
SMOKE_SIZES = dict(
    attribute_units=16, attribute_layers=1, minmax_units=16, minmax_layers=1, lstm_units=16,
    discriminator_units=32, discriminator_layers=2, attribute_discriminator_units=32,
    attribute_discriminator_layers=2,
)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Measure DoppelGANger: seconds per epoch, generation throughput and "
                    "fidelity of generated vs real sequences.",
    )
    p.add_argument("--dataset", choices=DATASETS, default="traffic",
                   help="traffic: tg.datasets.traffic_weeks() (1642 week windows); bank: "
                        "tg.datasets.bank_transactions() (354 accounts, event time); "
                        "default traffic")
    p.add_argument("--epochs", type=int, default=None,
                   help="training epochs (default 200; 2 with --smoke)")
    p.add_argument("--repeats-timing", type=int, default=None,
                   help="timed repeats of each generation call (default 5; 2 with --smoke). "
                        "Every training epoch is timed on its own in any case")
    p.add_argument("--sample-len", type=int, default=None,
                   help="steps per LSTM cell; must divide max_length (default: 12 for traffic "
                        "(168 steps), 2 for bank (218 steps = 2 x 109))")
    p.add_argument("--batch-size", type=int, default=100, help="default 100")
    p.add_argument("--report-holdout", type=float, default=0.0,
                   help="hold this share of sequences out of training and run the full "
                        "evaluation report (discriminative, utility, privacy) against them; "
                        "the report's HTML goes next to --out-json (default 0: off)")
    p.add_argument("--max-length", type=int, default=None,
                   help="pad sequences to this length (default: the longest), e.g. 220 for "
                        "bank so that sample_len 10 divides it")
    p.add_argument("--seed", type=int, default=0,
                   help="seeds Keras, the model's training noise and generation; default 0")
    p.add_argument("--n-generate", type=int, default=None,
                   help="sequences generated for the fidelity figures (default: as many as "
                        "the real data has)")
    p.add_argument("--n-throughput", type=int, default=None,
                   help="sequences per timed generation call (default 10000; 1000 with --smoke)")
    p.add_argument("--threads", type=int, default=0,
                   help="TensorFlow intra- and inter-op threads (0: TensorFlow's default, "
                   "the default)")
    p.add_argument("--noise-multiplier", type=float, default=None,
                   help="train the critics with DP-SGD at this noise multiplier σ")
    p.add_argument("--target-epsilon", type=float, default=None,
                   help="train with DP-SGD, σ calibrated so the run ends at this epsilon")
    p.add_argument("--clip", type=float, default=1.0, help="DP l2_norm_clip (default 1.0)")
    p.add_argument("--delta", type=float, default=None,
                   help="DP delta (default: 1/n rounded down to a power of ten, at most 1e-5)")
    p.add_argument("--accountant", choices=("rdp", "pld"), default="rdp",
                   help="DP accountant (default rdp)")
    p.add_argument("--critic-units", type=int, default=None,
                   help="units of both critics (default: paper 200; DP noise grows with size)")
    p.add_argument("--critic-layers", type=int, default=None,
                   help="layers of both critics (default: paper 5)")
    p.add_argument("--jit-compile", action="store_true", help="compile the train step with XLA")
    p.add_argument("--out-json", default=None,
                   help="write all figures to this JSON file (default: print only)")
    p.add_argument("--smoke", action="store_true",
                   help="tiny networks, 2 epochs, small generation: checks that the script runs")
    args = p.parse_args(argv)
    args.epochs = args.epochs if args.epochs is not None else (2 if args.smoke else 200)
    args.repeats_timing = (
        args.repeats_timing if args.repeats_timing is not None else (2 if args.smoke else 5))
    args.sample_len = args.sample_len or DEFAULT_SAMPLE_LEN[args.dataset]
    args.n_throughput = args.n_throughput or (1000 if args.smoke else 10_000)
    for name in ("epochs", "repeats_timing", "sample_len", "batch_size", "n_throughput"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    if args.n_generate is not None and args.n_generate < 1:
        p.error("--n-generate must be >= 1")
    return args


# --------------------------------------------------------------------------- machine




# --------------------------------------------------------------------------- data


def load(dataset: str, public_schema: bool = False):
    import tfgan_ts as tg

    if dataset == "traffic":
        return tg.datasets.traffic_weeks(), tg.datasets.default_spec(
            "traffic_weeks", public_schema=public_schema)
    return tg.datasets.bank_transactions(), tg.datasets.default_spec("bank_transactions")


def per_example(df: pd.DataFrame, spec, column: str) -> pd.Series:
    """An attribute's value once per example (its first row)."""
    return df.drop_duplicates(spec.example_id)[column].reset_index(drop=True)


# --------------------------------------------------------------------------- quality


def _acf_block(real, syn, spec, column: str, max_lag: int) -> dict:
    from tfgan_ts.evaluation import acf_mse, acf_score, autocorrelation, sequence_matrix

    x_real = sequence_matrix(real, spec, column)
    x_syn = sequence_matrix(syn, spec, column)
    # "where lengths allow": no further than the longest real sequence reaches
    max_lag = int(min(max_lag, x_real.shape[1] - 1))
    a_real, n_real = autocorrelation(x_real, max_lag=max_lag, return_counts=True)
    a_syn, n_syn = autocorrelation(x_syn, max_lag=max_lag, return_counts=True)
    lags_both = int(np.sum(np.isfinite(a_real) & np.isfinite(a_syn)))
    return {
        "column": column,
        "max_lag": max_lag,
        "acf_mse": acf_mse(x_real, x_syn, max_lag=max_lag),
        "acf_score": acf_score(x_real, x_syn, max_lag=max_lag),
        "lags_with_both_curves": lags_both,
        "real_sequences_at_lag_1": int(n_real[0]),
        "real_sequences_at_max_lag": int(n_real[-1]),
        "synthetic_sequences_at_lag_1": int(n_syn[0]),
        "synthetic_sequences_at_max_lag": int(n_syn[-1]),
        "n_real": int(x_real.shape[0]),
        "n_synthetic": int(x_syn.shape[0]),
        "real_acf": [None if np.isnan(v) else float(v) for v in a_real],
        "synthetic_acf": [None if np.isnan(v) else float(v) for v in a_syn],
    }


def quality(dataset: str, real: pd.DataFrame, syn: pd.DataFrame, spec) -> dict:
    import tfgan_ts as tg
    from tfgan_ts.evaluation import histogram_similarity, length_distribution, sequence_lengths

    out = {"n_real_sequences": int(real[spec.example_id].nunique()),
           "n_synthetic_sequences": int(syn[spec.example_id].nunique())}
    hist = {}
    for col in spec.features:
        discrete = not isinstance(col, tg.Continuous)
        hist[col.name] = histogram_similarity(real[col.name], syn[col.name], discrete=discrete)
    attr = {}
    for col in spec.attributes:
        discrete = not isinstance(col, tg.Continuous)
        attr[col.name] = histogram_similarity(
            per_example(real, spec, col.name), per_example(syn, spec, col.name),
            discrete=discrete)
    out["histogram_similarity"] = hist
    out["attribute_similarity"] = attr
    if dataset == "traffic":
        out["acf"] = _acf_block(real, syn, spec, "traffic_volume", TRAFFIC_ACF_LAGS)
    else:
        out["lengths"] = length_distribution(sequence_lengths(real, spec),
                                             sequence_lengths(syn, spec))
        out["acf"] = _acf_block(real, syn, spec, "amount", BANK_ACF_LAGS)
        out["bookkeeping"] = bookkeeping(real, syn, spec)
    return out


# --------------------------------------------------------------------------- bookkeeping (bank)


def bookkeeping(real: pd.DataFrame, syn: pd.DataFrame, spec) -> dict:
    """Share of rows, after each account's first, whose balance is the previous balance ±
    amount (+ for credits, − for withdrawals): exactly and within 0.1 CZK (the data's
    rounding). Generated rows in the order written; real rows in the order the spec reads
    them (same-day rows put in the order the balance chains in, when it declares that)."""
    from tfgan_ts.datasets.bank import BALANCE_SIGNS

    def shares(frame: pd.DataFrame) -> dict:
        sign = frame["type"].map(BALANCE_SIGNS).to_numpy(np.float64)
        previous = frame.groupby("account_id", sort=False)["balance"].shift().to_numpy()
        error = np.abs(frame["balance"].to_numpy() - previous - sign * frame["amount"].to_numpy())
        error = error[~np.isnan(previous)]
        return {"rows": int(len(error)), "exact": float(np.mean(error < 1e-6)),
                "within_0.1": float(np.mean(error < 0.1 + 1e-6))}

    return {"real": shares(real.iloc[spec.sequence_order(real).order]), "synthetic": shares(syn)}


def bookkeeping_rows(book: dict) -> list[tuple[str, str]]:
    """The bookkeeping shares as Markdown table rows, real / synthetic."""
    return [(f"bookkeeping: balance = previous ± amount, {label}, real / synthetic",
             f"{book['real'][key]:.3f} / {book['synthetic'][key]:.3f}")
            for key, label in (("exact", "exactly"), ("within_0.1", "within 0.1 CZK"))]


# --------------------------------------------------------------------------- timing


def make_epoch_timer():
    import keras

    class EpochTimer(keras.callbacks.Callback):
        """Wall time of each epoch (time.perf_counter around it)."""

        def __init__(self):
            super().__init__()
            self.seconds = []
            self._start = None

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return EpochTimer()


def time_calls(fn, repeats: int) -> list[float]:
    fn()  # warm-up: traces the generation function
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times


# --------------------------------------------------------------------------- report




def markdown(result: dict) -> str:
    c, t, g, q = result["config"], result["training"], result["generation"], result["quality"]
    rows = [
        ("data set", f"{c['dataset']} ({q['n_real_sequences']} sequences, max_length "
                     f"{c['max_length']})"),
        ("epochs × batch size, sample_len", f"{c['epochs']} × {c['batch_size']}, "
                                             f"{c['sample_len']}"
                                             + (", XLA" if c["compile"]["jit_compile"] else "")),
        ("spec fit + transform (s)", fmt(t["prepare_seconds"])),
        ("first epoch, incl. tracing (s)", fmt(t["first_epoch_seconds"])),
        (f"s/epoch, median of {len(t['epoch_seconds'][1:])} later epochs",
         fmt(t["median_epoch_seconds"])),
        ("total training (s)", fmt(t["total_seconds"])),
        *([("DP: epsilon (delta)", f"{fmt(result['privacy']['epsilon'])} "
                                   f"({result['privacy']['delta']:g})"),
           ("DP: σ, clip C, q", f"{fmt(result['privacy']['noise_multiplier'])}, "
                                f"{fmt(result['privacy']['l2_norm_clip'])}, "
                                f"{fmt(result['privacy']['sampling_probability'])}"),
           ("DP: discriminator steps", fmt(result["privacy"]["discriminator_steps"]))]
          if "privacy" in result else []),
        (f"generate_arrays({g['n']}), sequences/s (median of {c['repeats_timing']})",
         fmt(g["arrays_sequences_per_second"])),
        (f"generate({g['n']}) → DataFrame, sequences/s",
         fmt(g["dataframe_sequences_per_second"])),
    ]
    acf = q["acf"]
    rows += [
        (f"ACF MSE, {acf['column']}, lags 1..{acf['max_lag']}", fmt(acf["acf_mse"])),
        (f"ACF score, {acf['column']}, lags 1..{acf['max_lag']}", fmt(acf["acf_score"])),
    ]
    if "lengths" in q:
        ln = q["lengths"]
        rows += [
            ("length: mean real / synthetic",
             f"{ln['real_mean']:.1f} / {ln['synthetic_mean']:.1f}"),
            ("length: Wasserstein", fmt(ln["wasserstein"])),
            ("length: KS statistic (p)", f"{ln['ks_statistic']:.3f} ({ln['ks_pvalue']:.2g})"),
        ]
    if "bookkeeping" in q:
        rows += bookkeeping_rows(q["bookkeeping"])
    for name, value in q["histogram_similarity"].items():
        rows.append((f"histogram similarity: {name}", fmt(value)))
    for name, value in q["attribute_similarity"].items():
        rows.append((f"attribute similarity: {name}", fmt(value)))
    for m in result.get("report", {}).get("metrics", []):
        if m["section"] in ("discriminative", "utility", "privacy", "fidelity") and \
                "histogram similarity" not in m["measure"]:
            label = f"report, {m['section']}: {m['measure']}" + (
                f" ({m['column']})" if m["column"] else "")
            rows.append((label, fmt(m["value"])))
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k.replace('|', chr(92) + '|')} | {v} |" for k, v in rows]
    return "\n".join(lines)




# --------------------------------------------------------------------------- main


def main(argv=None) -> int:
    args = parse_args(argv)
    command = "python " + shlex.join(sys.argv if argv is None else [sys.argv[0], *argv])
    started = datetime.datetime.now(datetime.timezone.utc)

    import keras
    import tensorflow as tf

    import tfgan_ts as tg

    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(args.threads)
    keras.utils.set_random_seed(args.seed)

    dp = None
    if args.noise_multiplier is not None or args.target_epsilon is not None:
        dp = tg.DPConfig(l2_norm_clip=args.clip, noise_multiplier=args.noise_multiplier,
                         target_epsilon=args.target_epsilon, delta=args.delta,
                         accountant=args.accountant,
                         allow_data_derived_schema=args.dataset == "bank")
    real, spec = load(args.dataset, public_schema=dp is not None)
    if args.max_length:
        spec.max_length = args.max_length
    t0 = time.perf_counter()
    data = spec.fit_transform(real)
    holdout = None
    if args.report_holdout:
        # train on the rest; the held-out sequences feed the report's utility and privacy
        real, holdout = tg.evaluation.train_test_split_sequences(
            real, spec, test_size=args.report_holdout, seed=args.seed)
        data = spec.transform(real)
    prepare_seconds = time.perf_counter() - t0
    n_real = len(data)
    n_generate = args.n_generate or n_real

    sizes = dict(SMOKE_SIZES) if args.smoke else {}
    if args.critic_units:
        sizes.update(discriminator_units=args.critic_units,
                     attribute_discriminator_units=args.critic_units)
    if args.critic_layers:
        sizes.update(discriminator_layers=args.critic_layers,
                     attribute_discriminator_layers=args.critic_layers)
    model = tg.DoppelGANger(spec, sample_len=args.sample_len, seed=args.seed, dp=dp, **sizes)
    model.compile(jit_compile=args.jit_compile)
    timer = make_epoch_timer()
    print(f"training DoppelGANger on {args.dataset}: {n_real} sequences, max_length "
          f"{spec.max_length_}, sample_len {args.sample_len}, {args.epochs} epochs"
          + (" [smoke]" if args.smoke else "") + (f" [DP {dp}]" if dp else ""), flush=True)
    t0 = time.perf_counter()
    history = model.fit(data, epochs=args.epochs, batch_size=args.batch_size, verbose=2,
                        callbacks=[timer])
    total_seconds = time.perf_counter() - t0
    epochs = timer.seconds
    later = epochs[1:]

    n_tp = args.n_throughput
    arrays_times = time_calls(lambda: model.generate_arrays(n_tp, seed=args.seed + 1),
                              args.repeats_timing)
    frame_times = time_calls(lambda: model.generate(n_tp, seed=args.seed + 1),
                             args.repeats_timing)

    t0 = time.perf_counter()
    syn = model.generate(n_generate, seed=args.seed + 2)
    generate_seconds = time.perf_counter() - t0
    q = quality(args.dataset, real, syn, spec)
    report_rows = None
    if holdout is not None:
        t0 = time.perf_counter()
        rep = tg.evaluation.report(real, syn, model.spec, history=history, holdout=holdout,
                                   privacy=model.privacy_report() if dp else None,
                                   seed=args.seed, title=f"benchmark: {command}")
        report_seconds = time.perf_counter() - t0
        report_rows = rep.summary().to_dict("records")
        if args.out_json:
            rep.to_html(Path(args.out_json).with_suffix(".html"))

    result = {
        "benchmark": "doppelganger",
        "command": command,
        "date": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "config": {
            "dataset": args.dataset,
            "smoke": args.smoke,
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "sample_len": args.sample_len,
            "seed": args.seed,
            "repeats_timing": args.repeats_timing,
            "threads": args.threads,
            "n_real": n_real,
            "n_generate": n_generate,
            "max_length": spec.max_length_,
            "model_sizes": dict(model.sizes),
            "use_attribute_discriminator": model.use_attribute_discriminator,
            "compile": {k: v for k, v in model.get_compile_config().items()
                        if not k.endswith("_optimizer")},
            "trainable_parameters": {
                "generator": int(sum(np.prod(v.shape) for v in model.generator_variables)),
                "discriminator": int(sum(np.prod(v.shape)
                                         for v in model.discriminator.trainable_variables)),
                "attribute_discriminator": (
                    int(sum(np.prod(v.shape)
                            for v in model.attribute_discriminator.trainable_variables))
                    if model.attribute_discriminator is not None else 0),
            },
        },
        "training": {
            "prepare_seconds": prepare_seconds,
            "steps_per_epoch": (model.privacy_report()["discriminator_steps"]
                                // (args.epochs * model.d_rounds) if dp
                                else n_real // min(args.batch_size, n_real)),
            "first_epoch_seconds": epochs[0],
            "median_epoch_seconds": float(np.median(later)) if later else None,
            "epoch_seconds": epochs,
            "total_seconds": total_seconds,
            "final_losses": {k: float(v[-1]) for k, v in history.history.items()},
            "history": {k: [float(x) for x in v] for k, v in history.history.items()},
        },
        "generation": {
            "n": n_tp,
            "arrays_seconds": arrays_times,
            "arrays_sequences_per_second": n_tp / float(np.median(arrays_times)),
            "dataframe_seconds": frame_times,
            "dataframe_sequences_per_second": n_tp / float(np.median(frame_times)),
            "quality_sample_seconds": generate_seconds,
        },
        "quality": q,
    }
    if dp is not None:
        result["privacy"] = {k: v for k, v in model.privacy_report().items()
                             if k != "assumptions"}
        result["config"]["dp"] = dp.get_config()
    if report_rows is not None:
        result["report"] = {"seconds": report_seconds, "holdout_sequences": int(
            len(tg.evaluation.sequence_lengths(holdout, spec))), "metrics": report_rows}
    print()
    print(markdown(result))
    print()
    print(f"command: {command}")
    m = result["machine"]
    print(f"machine: {m['cpu_model']}, {m['nproc']} CPUs, {m['platform']}, TensorFlow "
          f"{m['tensorflow']}, Keras {m['keras']}; {result['date']}")
    if args.out_json:
        write_json(Path(args.out_json), result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
