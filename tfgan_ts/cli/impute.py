"""``tfgan-ts impute``: fill the gaps of a multivariate series with a GAN that corrects linear
interpolation (tg.GANImputer)."""

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
    gaps = int(frame.drop(columns=[args.time] if args.time else []).select_dtypes("number")
               .isna().sum().sum())
    if gaps == 0:
        write_frame(df, args.out)
        print(f"note: nothing is missing in {args.data}: wrote an unchanged copy to {args.out} "
              "(no model trained)")
        return 0
    start_tensorflow(args)
    from ..estimators import GANImputer

    imputer = GANImputer(generator=args.generator, window=args.window,
                         max_steps=args.max_steps, batch_size=args.batch_size, time=args.time,
                         seed=args.seed, verbose=0 if args.quiet else 2)
    window = args.window or "chosen from the gaps"
    print(f"imputing {gaps} missing value(s) in {len(df)} rows with a GAN that corrects "
          f"linear interpolation (generator {args.generator}, window {window}, at most "
          f"{args.max_steps or '1,500 (bilstm) / 3,000 (mlp)'} steps, early stopping)")
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
    scores = ", ".join(f"{k} {v:.4g}" for k, v in imputer.validation_rmse_.items())
    steps = ", ".join(f"{k} {v}" for k, v in imputer.steps_.items())
    print(f"kept generator {imputer.generator_}, window {imputer.window_}; RMSE on held-out "
          f"observed entries ([0, 1]-scaled): {scores}; steps trained: {steps}")
    print(f"wrote {args.out}: {gaps} value(s) filled, observed values unchanged")
    return 0


def add_impute(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``impute`` to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("impute", parents=[common],
                       help="fill gaps of a multivariate series with a GAN",
                       description="Fill the missing (empty/NaN) numeric entries of a table "
                       "whose rows are time steps: a GAN (GAIN discriminator) learns to correct "
                       "each column's linear interpolation from the neighbours in time and the "
                       "other columns (tg.GANImputer). Observed values and non-numeric "
                       "columns are written back unchanged.")
    p.add_argument("--data", help="CSV/Parquet with gaps")
    p.add_argument("--out", default="filled.csv", help="output file (default filled.csv)")
    p.add_argument("--time", help="column to order the rows by (default: file order)")
    p.add_argument("--generator", choices=["bilstm", "mlp", "auto"], default="auto",
                   help="bilstm, mlp, or auto: train both and keep the one with the lower "
                   "error on held-out observed entries (default auto)")
    p.add_argument("--window", type=int, default=None,
                   help="rows per window (default: chosen from the lengths of the gaps)")
    p.add_argument("--max-steps", type=int, default=None,
                   help="training steps per generator at most (default 1500 for bilstm, 3000 "
                   "for mlp; training stops earlier when held-out entries stop improving)")
    p.add_argument("--batch-size", type=int, default=64, help="default 64")
    p.add_argument("--seed", type=int, default=0, help="default 0")
    p.add_argument("--quiet", action="store_true", help="no training progress")
    p.set_defaults(func=_cmd_impute)
