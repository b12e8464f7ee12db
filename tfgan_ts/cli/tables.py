"""Table commands over the conditional tabular GAN: ``oversample`` (balance classes,
tg.GANOversampler) and ``synthesize-table`` (virtual rows, optionally for given factor
levels, tg.TabularGAN)."""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from .flags import conditions, split_list
from .frames import read_frame, write_frame
from .tensorflow_start import start_tensorflow

if TYPE_CHECKING:
    import pandas as pd


def _tabular_training(args: argparse.Namespace) -> dict:
    """Training length and learning rate shared by oversample and synthesize-table."""
    for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size),
                        ("--steps-per-epoch", args.steps_per_epoch)):
        if value is not None and value < 1:
            raise ValueError(f"{flag} must be >= 1, got {value}")
    if not args.learning_rate > 0:
        raise ValueError(f"--learning-rate must be > 0, got {args.learning_rate}")
    return {"epochs": args.epochs, "batch_size": args.batch_size,
            "steps_per_epoch": args.steps_per_epoch}


def _sampling_strategy(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


def _counts(y: pd.Series) -> str:
    return ", ".join(f"{k}: {v}" for k, v in y.value_counts(sort=False).sort_index().items())


def _cmd_oversample(args: argparse.Namespace) -> int:
    df = read_frame(args.data)
    if args.target not in df.columns:
        raise ValueError(f"--target {args.target!r} is not a column of {args.data}; columns: "
                         f"{list(df.columns)}")
    y = df[args.target]
    if y.isna().any():
        raise ValueError(f"--target {args.target!r}: {int(y.isna().sum())} row(s) have no "
                         "label; drop or label them first")
    if y.nunique() < 2:
        raise ValueError(f"--target {args.target!r} has a single class ({y.iloc[0]!r}): "
                         "oversampling needs at least two classes")
    X = df.drop(columns=[args.target])
    discrete = split_list(args.discrete)
    unknown = [d for d in discrete if d not in X.columns]
    if unknown:
        raise ValueError(f"--discrete {unknown} are not feature columns of {args.data}")
    if args.mark and args.mark in df.columns:
        raise ValueError(f"--mark {args.mark!r} is already a column of {args.data}")
    training = _tabular_training(args)
    start_tensorflow(args)
    import pandas as pd

    from ..estimators import GANOversampler

    sampler = GANOversampler(sampling_strategy=_sampling_strategy(args.sampling_strategy),
                             learning_rate=args.learning_rate, discrete=discrete or None,
                             seed=args.seed, verbose=0 if args.quiet else 2, **training)
    print(f"classes in {args.data}: {_counts(y)}")
    X_res, y_res = sampler.fit_resample(X, y)
    out = X_res.assign(**{args.target: y_res})[list(df.columns)]
    if args.mark:
        out[args.mark] = [False] * len(df) + [True] * (len(out) - len(df))
    write_frame(out, args.out)
    added = len(out) - len(df)
    print(f"wrote {args.out}: {len(df)} original rows (unchanged, first) + {added} generated; "
          f"classes now {_counts(pd.Series(y_res))}")
    return 0


def _cmd_synthesize_table(args: argparse.Namespace) -> int:
    if args.n is None:
        raise ValueError("-n is required: the number of virtual rows to generate")
    if args.n <= 0:
        raise ValueError(f"-n must be a positive number of rows to generate, got {args.n}")
    df = read_frame(args.data)
    wanted = conditions(args.condition, df)
    factors = split_list(args.factors) or list(wanted)
    missing = [c for c in factors if c not in df.columns]
    if missing:
        raise ValueError(f"--factors {missing} are not columns of {args.data}")
    absent = [c for c in wanted if c not in factors]
    if absent:
        raise ValueError(f"--condition on {absent} needs them among --factors too")
    discrete = list(dict.fromkeys([*factors, *split_list(args.discrete)]))
    training = _tabular_training(args)
    start_tensorflow(args)
    import keras

    from ..evaluation import tabular_fidelity
    from ..models import TabularGAN
    from ..tabular_spec import TabularSpec

    keras.utils.set_random_seed(args.seed)  # the program seeds its own process
    model = TabularGAN(TabularSpec(discrete=discrete, seed=args.seed),
                       conditions=factors or None, seed=args.seed)
    model.compile(learning_rate=args.learning_rate)
    start = time.perf_counter()
    model.fit(df, verbose=0 if args.quiet else 2, **training)
    print(f"trained on {len(df)} rows x {len(model.spec.column_names)} columns in "
          f"{time.perf_counter() - start:.0f} s; condition columns: "
          f"{model.condition_columns or 'none'}")
    virtual = model.generate(args.n, conditions=wanted or None, seed=args.seed)
    write_frame(virtual, args.out)
    what = f" with {wanted}" if wanted else ""
    print(f"wrote {len(virtual)} virtual rows{what} to {args.out}")
    if args.save:
        model.save(args.save)
        print(f"saved the model to {args.save}")
    real = df[model.spec.column_names]
    for name, value in wanted.items():
        real = real[real[name] == value]
    fid = tabular_fidelity(real, virtual, discrete=discrete, train=real, seed=args.seed or 0)
    cols = fid["columns"]

    def figures(f):
        return f"mean column similarity {f['column_similarity']:.3f}" + (
            f", correlation difference {f['correlation_difference']:.3f}"
            if f.get("correlation_difference") is not None else "")

    print(f"fidelity against the {len(real)} real rows{what}: {figures(fid)}")
    print(f"  yardstick, a Gaussian copula of those rows (tg.GaussianCopula): "
          f"{figures(fid['copula'])}")
    print(cols[["kind", "similarity"]].to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


def _tabular_flags(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--discrete", help="comma-separated numeric columns to treat as "
                   "categories (text, bool and category columns are anyway)")
    p.add_argument("--epochs", type=int, default=300, help="default 300")
    p.add_argument("--steps-per-epoch", type=int, help="default: rows // batch size, at "
                   "least 10 (so a small table still gets trained)")
    p.add_argument("--batch-size", type=int, default=100, help="rows per step, a multiple "
                   "of 10 (default 100)")
    p.add_argument("--learning-rate", type=float, default=1e-3, help="Adam learning rate of "
                   "both networks (default 1e-3)")
    p.add_argument("--seed", type=int, default=0, help=f"seed for training and {what} "
                   "(default 0)")
    p.add_argument("--quiet", action="store_true", help="no training progress")


def add_oversample(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``oversample`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("oversample", parents=[common],
                       help="balance classes with GAN-generated rows",
                       description="Add generated rows of the under-represented classes "
                       "(tg.GANOversampler: a conditional tabular GAN trained on all rows, "
                       "conditioned on the class). Original rows come first, unchanged.")
    p.add_argument("--data", required=True, help="CSV/Parquet: features and the class column")
    p.add_argument("--target", required=True, help="the class column")
    p.add_argument("--out", default="balanced.csv", help="output file (default balanced.csv)")
    p.add_argument("--sampling-strategy", default="auto", help="imbalanced-learn's meaning: "
                   "auto (= not majority), minority, not minority, all, or a float ratio for "
                   "two classes (default auto)")
    p.add_argument("--mark", metavar="COLUMN", help="add a True/False column of this name "
                   "marking generated rows")
    _tabular_flags(p, "generation")
    p.set_defaults(func=_cmd_oversample)


def add_synthesize_table(sub: argparse._SubParsersAction, common: argparse.ArgumentParser
                         ) -> None:
    """Add ``synthesize-table`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("synthesize-table", parents=[common],
                       help="virtual rows of a table, optionally conditioned on factor levels",
                       description="Train a conditional tabular GAN (tg.TabularGAN) on a table "
                       "of records, e.g. a small experiment, and generate N virtual rows, "
                       "optionally only for given factor levels; prints per-column fidelity "
                       "against the matching real rows.")
    p.add_argument("--data", required=True, help="CSV/Parquet, one row per record")
    p.add_argument("-n", type=int, help="rows to generate")
    p.add_argument("--condition", action="append", metavar="COL=VALUE", help="generate only "
                   "rows with this value (repeatable; read as the column's type)")
    p.add_argument("--factors", help="comma-separated columns the model can condition on "
                   "(default: the --condition columns, else every discrete column)")
    p.add_argument("--out", default="virtual.csv", help="output file (default virtual.csv)")
    p.add_argument("--save", help="save the trained model to this .keras file")
    _tabular_flags(p, "generation")
    p.set_defaults(func=_cmd_synthesize_table)
