"""Sequence commands: ``synthesize`` (fit DoppelGANger, generate, report), ``generate`` (from a
saved model) and ``evaluate`` (report on two files). TensorFlow is started only once each
command has read and checked its inputs."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..memory import release_free_memory
from ..progress import step
from .flags import declarations, split_list
from .frames import coerce_to_spec, parse_dates, read_frame, write_frame
from .privacy import add_dp_flags, dp_from_args, dp_note, dp_requested, schema_error
from .tensorflow_start import start_tensorflow

if TYPE_CHECKING:
    import pandas as pd

    from ..spec import SequenceSpec


def spec_from_args(args: argparse.Namespace, public_schema: bool = False
                   ) -> tuple[pd.DataFrame, SequenceSpec]:
    """The data and the SequenceSpec the synthesize flags describe (the bundled traffic
    weeks and their spec without --data; with ``public_schema``, its declared-bounds variant
    for DP)."""
    if args.data is None:
        if any([args.example_id, args.time, args.attributes, args.features, args.discrete,
                args.bounds, args.categories]):
            raise ValueError("--example-id/--time/--attributes/--features/--discrete/--bounds/"
                             "--categories describe --data; pass --data FILE with them")
        from .. import datasets

        if public_schema:  # non-overlapping counter-days: epsilon is per counter-day
            from ..datasets.traffic import traffic_weeks_public_spec

            return (datasets.traffic_weeks(length=24, stride=24),
                    traffic_weeks_public_spec(length=24))
        return datasets.traffic_weeks(), datasets.default_spec("traffic_weeks")
    df = read_frame(args.data)
    if not args.example_id or not args.features:
        raise ValueError("with --data, name at least --example-id and --features "
                         "(and --time, --attributes, --discrete as needed)")
    from ..columns import Continuous, Discrete
    from ..spec import SequenceSpec

    discrete = set(split_list(args.discrete))
    attributes, features = split_list(args.attributes), split_list(args.features)
    unknown = discrete - set(attributes) - set(features)
    if unknown:
        raise ValueError(f"--discrete names {sorted(unknown)}, which are not in --attributes "
                         "or --features")

    bounds, categories = declarations(args, df, set(attributes) | set(features), discrete)
    discrete |= set(categories)

    def column(name):
        if name in discrete:
            return Discrete(name, categories=categories.get(name))
        return Continuous(name, bounds=bounds.get(name))

    if args.time and args.time in df.columns:
        parsed = parse_dates(df[args.time])  # dates in a CSV arrive as text
        if parsed is not None:
            df[args.time] = parsed
    spec = SequenceSpec(args.example_id, args.time, [column(c) for c in attributes],
                        [column(c) for c in features], max_length=args.max_length)
    return df, spec


def auto_sample_len(max_length: int, max_cells: int = 30) -> int:
    """The smallest divisor of max_length that leaves at most ``max_cells`` LSTM cells."""
    return next(d for d in range(1, max_length + 1)
                if max_length % d == 0 and max_length // d <= max_cells)


def epoch_progress(epochs: int):
    """A Keras callback drawing one progress bar over the epochs, with the last losses."""
    import keras

    keys = ("d_loss", "g_loss", "wasserstein", "embedding_distance", "epsilon")

    class EpochProgress(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):  # noqa: ARG002  (Keras' signature)
            self.bar = keras.utils.Progbar(epochs, unit_name="epoch",
                                           stateful_metrics=list(keys))

        def on_epoch_end(self, epoch, logs=None):
            self.bar.update(epoch + 1, [(k, float(logs[k])) for k in keys if k in logs],
                            finalize=epoch + 1 == epochs)

    return EpochProgress()


def _print_table(summary: pd.DataFrame) -> None:
    import pandas as pd

    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(summary[["section", "measure", "column", "value"]].to_string(
            index=False, max_colwidth=60))


def _print_verdict(rep) -> None:
    print()
    print("\n".join(rep.verdict_lines()))
    print("  how we judge: the thresholds are listed at the end of report.html and in the "
          "README (\"How the verdict is reached\")")


def _cmd_synthesize(args: argparse.Namespace) -> int:
    dp_on = dp_requested(args)
    # the private runs were measured at 200 epochs and the paper's 1e-3; without DP, 100
    # epochs at 3e-3 come closer to 200 at 1e-3 than 100 at 1e-3 (benchmarks/RESULTS.md)
    if args.epochs is None:
        args.epochs = 200 if dp_on else 100
    if args.generator_lr is None:
        args.generator_lr = 1e-3 if dp_on else 3e-3
    if not args.generator_lr > 0:
        raise ValueError(f"--generator-lr must be a positive learning rate, got "
                         f"{args.generator_lr:g}")
    df, spec = spec_from_args(args, public_schema=dp_on)
    source = args.data or ("bundled traffic counter-days (non-overlapping 24-hour windows)"
                           if dp_on else "bundled traffic_weeks()")
    if args.holdout is not None and not 0 <= args.holdout < 1:
        raise ValueError(f"--holdout must be a share in [0, 1), got {args.holdout}")
    spec.fit(df)
    dp = dp_from_args(args)
    ledger = None
    if dp is not None:
        from ..gan.dp import PrivacyLedger  # no TensorFlow: the checks fail fast

        ledger = PrivacyLedger(dp)
        leaks = ledger.schema_leaks(spec)
        if leaks and not dp.allow_data_derived_schema:
            raise schema_error(leaks, spec.time)
    with step("starting TensorFlow", not args.quiet):
        start_tensorflow(args)
    import keras

    from ..evaluation import report, train_test_split_sequences
    from ..models import DoppelGANger

    if args.holdout is None:
        args.holdout = 0.0 if args.no_report else 0.2
    elif args.no_report and args.holdout > 0:
        print(f"note: --holdout {args.holdout:g} keeps sequences out of training for the "
              "report, which --no-report skips; they are held out as asked")
    if args.holdout > 0:
        train, holdout = train_test_split_sequences(df, spec, test_size=args.holdout,
                                                    seed=args.seed)
    else:
        train, holdout = df, None
    sample_len = args.sample_len or (
        (4 if dp_on else 12) if args.data is None else auto_sample_len(spec.max_length_))
    n_train = len(spec.sequence_order(train).lengths)
    print(f"data: {source}: {spec.n_examples_} sequences, up to {spec.max_length_} steps, "
          f"{spec.attribute_dim} attribute / {spec.feature_dim} feature dims; training on "
          f"{n_train}" + (f", {spec.n_examples_ - n_train} held out for the report; "
                          if holdout is not None else " (all of them); ")
          + f"sample_len={sample_len}, epochs={args.epochs}, generator lr "
          f"{args.generator_lr:g}")
    if ledger is not None and dp.mechanism == "embedding":
        noise = (f"sigma = {dp.noise_multiplier:g}" if dp.noise_multiplier is not None else
                 f"calibrated to epsilon <= {dp.target_epsilon:g}")
        print(f"differential privacy: the mean of a random-feature embedding "
              f"({dp.embedding_features} frequencies x attributes) released once with Gaussian "
              f"noise ({noise}), "
              f"then the generator trained against it; unit: "
              f"{dp.unit or 'one sequence'}; public attributes: "
              f"{', '.join(dp.public(spec)) or 'none'}"
              + (f"; NOT covered (fitted from the data): {', '.join(leaks)}" if leaks else
                 "; schema declared"))
    elif ledger is not None:
        if args.batch_size > n_train:
            raise ValueError(f"--batch-size {args.batch_size} is larger than the {n_train} "
                             "training sequences: with differential privacy each batch is a "
                             "Poisson sample of expected size --batch-size, which must be at "
                             f"most {n_train}")
        plan = ledger.preview(n_train, args.batch_size, args.epochs)
        noise = (f"sigma = {dp.noise_multiplier:g}" if dp.noise_multiplier is not None else
                 f"sigma = {plan['noise_multiplier']:.4g} (calibrated to epsilon <= "
                 f"{dp.target_epsilon:g})")
        print(f"differential privacy: DP-SGD on the discriminators, clip {dp.l2_norm_clip:g}, "
              f"{noise}, delta = {plan['delta']:g}, {dp.accountant} accountant, "
              f"{plan['discriminator_steps']} discriminator steps"
              + (f"; NOT covered (fitted from the data): {', '.join(leaks)}" if leaks else
                 "; schema declared"))
    batch_size = args.batch_size
    if batch_size > n_train and ledger is None:
        print(f"note: --batch-size {batch_size} is larger than the {n_train} training "
              f"sequences, so each epoch is one batch of {n_train}")
        batch_size = n_train
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)  # the program seeds its own process
    model = DoppelGANger(spec, sample_len=sample_len, seed=args.seed, dp=dp)
    model.compile(generator_optimizer=keras.optimizers.Adam(args.generator_lr, beta_1=0.5))
    start = time.perf_counter()
    history = model.fit(train, epochs=args.epochs, batch_size=batch_size, verbose=0,
                        callbacks=[] if args.quiet else [epoch_progress(args.epochs)])
    print(f"trained in {time.perf_counter() - start:.0f} s")
    model.train_function = None  # the traced training step (Keras makes it anew in a fit)
    release_free_memory()
    privacy = None
    if dp is not None:
        spent, privacy = model.ledger.spent(), model.ledger.report()
        parts = ", ".join(f"{k.split(' of ')[1].removesuffix(' alone')} {v:.4g}"
                          for k, v in privacy.items() if k.startswith("epsilon of "))
        print(f"epsilon = {spent.epsilon:.4g} in total ({parts}), delta = {spent.delta:.3g}, "
              f"unit: {privacy['unit']}; public, not covered: "
              f"{privacy['public, NOT covered']}; schema {privacy.get('schema')}")
    n = args.n or n_train
    with step(f"generating {n} sequences", not args.quiet):
        synthetic = model.generate(n, seed=args.seed)
    with step(f"writing {args.out}", not args.quiet):
        write_frame(synthetic, args.out)
    print(f"wrote {len(synthetic)} rows ({n} sequences) to {args.out}")
    release_free_memory()
    folder = Path(args.out).resolve().parent
    (folder / "spec.json").write_text(model.spec.to_json())
    if args.save:
        model.save(args.save)
        print(f"saved the model to {args.save}")
    if args.no_report:
        dp_note(dp)
        return 0
    start = time.perf_counter()
    rep = report(train, synthetic, model.spec, history=history, holdout=holdout,
                 privacy=privacy, seed=args.seed or 0, title=f"DoppelGANger on {source}",
                 discriminative=not args.fast_report, utility=not args.fast_report,
                 verbose=not args.quiet)
    rep.to_html(folder / "report.html")
    rep.to_json(folder / "report.json")
    print(f"evaluated in {time.perf_counter() - start:.0f} s; wrote {folder / 'report.html'}, "
          f"report.json and spec.json")
    _print_table(rep.summary())
    dp_note(dp)
    _print_verdict(rep)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from ..spec import SequenceSpec

    try:
        spec = SequenceSpec.from_json(Path(args.spec).read_text())
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise ValueError(f"cannot read --spec {args.spec!r} (a spec.json written by "
                         f"'tfgan-ts synthesize' or spec.to_json()): {err}") from None
    if not spec.fitted_:
        raise ValueError("--spec must be a fitted spec (spec.to_json() after spec.fit)")
    frames = [coerce_to_spec(read_frame(p), spec, source=f"{flag} {p}") if p else None
              for flag, p in (("--real", args.real), ("--synthetic", args.synthetic),
                              ("--holdout", args.holdout))]
    start_tensorflow(args)
    from ..evaluation import report

    rep = report(frames[0], frames[1], spec, holdout=frames[2], seed=args.seed,
                 discriminative=not args.fast, utility=not args.fast,
                 title=f"{args.synthetic} vs {args.real}", verbose=True)
    rep.to_html(args.out)
    if args.json:
        rep.to_json(args.json)
    print(f"wrote {args.out}")
    _print_table(rep.summary())
    _print_verdict(rep)
    return 0


def _cmd_generate(args: argparse.Namespace) -> int:
    if not args.model or not args.model.endswith(".keras"):
        raise ValueError("--model must name a .keras file saved by tfgan-ts or model.save")
    if not Path(args.model).is_file():
        raise ValueError(f"cannot load --model {args.model!r}: no such file")
    attributes = args.attributes
    if attributes is not None and not Path(attributes).exists():
        raise ValueError(f"--attributes {attributes!r} does not exist")
    n = None if attributes is not None else args.n
    if attributes is None and (n is None or n <= 0):
        raise ValueError("-n must be a positive number of sequences (or give --attributes)")
    from ..frame_chunks import output_kind

    output_kind(args.out)  # a bad output fails before TensorFlow starts
    start_tensorflow(args)
    import zipfile

    import keras

    from .. import models  # noqa: F401  (registers the model classes for loading)

    try:
        model = keras.models.load_model(args.model)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as err:
        raise ValueError(f"cannot load --model {args.model!r}: it is not a model saved by "
                         "'tfgan-ts synthesize --save' or model.save() (a .keras file is a zip "
                         f"archive; Keras said: {str(err).splitlines()[0][:200]})") from None
    if not hasattr(model, "generate"):
        raise ValueError(f"--model {args.model!r} is a Keras model of type "
                         f"{type(model).__name__}, not a tfgan_ts generator (DoppelGANger)")
    written = model.generate_to(args.out, n, attributes=attributes, seed=args.seed,
                                format=args.format, batch_size=args.batch_size,
                                verbose=0 if args.quiet else 1)
    where = f"{len(written.files)} part files in {args.out}" if len(written.files) > 1 \
        else args.out
    print(f"wrote {written.rows} rows ({written.sequences} sequences) to {where}")
    return 0


def add_synthesize(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``synthesize`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("synthesize", parents=[common],
                       help="fit DoppelGANger and generate synthetic sequences",
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
    p.add_argument("--epochs", type=int, help="training epochs (default 100: about 70 s on "
                   "the bundled data on 2 CPU cores; 200 gives smoother, more realistic weeks "
                   "in twice the time, benchmarks/RESULTS.md; 200 with differential privacy)")
    p.add_argument("--generator-lr", type=float, help="the generator's Adam learning rate "
                   "(default 3e-3: it leaves the early plateau sooner, which 100 epochs need; "
                   "1e-3, the paper's, with differential privacy)")
    p.add_argument("--sample-len", type=int, help="steps per LSTM cell; must divide the max "
                   "length (default 12 for the bundled data, else chosen to give <= 30 cells)")
    p.add_argument("--batch-size", type=int, default=100, help="default 100")
    p.add_argument("-n", type=int, help="sequences to generate (default: as many as the data)")
    p.add_argument("--out", default="synthetic.csv", help="output file (default synthetic.csv)")
    p.add_argument("--save", help="save the trained model to this .keras file")
    p.add_argument("--seed", type=int, default=0, help="seed for training and generation "
                   "(default 0)")
    p.add_argument("--holdout", type=float, help="share of sequences kept out of training, "
                   "for the report's utility and privacy measures (default 0.2; 0 with "
                   "--no-report, which then trains on every sequence)")
    p.add_argument("--no-report", action="store_true", help="skip the evaluation report")
    p.add_argument("--fast-report", action="store_true", help="report without the "
                   "discriminative score and the forecasting utility (the slow parts)")
    p.add_argument("--quiet", action="store_true", help="no progress output (the epoch bar "
                   "and the timed steps)")
    g = p.add_argument_group(
        "public schema", "declare what would otherwise be fitted from --data (needed for a "
        "differential-privacy guarantee that covers the schema; valid without DP too)")
    g.add_argument("--bounds", action="append", metavar="COL=LOW:HIGH", help="range of a "
                   "continuous column, e.g. --bounds spend=0:500 (repeat for more columns)")
    g.add_argument("--categories", action="append", metavar="COL=a,b,c", help="values of a "
                   "categorical column, read as the column's type in the data (integers, "
                   "numbers, True/False or text); makes the column discrete (repeatable)")
    add_dp_flags(p)
    p.set_defaults(func=_cmd_synthesize)


def add_evaluate(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``evaluate`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("evaluate", parents=[common],
                       help="compare synthetic sequences with real ones",
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


def add_generate(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``generate`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("generate", parents=[common], help="generate sequences from a saved model",
                       description="Load a .keras model saved by 'synthesize --save' (or "
                       "model.save) and generate sequences, optionally one per row of an "
                       "attribute table (conditional generation).")
    p.add_argument("--model", required=True, help="the .keras file")
    p.add_argument("-n", type=int, help="number of sequences")
    p.add_argument("--attributes", help="CSV/Parquet file (or folder of Parquet files) of "
                   "attribute values, one row per sequence; read a batch at a time")
    p.add_argument("--out", default="generated.csv", help="output .csv or .parquet file, or a "
                   "folder for a Parquet data set of part files (default generated.csv); "
                   "written a batch at a time, so any number of sequences fits in memory")
    p.add_argument("--batch-size", type=int, default=1000, help="sequences generated per "
                   "batch (default 1000; the same seed and batch size give the same rows)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--seed", type=int, help="seed for reproducible output")
    p.add_argument("--format", choices=["long", "wide"], help="output layout (default: the "
                   "training data's)")
    p.set_defaults(func=_cmd_generate)
