"""Differential privacy on the command line: ``tfgan-ts privacy`` (epsilon of a planned run,
no data, no training) and the DP flags of ``synthesize`` (their checks, the DPConfig they
describe, the schema check and the closing note)."""

from __future__ import annotations

import argparse
import json
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..gan.dp import DPConfig

_DP_NUMBERS = (("noise_multiplier", "--noise-multiplier"), ("target_epsilon", "--target-epsilon"),
               ("delta", "--delta"), ("clip", "--clip"))


def _check_dp_numbers(args: argparse.Namespace, flags) -> None:
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


def dp_requested(args: argparse.Namespace) -> bool:
    """Check synthesize's DP flags (without TensorFlow); True when DP is on (--target-epsilon
    or --noise-multiplier), False when off and no other DP flag was given."""
    if args.noise_multiplier is None and args.target_epsilon is None:
        extra = [flag for attr, flag in (("clip", "--clip"), ("delta", "--delta"),
                                         ("accountant", "--accountant"),
                                         ("dp_mechanism", "--dp-mechanism"),
                                         ("privacy_unit", "--privacy-unit"),
                                         ("public_attributes", "--public-attributes"),
                                         ("allow_data_derived_schema",
                                          "--allow-data-derived-schema"))
                 if getattr(args, attr) not in (None, False)]
        if extra:
            one = len(extra) == 1
            raise ValueError(f"{', '.join(extra)} {'is' if one else 'are'} only used with "
                             "differential privacy, which is on with --target-epsilon E or "
                             f"--noise-multiplier S; add one of them or drop "
                             f"{'it' if one else 'them'}")
        return False
    _check_dp_numbers(args, _DP_NUMBERS)
    return True


def dp_from_args(args: argparse.Namespace) -> DPConfig | None:
    """The DPConfig the synthesize flags describe; None when DP is off (neither
    --target-epsilon nor --noise-multiplier)."""
    if not dp_requested(args):
        return None
    from ..gan.dp import DPConfig

    public = args.public_attributes
    if public is None:  # the bundled traffic days' attributes are calendar facts
        public = "all" if args.data is None else "none"
    public = {"all": True, "none": ()}.get(public, tuple(
        a.strip() for a in public.split(",") if a.strip()))
    mechanism = args.dp_mechanism or "embedding"
    if mechanism == "embedding" and args.clip is not None:
        raise ValueError("--clip is for --dp-mechanism dp-sgd (the embedding has a fixed "
                         "sensitivity of 1); drop it")
    return DPConfig(l2_norm_clip=1.0 if args.clip is None else args.clip,
                    noise_multiplier=args.noise_multiplier, target_epsilon=args.target_epsilon,
                    delta=args.delta, accountant=args.accountant or "auto",
                    allow_data_derived_schema=args.allow_data_derived_schema,
                    mechanism=mechanism, unit=args.privacy_unit, public_attributes=public)


def schema_error(leaks: list[str], time: str | None) -> ValueError:
    """The error for a DP run whose schema was read off the data (``leaks``), with the flags
    that declare each part instead."""
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


def dp_note(dp: DPConfig | None) -> None:
    """Print what a DP run's epsilon does not cover (nothing when DP is off)."""
    if dp is None:
        return
    if dp.mechanism == "embedding":
        logs = ("the training log (embedding_distance) reads only the noisy release and is "
                "covered. NOT covered: ")
    else:
        logs = ("NOT covered: the training logs (the losses shown during training, History, "
                "the report's training curves), ")
    print("note: epsilon covers the trained model and the sequences it generates; " + logs
          + "the attributes declared public and the report's comparisons with the real data; "
          "do not publish those as private")


def _round_up(x: float, digits: int = 6) -> str:
    """x rounded up to ``digits`` significant digits (a printed σ never gives more epsilon
    than the exact one)."""
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - digits + 1)
    return f"{math.ceil(x / unit - 1e-9) * unit:.{digits}g}"


def _plan_embedding(args: argparse.Namespace) -> int:
    """``privacy --mechanism embedding``: σ of the one release (and of the attribute
    histograms), and the epsilon they end at."""
    if args.n < 1:
        raise ValueError(f"--n must be a positive integer, got {args.n}")
    _check_dp_numbers(args, _DP_NUMBERS[:3])
    if args.noise_multiplier is None and args.target_epsilon is None:
        raise ValueError("give --noise-multiplier S (to get epsilon) or --target-epsilon E "
                         "(to get the S that spends it)")
    from ..gan.dp import DPConfig, PrivacyLedger
    from ..gan.dp.config import EMBEDDING, HISTOGRAM

    config = DPConfig(noise_multiplier=args.noise_multiplier, mechanism="embedding",
                      target_epsilon=args.target_epsilon, delta=args.delta,
                      accountant=args.accountant or "auto")
    ledger = PrivacyLedger(config)
    ledger.start(args.n)
    facts = {"n": args.n, "delta": ledger.delta, "accountant": config.accountant}
    if args.attribute_histograms:
        facts["histogram_noise_multiplier"] = ledger.release_sigma(config.attribute_share)
        ledger.record_release(HISTOGRAM, facts["histogram_noise_multiplier"])
    facts["embedding_noise_multiplier"] = ledger.release_sigma()
    ledger.record_release(EMBEDDING, facts["embedding_noise_multiplier"])
    facts["epsilon"] = ledger.spent().epsilon
    if args.json:
        print(json.dumps(facts, indent=2))
        return 0
    print("one-shot embedding release, planned (nothing is trained):")
    rows = [("training units n", f"{args.n}"), ("delta", f"{ledger.delta:g}"),
            ("accountant", config.accountant)]
    if args.attribute_histograms:
        rows.append(("attribute histograms sigma", _round_up(
            facts["histogram_noise_multiplier"]) + f"  ({config.attribute_share:g} of the "
            "budget in 1/sigma^2)"))
    rows += [("embedding sigma", _round_up(facts["embedding_noise_multiplier"])),
             ("epsilon", f"{facts['epsilon']:.4g}")]
    for name, value in rows:
        print(f"  {name:<28}{value}")
    return 0


def _cmd_privacy(args: argparse.Namespace) -> int:
    if args.mechanism == "embedding":
        return _plan_embedding(args)
    if args.epochs is None:
        raise ValueError("--epochs is needed to plan a dp-sgd run")
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
    from ..gan.dp import DPConfig, PrivacyLedger  # planning needs no TensorFlow

    ledger = PrivacyLedger(DPConfig(noise_multiplier=args.noise_multiplier,
                                    target_epsilon=args.target_epsilon, delta=args.delta,
                                    accountant=args.accountant or "rdp"))
    facts = ledger.preview(args.n, args.batch_size, args.epochs, args.d_rounds)
    overflow = facts.pop("overflow_probability")
    sigma, steps, delta = facts["noise_multiplier"], facts["discriminator_steps"], facts["delta"]
    if args.json:
        print(json.dumps(facts, indent=2))
        return 0
    shown = (f"{sigma:g}" if args.target_epsilon is None else
             f"{_round_up(sigma)}  (calibrated to epsilon <= {args.target_epsilon:g})")
    rows = [
        ("training sequences n", f"{facts['n']}"),
        ("expected batch", f"{facts['batch_size']}  (sampling probability q = "
                           f"{facts['sampling_probability']:.4g})"),
        ("padded max batch", f"{facts['max_batch']}  (overflow probability "
                         f"{overflow:.2g} per step)"),
        ("steps per epoch", f"{facts['steps_per_epoch']}"),
        ("discriminator steps", f"{steps}  ({args.epochs} epochs x {facts['steps_per_epoch']} "
                                f"x d_rounds {args.d_rounds})"),
        ("noise multiplier sigma", shown),
        ("delta", f"{delta:g}  ({facts['truncation_delta']:.2g} of it for batch truncation)"),
        ("accountant", args.accountant or "rdp"),
        ("epsilon", f"{facts['epsilon']:.4g}"),
    ]
    print("DP-SGD on the discriminators, planned run (nothing is trained):")
    for name, value in rows:
        print(f"  {name:<24}{value}")
    return 0


def add_dp_flags(p: argparse.ArgumentParser) -> None:
    """synthesize's "differential privacy" flag group."""
    g = p.add_argument_group(
        "differential privacy", "on with --target-epsilon or --noise-multiplier. Without "
        "--data the bundled traffic data are cut into non-overlapping days (so epsilon is "
        "per counter-day) with a public schema and public calendar attributes. See also "
        "'tfgan-ts privacy' (DP-SGD plans).")
    g.add_argument("--dp-mechanism", choices=["embedding", "dp-sgd"], help="embedding "
                   "(default): a noisy random-feature embedding of the data released once, "
                   "the generator trained against it; dp-sgd: DP-SGD on the discriminators")
    g.add_argument("--privacy-unit", metavar="COL", help="column naming the unit of privacy "
                   "(person, account, counter-day); default: each sequence")
    g.add_argument("--public-attributes", metavar="A,B|all|none", help="attributes declared "
                   "public (taken as they are, not covered by epsilon); the others are "
                   "released as noisy histograms (default: all for the bundled data, none "
                   "with --data)")
    g.add_argument("--target-epsilon", type=float, metavar="E", help="epsilon the run should "
                   "spend; the noise multiplier is calibrated to it")
    g.add_argument("--noise-multiplier", type=float, metavar="S", help="noise multiplier "
                   "sigma (instead of --target-epsilon)")
    g.add_argument("--clip", type=float, metavar="C", help="dp-sgd: l2 norm clip of each "
                   "example's gradient (default 1.0)")
    g.add_argument("--delta", type=float, metavar="D", help="delta of the guarantee (default "
                   "1/n rounded down to a power of ten, at most 1e-5)")
    g.add_argument("--accountant", choices=["rdp", "pld"], help="privacy accountant "
                   "(default: pld for embedding, rdp for dp-sgd)")
    g.add_argument("--allow-data-derived-schema", action="store_true", help="train although "
                   "bounds, categories or the length were fitted from the data; the guarantee "
                   "then excludes them")


def add_privacy(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``privacy`` command to ``sub``; ``common`` holds the flags of every command."""
    p = sub.add_parser("privacy", parents=[common],
                       help="epsilon of a planned DP training run (no training)",
                       description="The epsilon a differentially private 'synthesize' run "
                       "would spend (DP-SGD on the discriminators, Poisson-sampled batches), "
                       "or with --target-epsilon the noise multiplier that spends it, computed "
                       "exactly as the model does, without data or training.")
    p.add_argument("--mechanism", choices=["dp-sgd", "embedding"], default="dp-sgd",
                   help="dp-sgd (default): steps, sigma and epsilon of DP-SGD training; "
                   "embedding: sigma of the one release")
    p.add_argument("--n", type=int, required=True, help="number of training sequences or units "
                   "(after synthesize's --holdout share is taken out)")
    p.add_argument("--batch-size", type=int, default=100, help="expected batch size (default "
                   "100)")
    p.add_argument("--epochs", type=int, help="training epochs (dp-sgd)")
    p.add_argument("--attribute-histograms", action="store_true", help="embedding: the "
                   "attributes are released as noisy histograms too (not public)")
    p.add_argument("--d-rounds", type=int, default=1, help="discriminator steps per generator "
                   "step (default 1)")
    p.add_argument("--noise-multiplier", type=float, metavar="S", help="noise multiplier sigma")
    p.add_argument("--target-epsilon", type=float, metavar="E", help="instead of "
                   "--noise-multiplier: the epsilon to spend; prints the calibrated sigma")
    p.add_argument("--delta", type=float, metavar="D", help="default 1/n rounded down to a "
                   "power of ten, at most 1e-5")
    p.add_argument("--accountant", choices=["rdp", "pld"], help="default rdp for dp-sgd, pld "
                   "for embedding")
    p.add_argument("--json", action="store_true", help="print the numbers as a JSON object")
    p.set_defaults(func=_cmd_privacy)
