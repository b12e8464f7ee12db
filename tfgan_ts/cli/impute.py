"""``tfgan-ts impute``: fill the gaps of a multivariate series with GAIN (tg.GANImputer)."""

from __future__ import annotations

import argparse
import warnings

from .frames import parse_dates, read_frame, write_frame
from .tensorflow_start import start_tensorflow


def _cmd_impute(args: argparse.Namespace) -> int:
    if not args.data:
        raise ValueError("--data FILE is required: the table with gaps (rows in time order, "
                         "or name the time column with --time)")
    df = read_frame(args.data)
    if args.time and args.time not in df.columns:
        raise ValueError(f"--time {args.time!r} is not a column of {args.data}; columns: "
                         f"{list(df.columns)}")
    frame = df
    if args.time:
        parsed = parse_dates(df[args.time])  # dates in a CSV arrive as text
        if parsed is not None:  # order by the dates, write the text back
            frame = df.assign(**{args.time: parsed})
    start_tensorflow(args)
    from ..estimators import GANImputer

    imputer = GANImputer(generator=args.generator, window=args.window, epochs=args.epochs,
                         batch_size=args.batch_size, time=args.time, seed=args.seed,
                         verbose=0 if args.quiet else 2)
    gaps = int(frame.drop(columns=[args.time] if args.time else []).select_dtypes("number")
               .isna().sum().sum())
    print(f"imputing {gaps} missing value(s) in {len(df)} rows with a GAN "
          f"(generator {args.generator}, window {args.window}, {args.epochs} epochs)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        imputer.fit(frame)
        filled = imputer.transform(frame)
    for w in caught:
        if issubclass(w.category, UserWarning):
            print(f"note: {w.message}")
    if args.time:
        filled[args.time] = df[args.time]
    write_frame(filled, args.out)
    if imputer.validation_rmse_:
        scores = ", ".join(f"{k} {v:.4g}" for k, v in imputer.validation_rmse_.items())
        print(f"generator chosen on held-out observed entries: {imputer.generator_} "
              f"(validation RMSE on [0, 1]-scaled values: {scores})")
    print(f"wrote {args.out}: {gaps} value(s) filled, observed values unchanged")
    return 0


def add_impute(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``impute`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("impute", parents=[common],
                       help="fill gaps of a multivariate series with a GAN",
                       description="Fill the missing (empty/NaN) numeric entries of a table "
                       "whose rows are time steps, with GAIN conditioned on what is observed "
                       "(tg.GANImputer). Observed values and non-numeric columns are written "
                       "back unchanged.")
    p.add_argument("--data", help="CSV/Parquet with gaps")
    p.add_argument("--out", default="filled.csv", help="output file (default filled.csv)")
    p.add_argument("--time", help="column to order the rows by (default: file order)")
    p.add_argument("--generator", choices=["bilstm", "mlp", "auto"], default="auto",
                   help="bilstm, mlp, or auto: train both and keep the one with the lower "
                   "error on held-out observed entries (default auto)")
    p.add_argument("--window", type=int, default=24, help="rows per window (default 24)")
    p.add_argument("--epochs", type=int, default=50, help="training epochs (default 50)")
    p.add_argument("--batch-size", type=int, default=128, help="default 128")
    p.add_argument("--seed", type=int, default=0, help="default 0")
    p.add_argument("--quiet", action="store_true", help="no training progress")
    p.set_defaults(func=_cmd_impute)
