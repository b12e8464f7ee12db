"""Realism of synthetic traffic weeks: tfgan_ts DoppelGANger vs gretel-synthetics' DGAN on the
same windows, judged by detectors and statistics neither GAN was trained against.

Each run trains on the main job's split of the bundled traffic weeks (``tfgan-ts synthesize``
defaults: 20% of windows held out by ``train_test_split_sequences(seed=seed)``, 200 epochs,
batch 100, sample_len 12), generates as many windows as it trained on and saves them.
``judge`` then compares every saved run with its training windows:

* gradient-boosting detector on values + first differences + attributes, 5-fold, balanced
  (``tg.evaluation.realism.detection_accuracy``); reference: training vs held-out real
  windows of the same seed;
* mean |Δ| and |Δ²| ratios, worst per-position |Δ| ratio (``roughness``);
* per-feature KS, share outside the real range, attribute total variation (``marginals``);
* ACF score of traffic_volume (lags 1..167) and, when asked, the library's GRU score.

gretel runs in its own virtual environment (``--gretel-python``; ``setup-gretel`` creates
one under the work folder: torch 2.13.0 CPU and gretel-synthetics).

    python benchmarks/realism.py setup-gretel --work W
    python benchmarks/realism.py train --side tfgan --seed 0 --work W [--tag T --model '{}']
    python benchmarks/realism.py train --side gretel --seed 0 --work W
    python benchmarks/realism.py judge --work W --out-json realism.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine_info, write_json

HERE = Path(__file__).resolve().parent
FEATURES = ("traffic_volume", "temp")
ATTRIBUTES = ("weekday", "month", "holiday")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup-gretel", help="create the gretel venv under --work")
    s.add_argument("--work", required=True)
    t = sub.add_parser("train", help="train one side on one seed and save its windows")
    t.add_argument("--side", choices=["tfgan", "gretel"], required=True)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--epochs", type=int, default=200)
    t.add_argument("--work", required=True)
    t.add_argument("--tag", default="default", help="name of this tfgan_ts variant")
    t.add_argument("--model", default="{}", help="JSON of DoppelGANger keyword arguments")
    t.add_argument("--compile", default="{}", help="JSON of compile() keyword arguments")
    t.add_argument("--gretel-threads", type=int, default=0,
                   help="torch threads for gretel (0: torch's default)")
    t.add_argument("--gretel-python", default=None,
                   help="python of gretel's venv (default WORK/gretelvenv/bin/python)")
    j = sub.add_parser("judge", help="judge every saved run")
    j.add_argument("--work", required=True)
    j.add_argument("--out-json", default=None)
    j.add_argument("--gru", action="store_true", help="also the library's GRU score (slow)")
    return p.parse_args(argv)


def split(seed: int):
    import tfgan_ts as tg
    from tfgan_ts.evaluation import train_test_split_sequences

    df = tg.datasets.traffic_weeks()
    spec = tg.datasets.default_spec("traffic_weeks")
    spec.fit(df)
    train, holdout = train_test_split_sequences(df, spec, test_size=0.2, seed=seed)
    return df, spec, train, holdout


def setup_gretel(work: Path) -> Path:
    venv = work / "gretelvenv"
    py = venv / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(py), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "torch==2.13.0"], check=True)
        subprocess.run([*pip, "--no-deps", "gretel-synthetics"], check=True)
        subprocess.run([*pip, "category_encoders", "tqdm", "numpy", "pandas", "scikit-learn"],
                       check=True)
    return py


def train_tfgan(args, work: Path) -> None:
    import keras

    import tfgan_ts as tg

    _, spec, train, _ = split(args.seed)
    keras.utils.set_random_seed(args.seed)  # this benchmark's own process
    model = tg.DoppelGANger(spec, sample_len=12, seed=args.seed, **json.loads(args.model))
    model.compile(**json.loads(args.compile))
    t0 = time.perf_counter()
    model.fit(train, epochs=args.epochs, batch_size=100, verbose=0)
    seconds = time.perf_counter() - t0
    n = int(train["window"].nunique())
    syn = model.generate(n, seed=args.seed)
    name = f"tfgan-{args.tag}_s{args.seed}"
    syn.to_parquet(work / f"{name}.parquet")
    (work / f"{name}.json").write_text(json.dumps({
        "side": "tfgan", "tag": args.tag, "seed": args.seed, "epochs": args.epochs,
        "model": json.loads(args.model), "compile": json.loads(args.compile),
        "train_seconds": seconds, "seconds_per_epoch": seconds / args.epochs,
        "command": "python " + shlex.join(sys.argv)}, indent=2))
    print(f"{name}: trained in {seconds:.0f} s", flush=True)


def train_gretel(args, work: Path) -> None:
    from tfgan_ts.evaluation import sequence_attributes, sequence_matrix

    _, spec, train, _ = split(args.seed)
    attrs = sequence_attributes(train, spec)
    codes = {c: pd.Categorical(attrs[c].astype(str)) for c in ATTRIBUTES}
    data = work / f"gretel_input_s{args.seed}.npz"
    np.savez_compressed(
        data, attributes=np.stack([codes[c].codes for c in ATTRIBUTES], 1),
        features=np.stack([sequence_matrix(train, spec, f) for f in FEATURES], -1))
    py = args.gretel_python or str(work / "gretelvenv" / "bin" / "python")
    out = work / f"gretel-default_s{args.seed}.json"
    subprocess.run([py, str(HERE / "peer_gretel.py"), "--data", str(data), "--out", str(out),
                    "--epochs", str(args.epochs), "--seed", str(args.seed),
                    "--n-throughput", "100", "--repeats", "1",
                    "--threads", str(args.gretel_threads)], check=True)
    gen = np.load(out.with_suffix(".npz"))
    feats, gattr = gen["features"], gen["attributes"].astype(int)
    n, length, _ = feats.shape
    frame = pd.DataFrame({"window": np.repeat(np.arange(n), length),
                          "hour": np.tile(np.arange(length), n)})
    for i, c in enumerate(ATTRIBUTES):
        labels = np.asarray(codes[c].categories)[gattr[:, i]]
        frame[c] = np.repeat(labels, length)
    frame["month"] = frame["month"].astype(int)
    frame["holiday"] = frame["holiday"] == "True"
    for i, f in enumerate(FEATURES):
        frame[f] = feats[:, :, i].reshape(-1)
    frame.to_parquet(work / f"gretel-default_s{args.seed}.parquet")
    meta = json.loads(out.read_text())
    meta.update(side="gretel", tag="default", seed=args.seed,
                seconds_per_epoch=meta["median_epoch_seconds"])
    out.write_text(json.dumps(meta, indent=2))


def judge_one(real, synthetic, spec, seed: int, gru: bool) -> dict:
    from tfgan_ts.evaluation import realism
    from tfgan_ts.evaluation.temporal import curve_score

    out = {"detector_accuracy": realism.detection_accuracy(real, synthetic, spec,
                                                           seed=seed)["accuracy"]}
    for row in realism.roughness(real, synthetic, spec).to_dict("records"):
        c = row["column"]
        out[f"{c} |Δ| ratio"] = row["diff_ratio"]
        out[f"{c} |Δ²| ratio"] = row["diff2_ratio"]
        out[f"{c} worst position ratio"] = row["worst_position_ratio"]
        out[f"{c} worst position"] = row["worst_position"]
    for row in realism.marginal_checks(real, synthetic, spec).to_dict("records"):
        out[f"{row['column']} {row['measure']}"] = row["value"]
    r, s = (realism.prepare(x, spec) for x in (real, synthetic))
    out["traffic_volume ACF score"] = curve_score(r.autocorrelation("traffic_volume", 167),
                                                  s.autocorrelation("traffic_volume", 167))
    if gru:
        from tfgan_ts.evaluation import discriminative_score

        out["GRU score"] = discriminative_score(r, s, spec, repeats=3, seed=seed)["score"]
    return out


def judge(args, work: Path) -> None:
    rows = []
    splits = {}
    for meta_path in sorted(work.glob("*_s[0-9].json")):
        meta = json.loads(meta_path.read_text())
        if "side" not in meta or not meta_path.with_suffix(".parquet").exists():
            continue
        seed = meta["seed"]
        if seed not in splits:
            splits[seed] = split(seed)
            _, spec, train, holdout = splits[seed]
            cache = work / f"real-holdout_s{seed}.judged.json"
            if not cache.exists():
                cache.write_text(json.dumps(judge_one(train, holdout, spec, seed, args.gru)))
            rows.append({"run": "real holdout", "seed": seed, **json.loads(cache.read_text())})
        _, spec, train, _ = splits[seed]
        cache = meta_path.with_name(meta_path.stem + ".judged.json")
        if not cache.exists() or cache.stat().st_mtime < meta_path.stat().st_mtime:
            syn = pd.read_parquet(meta_path.with_suffix(".parquet"))
            cache.write_text(json.dumps(judge_one(train, syn, spec, seed, args.gru)))
        rows.append({"run": f"{meta['side']}-{meta['tag']}", "seed": seed,
                     "s/epoch": meta.get("seconds_per_epoch"),
                     **json.loads(cache.read_text())})
        print(meta_path.stem, {k: round(v, 3) if isinstance(v, float) else v
                               for k, v in rows[-1].items()}, flush=True)
    table = pd.DataFrame(rows).sort_values(["run", "seed"])
    with pd.option_context("display.width", 250, "display.max_columns", 50):
        print(table.set_index(["run", "seed"]).T.round(3).to_string())
    if args.out_json:
        write_json(args.out_json, {
            "command": "python " + shlex.join(sys.argv),
            "date": datetime.datetime.now().isoformat(timespec="seconds"),
            "machine": machine_info(), "rows": table.to_dict("records")})


def main(argv=None) -> int:
    args = parse_args(argv)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    if args.cmd == "setup-gretel":
        print(setup_gretel(work))
    elif args.cmd == "train":
        (train_tfgan if args.side == "tfgan" else train_gretel)(args, work)
    else:
        judge(args, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
