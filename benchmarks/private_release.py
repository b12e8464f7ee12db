"""Private release of traffic counter-days: the non-private reference, the one-shot embedding
mechanism and DP-SGD at several epsilons, judged side by side with the report's measures.

Each unit is one non-overlapping 24-hour window of the counter (``traffic_weeks(24, 24)``),
so epsilon is per counter-day. 20% of the days are held out (split by seed) for the report.

    python benchmarks/private_release.py --runs reference:0 embedding:10:0 embedding:1:0 \\
        --out-json benchmarks/results/private_release.json

A run is ``mechanism[:epsilon]:seed`` with mechanism ``reference`` (no DP), ``embedding``
(public calendar attributes), ``embedding-noisy`` (attributes as noisy histograms) or
``dp-sgd`` (public calendar attributes, critics 2x64 without the conv branch).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info, write_json  # noqa: E402

MEASURES = {
    ("temporal", "autocorrelation score (lags 1..23)", "traffic_volume"): "acf traffic_volume",
    ("temporal", "autocorrelation score (lags 1..167)", "traffic_volume"): "acf traffic_volume",
    ("fidelity", "histogram similarity (per sequence)", "weekday"): "sim weekday",
    ("fidelity", "histogram similarity (per sequence)", "month"): "sim month",
    ("fidelity", "histogram similarity (per sequence)", "holiday"): "sim holiday",
    ("fidelity", "histogram similarity (all steps)", "traffic_volume"): "sim traffic_volume",
    ("fidelity", "histogram similarity (all steps)", "temp"): "sim temp",
    ("discriminative", "discriminative score |accuracy − 0.5|", ""): "discriminative",
    ("utility", "MAE ratio synthetic / real", "traffic_volume"): "MAE ratio",
    ("realism", "gradient-boosting detector accuracy", ""): "detector",
    ("realism", "mean |Δ| ratio synthetic / real", "traffic_volume"): "|Δ| ratio volume",
    ("realism", "mean |Δ| ratio synthetic / real", "temp"): "|Δ| ratio temp",
    ("privacy", "membership-inference attack AUC (distance threshold)", ""): "MIA AUC",
}


def run_one(kind: str, epsilon: float | None, seed: int, epochs: int, batch: int,
            length: int = 24) -> dict:
    import tfgan_ts as tg
    from tfgan_ts import datasets
    from tfgan_ts.datasets.traffic import traffic_weeks_public_spec
    from tfgan_ts.evaluation import report, train_test_split_sequences

    df = datasets.traffic_weeks(length=length, stride=length)
    spec = traffic_weeks_public_spec(length=length).fit(df)
    train, holdout = train_test_split_sequences(df, spec, test_size=0.2, seed=seed)
    options = {}
    if kind != "reference":
        mechanism = "dp-sgd" if kind == "dp-sgd" else "embedding"
        options["dp"] = tg.DPConfig(target_epsilon=epsilon, mechanism=mechanism,
                                    public_attributes=kind != "embedding-noisy")
    if kind == "dp-sgd":
        options.update(discriminator_units=64, discriminator_layers=2, critic_filters=0)
    model = tg.DoppelGANger(spec, sample_len=4 if length == 24 else 12, seed=seed,
                            weights_seed=seed, **options)
    model.compile()
    start = time.perf_counter()
    model.fit(train, epochs=epochs, batch_size=batch, verbose=0)
    seconds = time.perf_counter() - start
    synthetic = model.generate(train["window"].nunique(), seed=seed)
    rep = report(train, synthetic, spec, holdout=holdout, seed=seed)
    rows = {(r.section, r.measure, r.column or ""): r.value
            for r in rep.summary().itertuples()}
    out = {"run": f"{kind}:{epsilon}:{seed}", "length": length,
           "train_seconds": round(seconds, 1)}
    for key, name in MEASURES.items():
        value = rows.get(key)
        if value is None and out.get(name) is not None:
            continue  # the other length's row of the same measure
        out[name] = value if isinstance(value, (int, float, str)) or value is None \
            else str(value)

    def spread(frame):
        return frame.groupby("window")["traffic_volume"].mean().std()

    out["spread ratio"] = float(spread(synthetic) / spread(train))
    if kind != "reference":
        facts = model.privacy_report()
        out["epsilon"] = facts["epsilon"]
        out["epsilon parts"] = {k: v for k, v in facts.items() if k.startswith("epsilon of")}
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", nargs="+", required=True)
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--length", type=int, default=24, help="hours per unit: 24 (counter-days, "
                   "sample_len 4) or 168 (counter-weeks, sample_len 12)")
    p.add_argument("--out-json", type=Path)
    args = p.parse_args(argv)
    results = []
    for spec in args.runs:
        parts = spec.split(":")
        kind, seed = parts[0], int(parts[-1])
        epsilon = float(parts[1]) if len(parts) == 3 else None
        epochs = args.epochs if kind != "dp-sgd" else max(1, args.epochs // 2)
        result = run_one(kind, epsilon, seed, epochs, args.batch_size, args.length)
        print(json.dumps(result), flush=True)
        results.append(result)
        if args.out_json:
            write_json(args.out_json, {"machine": machine_info(), "command": sys.argv,
                                       "runs": results})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
