"""Train and time gretel-synthetics' PyTorch DGAN (the peer) on the traffic windows.

Runs in its own virtual environment (torch and gretel-synthetics are not dependencies of
tfgan_ts); it imports neither tfgan_ts nor TensorFlow. ``benchmarks/speed_vs_gretel.py``
writes the input arrays, starts this script and tfgan_ts's worker alternately, and compares.

Input ``--data``: an .npz with ``attributes`` [n, 3] integer codes (weekday, month, holiday)
and ``features`` [n, 168, 2] float (traffic_volume, temp) in original units.
Output ``--out``: a JSON with per-epoch seconds, generation seconds, peak memory, and an .npz
next to it with the generated ``features`` for the autocorrelation comparison.

    /tmp/gretelvenv/bin/python benchmarks/peer_gretel.py --data traffic.npz --out gretel.json
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

from _common import rss_mib  # numpy and pandas only: fine in gretel's environment


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Time gretel-synthetics DGAN on the traffic windows")
    p.add_argument("--data", required=True, help=".npz with attributes and features")
    p.add_argument("--out", required=True, help="JSON to write (the .npz of generated "
                                                "features goes next to it)")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--sample-len", type=int, default=12)
    p.add_argument("--noise-dim", type=int, default=5,
                   help="attribute and feature noise size (tfgan_ts default 5; gretel's 10)")
    p.add_argument("--n-throughput", type=int, default=10_000)
    p.add_argument("--repeats", type=int, default=5, help="timed generation calls")
    p.add_argument("--n-generate", type=int, default=None,
                   help="sequences saved for the quality comparison (default: as many as real)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    t_start = time.perf_counter()
    import numpy as np
    import torch
    from gretel_synthetics.timeseries_dgan.config import DGANConfig, OutputType
    from gretel_synthetics.timeseries_dgan.dgan import DGAN

    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    import_seconds = time.perf_counter() - t_start
    memory_after_import = rss_mib()

    data = np.load(args.data)
    attributes, features = data["attributes"], data["features"].astype(np.float32)
    n, length, _ = features.shape
    config = DGANConfig(
        max_sequence_len=length, sample_len=args.sample_len, batch_size=args.batch_size,
        epochs=args.epochs, attribute_noise_dim=args.noise_dim, feature_noise_dim=args.noise_dim,
        attribute_num_units=100, attribute_num_layers=3, feature_num_units=100,
        feature_num_layers=1, use_attribute_discriminator=True, apply_feature_scaling=True,
        apply_example_scaling=True, generator_learning_rate=1e-3,
        discriminator_learning_rate=1e-3, attribute_discriminator_learning_rate=1e-3,
        cuda=False,
    )
    model = DGAN(config)

    epoch_ends = []

    def progress(info):
        if info.batch == info.total_batches - 1:
            epoch_ends.append(time.perf_counter())

    t0 = time.perf_counter()
    model.train_numpy(
        features=features, feature_types=[OutputType.CONTINUOUS] * features.shape[2],
        attributes=attributes, attribute_types=[OutputType.DISCRETE] * attributes.shape[1],
        progress_callback=progress)
    train_seconds = time.perf_counter() - t0
    # epoch 1 also holds the data transformation and model building inside train_numpy
    epoch_seconds = np.diff([t0, *epoch_ends]).tolist()
    memory_after_training = rss_mib()

    model.generate_numpy(args.n_throughput)  # warm-up
    gen_times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        model.generate_numpy(args.n_throughput)
        gen_times.append(time.perf_counter() - t0)

    n_generate = args.n_generate or n
    gen_attributes, gen_features = model.generate_numpy(n_generate)
    out = Path(args.out)
    np.savez_compressed(out.with_suffix(".npz"), features=np.stack(gen_features),
                        attributes=np.asarray(gen_attributes))
    result = {
        "library": "gretel-synthetics DGAN",
        "command": "python " + " ".join(sys.argv),
        "versions": {
            "python": platform.python_version(), "torch": torch.__version__,
            "gretel_synthetics": _version("gretel-synthetics"), "numpy": np.__version__,
        },
        "torch_threads": torch.get_num_threads(),
        "config": {k: (v.name if hasattr(v, "name") else v)
                   for k, v in config.to_dict().items()},
        "n_train": int(n),
        "steps_per_epoch": int(-(-n // args.batch_size)),
        "import_seconds": import_seconds,
        "train_seconds": train_seconds,
        "epoch_seconds": epoch_seconds,
        "median_epoch_seconds": float(np.median(epoch_seconds[1:] or epoch_seconds)),
        "generation": {"n": args.n_throughput, "seconds": gen_times,
                       "sequences_per_second": args.n_throughput / float(np.median(gen_times))},
        "memory_after_import": memory_after_import,
        "memory_after_training": memory_after_training,
        "memory_end": rss_mib(),
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "generated": str(out.with_suffix(".npz")),
    }
    out.write_text(json.dumps(result, indent=2))
    print(f"gretel DGAN: {args.epochs} epochs, median {result['median_epoch_seconds']:.3f} "
          f"s/epoch, generation {result['generation']['sequences_per_second']:.0f} seq/s, "
          f"peak RSS {result['memory_end']['peak_rss_mib']:.0f} MiB", flush=True)
    return 0


def _version(dist: str):
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
