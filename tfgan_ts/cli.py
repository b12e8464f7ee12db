"""The ``tfgan-ts`` command line: sub-commands over the library's layers.

Each sub-command reads and writes CSV or Parquet (chosen by the file extension). TensorFlow is
imported only by the sub-commands that train or generate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ._version import __version__


def read_frame(path: str) -> pd.DataFrame:
    """A CSV or Parquet file as a DataFrame; ValueError for other extensions."""
    p = Path(path)
    if not p.exists():
        raise ValueError(f"data file {path!r} does not exist")
    suffixes = "".join(p.suffixes).lower()
    if suffixes.endswith((".parquet", ".pq")):
        return pd.read_parquet(p)
    if ".csv" in suffixes:
        return pd.read_csv(p)
    raise ValueError(f"data file {path!r}: use a .csv (optionally compressed) or .parquet file")


def write_frame(df: pd.DataFrame, path: str) -> None:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix.lower() in (".parquet", ".pq"):
        df.to_parquet(p, index=False)
    else:
        df.to_csv(p, index=False)


def _cmd_datasets(args) -> int:
    from . import datasets

    if args.name:
        loader = getattr(datasets, args.name, None)
        if loader is None or args.name not in datasets.__all__ or args.name in (
            "list_datasets", "default_spec"
        ):
            print(f"unknown data set {args.name!r}; run 'tfgan-ts datasets' for the list",
                  file=sys.stderr)
            return 2
        df = loader()
        print(f"{args.name}: {df.shape[0]} rows x {df.shape[1]} columns")
        print(df.head(args.head).to_string())
        if args.out:
            write_frame(df, args.out)
            print(f"wrote {args.out}")
        return 0
    table = datasets.list_datasets()
    with pd.option_context("display.max_colwidth", 100, "display.width", 200):
        print(table.to_string(index=False))
    return 0


def _split(text):
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def _spec_from_args(args):
    """The SequenceSpec the synthesize flags describe (the bundled traffic spec without
    --data)."""
    from . import datasets
    from .columns import Continuous, Discrete
    from .spec import SequenceSpec

    if args.data is None:
        if any([args.example_id, args.time, args.attributes, args.features, args.discrete]):
            raise ValueError("--example-id/--time/--attributes/--features/--discrete describe "
                             "--data; pass --data FILE with them")
        return datasets.traffic_weeks(), datasets.default_spec("traffic_weeks")
    df = read_frame(args.data)
    if not args.example_id or not args.features:
        raise ValueError("with --data, name at least --example-id and --features "
                         "(and --time, --attributes, --discrete as needed)")
    discrete = set(_split(args.discrete))
    attributes, features = _split(args.attributes), _split(args.features)
    unknown = discrete - set(attributes) - set(features)
    if unknown:
        raise ValueError(f"--discrete names {sorted(unknown)}, which are not in --attributes "
                         "or --features")

    def column(name):
        return Discrete(name) if name in discrete else Continuous(name)

    if args.time and args.time in df.columns and pd.api.types.is_string_dtype(df[args.time]):
        # dates in a CSV arrive as text: parse them when every value is a date
        parsed = pd.to_datetime(df[args.time], errors="coerce", format="ISO8601")
        if parsed.notna().all():
            df[args.time] = parsed
    spec = SequenceSpec(args.example_id, args.time, [column(c) for c in attributes],
                        [column(c) for c in features], max_length=args.max_length)
    return df, spec


def _auto_sample_len(max_length: int, max_cells: int = 30) -> int:
    """The smallest divisor of max_length that leaves at most ``max_cells`` LSTM cells."""
    return next(d for d in range(1, max_length + 1)
                if max_length % d == 0 and max_length // d <= max_cells)


class _EpochProgress:
    """A Keras progress bar over epochs (one line, the losses of the last epoch)."""

    def __new__(cls, epochs: int):
        import keras

        keys = ("d_loss", "g_loss", "wasserstein")

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.bar = keras.utils.Progbar(epochs, unit_name="epoch",
                                               stateful_metrics=list(keys))

            def on_epoch_end(self, epoch, logs=None):
                self.bar.update(epoch + 1, [(k, float(logs[k])) for k in keys if k in logs],
                                finalize=epoch + 1 == epochs)

        return Callback()


def _cmd_synthesize(args) -> int:
    import time

    import keras

    from .evaluation import report, train_test_split_sequences
    from .models import DoppelGANger

    df, spec = _spec_from_args(args)
    source = args.data or "bundled traffic_weeks()"
    if not 0 <= args.holdout < 1:
        raise ValueError(f"--holdout must be a share in [0, 1), got {args.holdout}")
    spec.fit(df)
    if args.holdout > 0:
        train, holdout = train_test_split_sequences(df, spec, test_size=args.holdout,
                                                    seed=args.seed)
    else:
        train, holdout = df, None
    sample_len = args.sample_len or (12 if args.data is None else _auto_sample_len(spec.max_length_))
    n_train = len(spec.sequence_order(train)[3])
    print(f"data: {source}: {spec.n_examples_} sequences, up to {spec.max_length_} steps, "
          f"{spec.attribute_dim} attribute / {spec.feature_dim} feature dims; training on "
          f"{n_train}, {spec.n_examples_ - n_train} held out for the report; "
          f"sample_len={sample_len}, epochs={args.epochs}")
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    model = DoppelGANger(spec, sample_len=sample_len, seed=args.seed)
    model.compile()
    start = time.perf_counter()
    history = model.fit(train, epochs=args.epochs, batch_size=args.batch_size, verbose=0,
                        callbacks=[] if args.quiet else [_EpochProgress(args.epochs)])
    print(f"trained in {time.perf_counter() - start:.0f} s")
    n = args.n or n_train
    synthetic = model.generate(n, seed=args.seed)
    write_frame(synthetic, args.out)
    print(f"wrote {len(synthetic)} rows ({n} sequences) to {args.out}")
    folder = Path(args.out).resolve().parent
    (folder / "spec.json").write_text(model.spec.to_json())
    if args.save:
        model.save(args.save)
        print(f"saved the model to {args.save}")
    if args.no_report:
        return 0
    start = time.perf_counter()
    rep = report(train, synthetic, model.spec, history=history, holdout=holdout,
                 seed=args.seed or 0, title=f"DoppelGANger on {source}",
                 discriminative=not args.fast_report, utility=not args.fast_report)
    rep.to_html(folder / "report.html")
    rep.to_json(folder / "report.json")
    print(f"evaluated in {time.perf_counter() - start:.0f} s; wrote {folder / 'report.html'}, "
          f"report.json and spec.json")
    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(rep.summary()[["section", "measure", "column", "value"]].to_string(index=False))
    return 0


def _cmd_evaluate(args) -> int:
    from .evaluation import report
    from .spec import SequenceSpec

    try:
        spec = SequenceSpec.from_json(Path(args.spec).read_text())
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"cannot read --spec {args.spec!r} (a spec.json written by "
                         f"'tfgan-ts synthesize' or spec.to_json()): {err}") from None
    if not spec.fitted_:
        raise ValueError("--spec must be a fitted spec (spec.to_json() after spec.fit)")
    frames = [coerce_to_spec(read_frame(p), spec) if p else None
              for p in (args.real, args.synthetic, args.holdout)]
    rep = report(frames[0], frames[1], spec, holdout=frames[2], seed=args.seed,
                 discriminative=not args.fast, utility=not args.fast,
                 title=f"{args.synthetic} vs {args.real}")
    rep.to_html(args.out)
    if args.json:
        rep.to_json(args.json)
    print(f"wrote {args.out}")
    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(rep.summary()[["section", "measure", "column", "value"]].to_string(index=False))
    return 0


def coerce_to_spec(df: pd.DataFrame, spec) -> pd.DataFrame:
    """Undo what a CSV round trip does to a frame the spec was fitted on: parse the time
    column back to datetimes when it was fitted as datetimes."""
    if spec.time and spec.time_kind_ == "datetime" and spec.time in df.columns and \
            not pd.api.types.is_datetime64_any_dtype(df[spec.time]):
        df = df.copy()
        df[spec.time] = pd.to_datetime(df[spec.time], format="ISO8601")
    return df


def _cmd_generate(args) -> int:
    import keras

    from . import models  # noqa: F401  (registers the model classes for loading)

    if not args.model or not args.model.endswith(".keras"):
        raise ValueError("--model must name a .keras file saved by tfgan-ts or model.save")
    try:
        model = keras.models.load_model(args.model)
    except (OSError, FileNotFoundError) as err:
        raise ValueError(f"cannot load --model {args.model!r}: {err}") from None
    attributes = read_frame(args.attributes) if args.attributes else None
    n = None if attributes is not None else args.n
    if attributes is None and (n is None or n <= 0):
        raise ValueError("-n must be a positive number of sequences (or give --attributes)")
    synthetic = model.generate(n, attributes=attributes, seed=args.seed, format=args.format)
    write_frame(synthetic, args.out)
    print(f"wrote {len(synthetic)} rows to {args.out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tfgan-ts",
        description="GANs for time series: synthesize, evaluate, impute and oversample.",
    )
    parser.add_argument("--version", action="version", version=f"tfgan-ts {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("datasets", help="list the bundled data sets, or show/export one",
                       description="List the bundled real data sets with their shapes; with "
                       "--name, show the head of one and optionally write it out.")
    p.add_argument("--name", help="loader name, e.g. traffic_weeks or bank_transactions")
    p.add_argument("--head", type=int, default=5, help="rows to show (default 5)")
    p.add_argument("--out", help="write the data set to this CSV/Parquet file")
    p.set_defaults(func=_cmd_datasets)

    p = sub.add_parser("synthesize", help="fit DoppelGANger and generate synthetic sequences",
                       description="Fit a DoppelGANger model on long-format sequences, generate "
                       "synthetic ones and print a first fidelity summary. With no --data it "
                       "runs on the bundled Metro traffic week windows.")
    p.add_argument("--data", help="long-format CSV/Parquet of sequences (default: bundled)")
    p.add_argument("--example-id", help="column naming the sequence of each row")
    p.add_argument("--time", help="column ordering the steps (numbers, dates or timestamps)")
    p.add_argument("--attributes", help="comma-separated static columns")
    p.add_argument("--features", help="comma-separated time-varying columns")
    p.add_argument("--discrete", help="comma-separated columns (among the above) that are "
                   "categorical; the others are continuous")
    p.add_argument("--max-length", type=int, help="pad sequences to this length")
    p.add_argument("--epochs", type=int, default=200, help="training epochs (default 200)")
    p.add_argument("--sample-len", type=int, help="steps per LSTM cell; must divide the max "
                   "length (default 12 for the bundled data, else chosen to give <= 30 cells)")
    p.add_argument("--batch-size", type=int, default=100, help="default 100")
    p.add_argument("-n", type=int, help="sequences to generate (default: as many as the data)")
    p.add_argument("--out", default="synthetic.csv", help="output file (default synthetic.csv)")
    p.add_argument("--save", help="save the trained model to this .keras file")
    p.add_argument("--seed", type=int, default=0, help="seed for training and generation "
                   "(default 0)")
    p.add_argument("--holdout", type=float, default=0.2, help="share of sequences kept out "
                   "of training, for the report's utility and privacy measures (default 0.2)")
    p.add_argument("--no-report", action="store_true", help="skip the evaluation report")
    p.add_argument("--fast-report", action="store_true", help="report without the "
                   "discriminative score and the forecasting utility (the slow parts)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_synthesize)

    p = sub.add_parser("evaluate", help="compare synthetic sequences with real ones",
                       description="Write an HTML report (figures embedded) comparing a "
                       "synthetic CSV/Parquet with the real one, both in the long format of a "
                       "fitted spec (spec.json from 'synthesize' or spec.to_json()).")
    p.add_argument("--real", required=True, help="real sequences the generator was trained on")
    p.add_argument("--synthetic", required=True, help="generated sequences")
    p.add_argument("--spec", required=True, help="spec.json of the fitted SequenceSpec")
    p.add_argument("--holdout", help="real sequences NOT used in training (enables utility "
                   "and membership-inference measures)")
    p.add_argument("--out", default="report.html", help="HTML report (default report.html)")
    p.add_argument("--json", help="also write the numbers as JSON here")
    p.add_argument("--fast", action="store_true", help="skip the discriminative score and "
                   "the forecasting utility")
    p.add_argument("--seed", type=int, default=0, help="default 0")
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("generate", help="generate sequences from a saved model",
                       description="Load a .keras model saved by 'synthesize --save' (or "
                       "model.save) and generate sequences, optionally one per row of an "
                       "attribute table (conditional generation).")
    p.add_argument("--model", required=True, help="the .keras file")
    p.add_argument("-n", type=int, help="number of sequences")
    p.add_argument("--attributes", help="CSV/Parquet of attribute values, one row per sequence")
    p.add_argument("--out", default="generated.csv", help="output file (default generated.csv)")
    p.add_argument("--seed", type=int, help="seed for reproducible output")
    p.add_argument("--format", choices=["long", "wide"], help="output layout (default: the "
                   "training data's)")
    p.set_defaults(func=_cmd_generate)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
