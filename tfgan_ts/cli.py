"""The ``tfgan-ts`` command line: sub-commands over the library's layers.

Each sub-command reads and writes CSV or Parquet (chosen by the file extension).
"""

from __future__ import annotations

import argparse
import json
import math
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


def _pairs(flag, items, sep_hint):
    """``COL=VALUE`` items of a repeatable flag as {column: value text}."""
    out = {}
    for item in items or []:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise ValueError(f"{flag} expects {sep_hint}, got {item!r}")
        if name in out:
            raise ValueError(f"{flag} declares column {name!r} twice")
        out[name] = value.strip()
    return out


def _parse_bounds(items) -> dict:
    """--bounds COL=LOW:HIGH items as {column: (low, high)}."""
    out = {}
    for name, text in _pairs("--bounds", items, "COL=LOW:HIGH (e.g. spend=0:500)").items():
        low, colon, high = text.rpartition(":")
        try:
            if not colon:
                raise ValueError
            low, high = float(low), float(high)
        except ValueError:
            raise ValueError(f"--bounds {name}={text}: give two numbers as COL=LOW:HIGH, e.g. "
                             f"--bounds {name}=0:500") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(f"--bounds {name}={text}: LOW and HIGH must be finite with "
                             "LOW < HIGH")
        out[name] = (low, high)
    return out


def _category_values(name, tokens, values: pd.Series, flag: str = "--categories") -> list:
    """``flag`` tokens (--categories, --condition) converted to the dtype of the column in
    the data."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_bool_dtype(dtype):
        kind, convert = "True/False", lambda t: {"true": True, "false": False}[t.lower()]
    elif pd.api.types.is_integer_dtype(dtype):
        kind, convert = "integers", int
    elif pd.api.types.is_float_dtype(dtype):
        kind, convert = "numbers", float
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        raise ValueError(f"{flag} {name}=...: column {name!r} holds datetimes, which "
                         "cannot be categories; convert it to text in the data file")
    else:
        return list(tokens)
    # --categories takes a list, --condition one value
    listing = flag == "--categories"
    verb = "list" if listing else "give one of the"
    shown = _examples(values, 3 if listing else 1)
    example = ",".join(map(str, shown))
    out = []
    for token in tokens:
        try:
            out.append(convert(token))
        except (KeyError, ValueError):
            raise ValueError(f"{flag} {name}=...: {token!r} is not a valid value of "
                             f"column {name!r} (dtype {values.dtype}): {verb} {kind}, e.g. "
                             f"{flag} {name}={example}"
                             ) from None
    return out


def _examples(values: pd.Series, k: int = 3) -> list:
    return list(pd.unique(values.dropna()))[:k]


def _declarations(args, df, columns, discrete):
    """(bounds, categories) of --bounds/--categories, checked against the named columns and
    the data; --categories columns are discrete."""
    bounds = _parse_bounds(args.bounds)
    raw = _pairs("--categories", args.categories, "COL=a,b,c (e.g. kind=x,y,z)")
    for flag, names in (("--bounds", bounds), ("--categories", raw)):
        for name in names:
            if name not in columns:
                where = "a column of the data" if name in df.columns else \
                    "not a column of the data (columns: " + ", ".join(map(str, df.columns)) + ")"
                raise ValueError(f"{flag} names {name!r}, which is not in --attributes or "
                                 f"--features ({where}); add it there or fix the name")
            if name not in df.columns:
                raise ValueError(f"{flag} names {name!r}, which is not a column of the data")
    both = sorted(set(bounds) & set(raw))
    if both:
        raise ValueError(f"{both} given both --bounds and --categories: a column is either "
                         "continuous (--bounds) or discrete (--categories)")
    clash = sorted(set(bounds) & discrete)
    if clash:
        raise ValueError(f"--bounds declares a range for {clash}, which --discrete makes "
                         "categorical; declare their values with --categories COL=a,b,c instead")
    categories = {}
    for name, text in raw.items():
        tokens = _split(text)
        if not tokens:
            raise ValueError(f"--categories {name}=: list the values, e.g. --categories "
                             f"{name}={','.join(map(str, _examples(df[name])))}")
        categories[name] = _category_values(name, tokens, df[name])
    return bounds, categories


def _spec_from_args(args, public_schema: bool = False):
    """The SequenceSpec the synthesize flags describe (the bundled traffic spec without
    --data; with ``public_schema``, its declared-bounds variant for DP)."""
    from . import datasets
    from .columns import Continuous, Discrete
    from .spec import SequenceSpec

    if args.data is None:
        if any([args.example_id, args.time, args.attributes, args.features, args.discrete,
                args.bounds, args.categories]):
            raise ValueError("--example-id/--time/--attributes/--features/--discrete/--bounds/"
                             "--categories describe --data; pass --data FILE with them")
        return datasets.traffic_weeks(), datasets.default_spec("traffic_weeks",
                                                                public_schema=public_schema)
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

    bounds, categories = _declarations(args, df, set(attributes) | set(features), discrete)
    discrete |= set(categories)

    def column(name):
        if name in discrete:
            return Discrete(name, categories=categories.get(name))
        return Continuous(name, bounds=bounds.get(name))

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

        keys = ("d_loss", "g_loss", "wasserstein", "epsilon")

        class Callback(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.bar = keras.utils.Progbar(epochs, unit_name="epoch",
                                               stateful_metrics=list(keys))

            def on_epoch_end(self, epoch, logs=None):
                self.bar.update(epoch + 1, [(k, float(logs[k])) for k in keys if k in logs],
                                finalize=epoch + 1 == epochs)

        return Callback()


def _check_dp_numbers(args, flags):
    """--noise-multiplier/--target-epsilon: exactly one, positive; --clip positive; --delta
    in (0, 1)."""
    for attr, flag in flags:
        value = getattr(args, attr, None)
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"{flag} must be a positive number, got {value:g}")
    if args.delta is not None and not args.delta < 1:
        raise ValueError(f"--delta must be in (0, 1), got {args.delta:g}")
    if args.noise_multiplier is not None and args.target_epsilon is not None:
        raise ValueError("give either --noise-multiplier S or --target-epsilon E (S is then "
                         "calibrated), not both")


_DP_NUMBERS = (("noise_multiplier", "--noise-multiplier"), ("target_epsilon", "--target-epsilon"),
               ("delta", "--delta"), ("clip", "--clip"))


def _dp_from_args(args):
    """The DPConfig the synthesize flags describe; None when DP is off (neither
    --target-epsilon nor --noise-multiplier)."""
    from .gan.dp import DPConfig

    if args.noise_multiplier is None and args.target_epsilon is None:
        extra = [flag for attr, flag in (("clip", "--clip"), ("delta", "--delta"),
                                         ("accountant", "--accountant"),
                                         ("allow_data_derived_schema",
                                          "--allow-data-derived-schema"))
                 if getattr(args, attr) not in (None, False)]
        if extra:
            one = len(extra) == 1
            raise ValueError(f"{', '.join(extra)} {'is' if one else 'are'} only used with "
                             "differential privacy, which is on with --target-epsilon E or "
                             f"--noise-multiplier S; add one of them or drop "
                             f"{'it' if one else 'them'}")
        return None
    _check_dp_numbers(args, _DP_NUMBERS)
    return DPConfig(l2_norm_clip=1.0 if args.clip is None else args.clip,
                    noise_multiplier=args.noise_multiplier, target_epsilon=args.target_epsilon,
                    delta=args.delta, accountant=args.accountant or "rdp",
                    allow_data_derived_schema=args.allow_data_derived_schema)


def _schema_error(leaks, time) -> ValueError:
    hints = ["--bounds COL=LOW:HIGH for continuous columns",
             "--categories COL=a,b,c for discrete ones", "--max-length N"]
    if time and any(item.startswith(f"{time}:") for item in leaks):
        hints.append(f"a --time column of step numbers 0, 1, 2, ... rather than the values "
                     f"of {time!r} (or no --time, rows in order)")
    if any(item.endswith("missing-value category") for item in leaks):
        hints.append("no missing values in discrete columns")
    return ValueError(
        "differentially private training protects the training steps, not facts read off the "
        f"data; these were: {', '.join(leaks)}. Declare them from public knowledge "
        f"({'; '.join(hints)}), or pass --allow-data-derived-schema for a guarantee that "
        "excludes them")


def _round_up(x: float, digits: int = 6) -> str:
    """x rounded up to ``digits`` significant digits (a printed σ never gives more epsilon
    than the exact one)."""
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    return f"{math.ceil(x / unit - 1e-9) * unit:.{digits}g}"


def _cmd_privacy(args) -> int:
    from .gan import dp as dpsgd

    for flag, value in (("--n", args.n), ("--batch-size", args.batch_size),
                        ("--epochs", args.epochs), ("--d-rounds", args.d_rounds)):
        if value < 1:
            raise ValueError(f"{flag} must be a positive integer, got {value}")
    if args.batch_size > args.n:
        raise ValueError(f"--batch-size {args.batch_size} is larger than --n {args.n}: with "
                         "Poisson sampling the expected batch must be at most the number of "
                         "training sequences")
    _check_dp_numbers(args, _DP_NUMBERS[:3])
    if args.noise_multiplier is None and args.target_epsilon is None:
        raise ValueError("give --noise-multiplier S (to get epsilon) or --target-epsilon E "
                         "(to get the S that spends it)")
    plan = dpsgd.poisson_plan(args.n, args.batch_size)
    steps = args.epochs * plan.steps_per_epoch * args.d_rounds
    delta = args.delta if args.delta is not None else dpsgd.default_delta(args.n)
    sigma = args.noise_multiplier
    if sigma is None:
        sigma = dpsgd.calibrate_noise_multiplier(args.target_epsilon, delta, plan, steps,
                                                 args.accountant)
    segment = dpsgd.Segment(plan.sampling_probability, sigma, plan.overflow_probability, steps)
    facts = {
        "n": plan.n, "batch_size": plan.batch_size,
        "sampling_probability": plan.sampling_probability, "max_batch": plan.max_batch,
        "steps_per_epoch": plan.steps_per_epoch, "discriminator_steps": steps,
        "noise_multiplier": float(sigma), "delta": delta,
        "truncation_delta": dpsgd.overflow_delta([segment]), "accountant": args.accountant,
        "epsilon": dpsgd.compute_epsilon([segment], delta, args.accountant),
    }
    if args.json:
        print(json.dumps(facts, indent=2))
        return 0
    shown = (f"{sigma:g}" if args.target_epsilon is None else
             f"{_round_up(sigma)}  (calibrated to epsilon <= {args.target_epsilon:g})")
    rows = [
        ("training sequences n", f"{plan.n}"),
        ("expected batch", f"{plan.batch_size}  (sampling probability q = "
                           f"{plan.sampling_probability:.4g})"),
        ("padded max batch", f"{plan.max_batch}  (overflow probability "
                         f"{plan.overflow_probability:.2g} per step)"),
        ("steps per epoch", f"{plan.steps_per_epoch}"),
        ("discriminator steps", f"{steps}  ({args.epochs} epochs x {plan.steps_per_epoch} "
                                f"x d_rounds {args.d_rounds})"),
        ("noise multiplier sigma", shown),
        ("delta", f"{delta:g}  ({facts['truncation_delta']:.2g} of it for batch truncation)"),
        ("accountant", args.accountant),
        ("epsilon", f"{facts['epsilon']:.4g}"),
    ]
    print("DP-SGD on the discriminators, planned run (nothing is trained):")
    for name, value in rows:
        print(f"  {name:<24}{value}")
    return 0


def _cmd_synthesize(args) -> int:
    import time

    import keras

    from .evaluation import report, train_test_split_sequences
    from .models import DoppelGANger

    dp = _dp_from_args(args)
    df, spec = _spec_from_args(args, public_schema=dp is not None)
    source = args.data or "bundled traffic_weeks()"
    if not 0 <= args.holdout < 1:
        raise ValueError(f"--holdout must be a share in [0, 1), got {args.holdout}")
    spec.fit(df)
    leaks = spec.data_derived_schema() if dp is not None else []
    if leaks and not dp.allow_data_derived_schema:
        raise _schema_error(leaks, spec.time)
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
    if dp is not None:
        if args.batch_size > n_train:
            raise ValueError(f"--batch-size {args.batch_size} is larger than the {n_train} "
                             "training sequences: with differential privacy each batch is a "
                             "Poisson sample of expected size --batch-size, which must be at "
                             f"most {n_train}")
        noise = (f"sigma = {dp.noise_multiplier:g}" if dp.noise_multiplier is not None else
                 f"sigma calibrated to epsilon <= {dp.target_epsilon:g}")
        print(f"differential privacy: DP-SGD on the discriminators, clip {dp.l2_norm_clip:g}, "
              f"{noise}, delta = {dp.resolve_delta(n_train):g}, {dp.accountant} accountant"
              + (f"; NOT covered (fitted from the data): {', '.join(leaks)}" if leaks else
                 "; schema declared"))
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    model = DoppelGANger(spec, sample_len=sample_len, seed=args.seed, dp=dp)
    model.compile()
    start = time.perf_counter()
    history = model.fit(train, epochs=args.epochs, batch_size=args.batch_size, verbose=0,
                        callbacks=[] if args.quiet else [_EpochProgress(args.epochs)])
    print(f"trained in {time.perf_counter() - start:.0f} s")
    privacy = None
    if dp is not None:
        spent, privacy = model.privacy_spent(), model.privacy_report()
        sigma = privacy.get("noise_multiplier")
        print(f"epsilon = {spent.epsilon:.4g}, delta = {spent.delta:.3g} (sigma = {sigma}, "
              f"{privacy.get('discriminator_steps')} discriminator steps; schema "
              f"{privacy.get('schema')})")
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
        _dp_note(dp)
        return 0
    start = time.perf_counter()
    rep = report(train, synthetic, model.spec, history=history, holdout=holdout,
                 privacy=privacy, seed=args.seed or 0, title=f"DoppelGANger on {source}",
                 discriminative=not args.fast_report, utility=not args.fast_report)
    rep.to_html(folder / "report.html")
    rep.to_json(folder / "report.json")
    print(f"evaluated in {time.perf_counter() - start:.0f} s; wrote {folder / 'report.html'}, "
          f"report.json and spec.json")
    with pd.option_context("display.max_colwidth", 60, "display.width", 160):
        print(rep.summary()[["section", "measure", "column", "value"]].to_string(
            index=False, max_colwidth=60))
    _dp_note(dp)
    return 0


def _dp_note(dp):
    if dp is not None:
        print("note: epsilon covers the trained model and the sequences it generates. NOT "
              "covered: the training logs (the losses shown during training, History, the "
              "report's training curves) and the report's comparisons with the real data; do "
              "not publish those as private")


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
        print(rep.summary()[["section", "measure", "column", "value"]].to_string(
            index=False, max_colwidth=60))
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


def _cmd_impute(args) -> int:
    import warnings

    from .estimators import GANImputer

    if not args.data:
        raise ValueError("--data FILE is required: the table with gaps (rows in time order, "
                         "or name the time column with --time)")
    df = read_frame(args.data)
    if args.time and args.time not in df.columns:
        raise ValueError(f"--time {args.time!r} is not a column of {args.data}; columns: "
                         f"{list(df.columns)}")
    frame = df
    if args.time and pd.api.types.is_string_dtype(df[args.time]):
        # dates in a CSV arrive as text: order by the dates, write the text back
        parsed = pd.to_datetime(df[args.time], errors="coerce", format="mixed")
        if parsed.notna().all():
            frame = df.assign(**{args.time: parsed})
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


def _tabular_training(args) -> dict:
    """Training length and learning rate shared by oversample and synthesize-table."""
    for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size),
                        ("--steps-per-epoch", args.steps_per_epoch)):
        if value is not None and value < 1:
            raise ValueError(f"{flag} must be >= 1, got {value}")
    if not args.learning_rate > 0:
        raise ValueError(f"--learning-rate must be > 0, got {args.learning_rate}")
    return dict(epochs=args.epochs, batch_size=args.batch_size,
                steps_per_epoch=args.steps_per_epoch)


def _sampling_strategy(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def _counts(y: pd.Series) -> str:
    return ", ".join(f"{k}: {v}" for k, v in y.value_counts(sort=False).sort_index().items())


def _cmd_oversample(args) -> int:
    from .estimators import GANOversampler

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
    discrete = _split(args.discrete)
    unknown = [d for d in discrete if d not in X.columns]
    if unknown:
        raise ValueError(f"--discrete {unknown} are not feature columns of {args.data}")
    if args.mark and args.mark in df.columns:
        raise ValueError(f"--mark {args.mark!r} is already a column of {args.data}")
    sampler = GANOversampler(sampling_strategy=_sampling_strategy(args.sampling_strategy),
                             learning_rate=args.learning_rate, discrete=discrete or None,
                             seed=args.seed, verbose=0 if args.quiet else 2,
                             **_tabular_training(args))
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


def _conditions(args, df) -> dict:
    """--condition COL=VALUE items typed as the column in the data."""
    out = {}
    for name, text in _pairs("--condition", args.condition, "COL=VALUE (e.g. dose=high)").items():
        if name not in df.columns:
            raise ValueError(f"--condition {name}={text}: no column {name!r}; columns: "
                             f"{list(df.columns)}")
        value = _category_values(name, [text], df[name], flag="--condition")[0]
        known = list(pd.unique(df[name].dropna()))
        if value not in known:
            raise ValueError(f"--condition {name}={text}: no row has this value; values of "
                             f"{name!r}: {sorted(known, key=str)[:20]}")
        out[name] = value
    return out


def _cmd_synthesize_table(args) -> int:
    import time

    import keras

    from .evaluation import tabular_fidelity
    from .models import TabularGAN
    from .tabular_spec import TabularSpec

    if args.n is None:
        raise ValueError("-n is required: the number of virtual rows to generate")
    if args.n <= 0:
        raise ValueError(f"-n must be a positive number of rows to generate, got {args.n}")
    df = read_frame(args.data)
    conditions = _conditions(args, df)
    factors = _split(args.factors) or list(conditions)
    missing = [c for c in factors if c not in df.columns]
    if missing:
        raise ValueError(f"--factors {missing} are not columns of {args.data}")
    absent = [c for c in conditions if c not in factors]
    if absent:
        raise ValueError(f"--condition on {absent} needs them among --factors too")
    discrete = list(dict.fromkeys([*factors, *_split(args.discrete)]))
    training = _tabular_training(args)
    keras.utils.set_random_seed(args.seed)
    model = TabularGAN(TabularSpec(discrete=discrete, seed=args.seed),
                       conditions=factors or None, seed=args.seed)
    model.compile(learning_rate=args.learning_rate)
    start = time.perf_counter()
    model.fit(df, verbose=0 if args.quiet else 2, **training)
    print(f"trained on {len(df)} rows x {len(model.spec.column_names)} columns in "
          f"{time.perf_counter() - start:.0f} s; condition columns: "
          f"{model.condition_columns or 'none'}")
    virtual = model.generate(args.n, conditions=conditions or None, seed=args.seed)
    write_frame(virtual, args.out)
    what = f" with {conditions}" if conditions else ""
    print(f"wrote {len(virtual)} virtual rows{what} to {args.out}")
    if args.save:
        model.save(args.save)
        print(f"saved the model to {args.save}")
    real = df[model.spec.column_names]
    for name, value in conditions.items():
        real = real[real[name] == value]
    fid = tabular_fidelity(real, virtual, discrete=discrete)
    cols = fid["columns"]
    print(f"fidelity against the {len(real)} real rows{what}: mean column similarity "
          f"{fid['column_similarity']:.3f}" + (
              f", correlation difference {fid['correlation_difference']:.3f}"
              if fid.get("correlation_difference") is not None else ""))
    print(cols[["kind", "similarity"]].to_string(float_format=lambda v: f"{v:.3f}"))
    return 0


def _tabular_flags(p, what: str):
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tfgan-ts",
        description="GANs for time series: synthesize, evaluate, impute and oversample.",
    )
    parser.add_argument("--version", action="version", version=f"tfgan-ts {__version__}")
    parser.add_argument("--threads", choices=["auto", "tf"], default="auto",
                        help="TensorFlow thread pools: auto (default) runs each operation on "
                        "one thread and as many side by side as there are cores, which is "
                        "faster for models of this size on small CPUs; tf keeps "
                        "TensorFlow's defaults")
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
    g = p.add_argument_group(
        "public schema", "declare what would otherwise be fitted from --data (needed for a "
        "differential-privacy guarantee that covers the schema; valid without DP too)")
    g.add_argument("--bounds", action="append", metavar="COL=LOW:HIGH", help="range of a "
                   "continuous column, e.g. --bounds spend=0:500 (repeat for more columns)")
    g.add_argument("--categories", action="append", metavar="COL=a,b,c", help="values of a "
                   "categorical column, read as the column's type in the data (integers, "
                   "numbers, True/False or text); makes the column discrete (repeatable)")
    g = p.add_argument_group(
        "differential privacy", "DP-SGD on the discriminators (the only parts that read the "
        "data); on with --target-epsilon or --noise-multiplier. Without --data the bundled "
        "traffic data's public schema is used. See also 'tfgan-ts privacy'.")
    g.add_argument("--target-epsilon", type=float, metavar="E", help="epsilon the run should "
                   "spend; the noise multiplier is calibrated to it")
    g.add_argument("--noise-multiplier", type=float, metavar="S", help="noise multiplier "
                   "sigma (instead of --target-epsilon)")
    g.add_argument("--clip", type=float, metavar="C", help="l2 norm clip of each example's "
                   "gradient (default 1.0)")
    g.add_argument("--delta", type=float, metavar="D", help="delta of the guarantee (default "
                   "1/n rounded down to a power of ten, at most 1e-5)")
    g.add_argument("--accountant", choices=["rdp", "pld"], help="privacy accountant "
                   "(default rdp; pld is tighter and slower)")
    g.add_argument("--allow-data-derived-schema", action="store_true", help="train although "
                   "bounds, categories or the length were fitted from the data; the guarantee "
                   "then excludes them")
    p.set_defaults(func=_cmd_synthesize)

    p = sub.add_parser("privacy", help="epsilon of a planned DP training run (no training)",
                       description="The epsilon a differentially private 'synthesize' run "
                       "would spend (DP-SGD on the discriminators, Poisson-sampled batches), "
                       "or with --target-epsilon the noise multiplier that spends it, computed "
                       "exactly as the model does, without data or training.")
    p.add_argument("--n", type=int, required=True, help="number of training sequences (after "
                   "synthesize's --holdout share is taken out)")
    p.add_argument("--batch-size", type=int, default=100, help="expected batch size (default "
                   "100)")
    p.add_argument("--epochs", type=int, required=True, help="training epochs")
    p.add_argument("--d-rounds", type=int, default=1, help="discriminator steps per generator "
                   "step (default 1)")
    p.add_argument("--noise-multiplier", type=float, metavar="S", help="noise multiplier sigma")
    p.add_argument("--target-epsilon", type=float, metavar="E", help="instead of "
                   "--noise-multiplier: the epsilon to spend; prints the calibrated sigma")
    p.add_argument("--delta", type=float, metavar="D", help="default 1/n rounded down to a "
                   "power of ten, at most 1e-5")
    p.add_argument("--accountant", choices=["rdp", "pld"], default="rdp", help="default rdp")
    p.add_argument("--json", action="store_true", help="print the numbers as a JSON object")
    p.set_defaults(func=_cmd_privacy)

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

    p = sub.add_parser("impute", help="fill gaps of a multivariate series with a GAN",
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

    p = sub.add_parser("oversample", help="balance classes with GAN-generated rows",
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

    p = sub.add_parser("synthesize-table", help="virtual rows of a table, optionally "
                       "conditioned on factor levels",
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


def _configure_threads() -> None:
    """tg.configure_threads() unless TensorFlow is running already (the CLI called from
    Python, e.g. in tests), whose settings then stay as they are."""
    from .runtime import configure_threads

    try:
        configure_threads()
    except ValueError:
        pass


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.threads == "auto":
        _configure_threads()
    try:
        return int(args.func(args) or 0)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
