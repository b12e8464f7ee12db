"""The differential-privacy parts of the tfgan-ts command line: the ``privacy`` sub-command
(epsilon of a planned run, checked against dp-accounting directly) and ``synthesize`` with
DP-SGD, declared schemas (--bounds/--categories) and their errors."""

import json
import os
import re
import shutil
import subprocess
import sys

import dp_accounting
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tfgan_ts.cli import main


def run(*args):
    """The console script as a user runs it, without a TF_CPP_MIN_LOG_LEVEL of the caller."""
    exe = shutil.which("tfgan-ts")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tfgan_ts.cli", *args]
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)


def privacy_json(capsys, *args):
    assert main(["privacy", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def reference_epsilon(n, batch_size, sigma, steps, delta, max_batch, accountant="rdp"):
    """Epsilon of ``steps`` Poisson-subsampled Gaussian steps, straight from dp-accounting,
    with the truncation probability of padded batches taken out of delta."""
    q = batch_size / n
    acc = (dp_accounting.rdp.RdpAccountant() if accountant == "rdp"
           else dp_accounting.pld.PLDAccountant())
    acc.compose(dp_accounting.SelfComposedDpEvent(
        dp_accounting.PoissonSampledDpEvent(q, dp_accounting.GaussianDpEvent(sigma)), steps))
    return acc.get_epsilon(delta - steps * stats.binom.sf(max_batch, n, q))


@pytest.mark.parametrize(("n", "batch", "epochs", "rounds", "delta"), [
    (2182, 100, 50, 1, None), (1313, 64, 7, 2, 1e-6), (40, 40, 3, 1, None)])
def test_privacy_equals_a_direct_dp_accounting_computation(capsys, n, batch, epochs, rounds,
                                                           delta):
    args = ["--n", str(n), "--batch-size", str(batch), "--epochs", str(epochs), "--d-rounds",
            str(rounds), "--noise-multiplier", "1.1"] + (["--delta", str(delta)] if delta else [])
    got = privacy_json(capsys, *args)
    assert set(got) == {"n", "batch_size", "sampling_probability", "max_batch",
                        "steps_per_epoch", "discriminator_steps", "noise_multiplier", "delta",
                        "truncation_delta", "accountant", "epsilon"}
    q, steps = batch / n, epochs * max(1, round(n / batch)) * rounds
    expected_delta = delta or 1e-5  # default: 1/n rounded down to a power of ten, <= 1e-5
    assert got["sampling_probability"] == pytest.approx(q, rel=1e-12)
    assert got["steps_per_epoch"] == max(1, round(n / batch))
    assert got["discriminator_steps"] == steps
    assert got["noise_multiplier"] == 1.1
    assert got["accountant"] == "rdp"
    assert got["delta"] == pytest.approx(expected_delta, rel=1e-12)
    # the padded batch: at least the expected one, overflowing with probability <= 1e-11
    m = got["max_batch"]
    assert batch <= m <= n
    assert m == n or stats.binom.sf(m, n, q) <= 1e-11
    assert got["truncation_delta"] == pytest.approx(steps * stats.binom.sf(m, n, q),
                                                    rel=1e-9, abs=1e-300)
    assert got["epsilon"] == pytest.approx(
        reference_epsilon(n, batch, 1.1, steps, expected_delta, m), rel=1e-9)


def test_privacy_pld_and_target_epsilon(capsys):
    base = ["--n", "2182", "--batch-size", "100", "--epochs", "50"]
    pld = privacy_json(capsys, *base, "--noise-multiplier", "1.1", "--accountant", "pld")
    rdp = privacy_json(capsys, *base, "--noise-multiplier", "1.1")
    assert pld["accountant"] == "pld"
    assert pld["epsilon"] == pytest.approx(reference_epsilon(
        2182, 100, 1.1, 1100, 1e-5, pld["max_batch"], "pld"), rel=1e-6)
    assert pld["epsilon"] < rdp["epsilon"]  # PLD is the tighter accountant
    got = privacy_json(capsys, *base, "--target-epsilon", "3")
    sigma = got["noise_multiplier"]
    eps = reference_epsilon(2182, 100, sigma, 1100, 1e-5, got["max_batch"])
    assert 2.95 < eps <= 3.0
    assert got["epsilon"] == pytest.approx(eps, rel=1e-9)
    # the readable form shows sigma rounded up: typing it back in spends at most the target
    assert main(["privacy", *base, "--target-epsilon", "3"]) == 0
    text = capsys.readouterr().out
    shown = float(re.search(r"noise multiplier sigma\s+([0-9.]+)\s+\(calibrated", text)[1])
    assert shown >= sigma
    assert shown == pytest.approx(sigma, rel=1e-5)
    assert reference_epsilon(2182, 100, shown, 1100, 1e-5, got["max_batch"]) <= 3.0


def test_privacy_console_output(capsys):
    out = run("privacy", "--n", "2182", "--batch-size", "100", "--epochs", "50",
              "--noise-multiplier", "1.1")
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stderr == ""  # TensorFlow is imported, its C++ start-up log kept back
    for line in ("training sequences n    2182", "sampling probability q = 0.04583",
                 "steps per epoch         22", "discriminator steps     1100",
                 "noise multiplier sigma  1.1", "delta                   1e-05",
                 "for batch truncation", "accountant              rdp"):
        assert line in out.stdout
    eps = reference_epsilon(2182, 100, 1.1, 1100, 1e-5, 172)
    assert f"epsilon                 {eps:.4g}" in out.stdout
    with pytest.raises(SystemExit) as err:
        main(["privacy", "--help"])
    assert err.value.code == 0
    assert "usage: tfgan-ts privacy" in capsys.readouterr().out


def test_privacy_bad_arguments(capsys):
    base = ["privacy", "--epochs", "5"]
    cases = [
        (["--n", "0", "--noise-multiplier", "1"], "--n must be a positive integer"),
        (["--n", "10", "--batch-size", "20", "--noise-multiplier", "1"],
         "--batch-size 20 is larger than --n 10"),
        (["--n", "100"], "give --noise-multiplier S"),
        (["--n", "100", "--noise-multiplier", "1", "--target-epsilon", "2"], "not both"),
        (["--n", "100", "--noise-multiplier", "0"], "--noise-multiplier must be a positive"),
        (["--n", "100", "--target-epsilon", "-1"], "--target-epsilon must be a positive"),
        (["--n", "100", "--noise-multiplier", "1", "--delta", "1"], "--delta must be in (0, 1)"),
        (["--n", "100", "--batch-size", "0", "--noise-multiplier", "1"],
         "--batch-size must be a positive integer"),
    ]
    for args, message in cases:
        assert main([*base, *args]) == 2, args
        assert message in capsys.readouterr().err, args
    with pytest.raises(SystemExit) as err:  # argparse's own checks
        main([*base, "--n", "100", "--noise-multiplier", "1", "--accountant", "gdp"])
    assert err.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


# --------------------------------------------------------------------- synthesize -----
@pytest.fixture(scope="module")
def events(tmp_path_factory):
    """16 users with 2-6 steps each: attributes of every dtype the CSV keeps (text, int,
    bool), a bounded float feature and a text feature."""
    rng = np.random.default_rng(0)
    rows = [{"user": u, "step": d, "group": "ab"[u % 2], "tier": u % 3 + 1,
             "vip": u % 4 == 0, "spend": float(rng.uniform(0, 100)), "kind": "xyz"[d % 3]}
            for u in range(16) for d in range(int(rng.integers(2, 7)))]
    path = tmp_path_factory.mktemp("events") / "events.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def columns(data, discrete="group,vip,kind"):
    return ["synthesize", "--data", data, "--example-id", "user", "--time", "step",
            "--attributes", "group,tier,vip", "--features", "spend,kind", "--discrete", discrete]


DECLARED = ["--bounds", "spend=0:100", "--categories", "group=a,b", "--categories",
            "tier=1,2,3", "--categories", "vip=True,False", "--categories", "kind=x,y,z",
            "--max-length", "6"]
# q = 8/16: an empty Poisson sample (0.5**16 per step) is practically impossible
FAST = ["--epochs", "2", "--batch-size", "8", "--holdout", "0", "--quiet", "--fast-report"]


def test_synthesize_with_dp_on_a_declared_schema(events, tmp_path, capsys):
    out = tmp_path / "syn.csv"
    # DP-SGD alone (public attributes: no histogram), to compare with 'tfgan-ts privacy'
    code = main([*columns(events, discrete="kind"), *DECLARED, *FAST, "--noise-multiplier",
                 "1.0", "--clip", "0.5", "--dp-mechanism", "dp-sgd", "--public-attributes",
                 "all", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert ("clip 0.5, sigma = 1, delta = 1e-05, rdp accountant, 4 discriminator steps; "
            "schema declared") in printed
    eps = float(re.search(r"epsilon = ([0-9.e+-]+) in total \(dp-sgd [0-9.e+-]+\), "
                          r"delta = 1e-05", printed)[1])
    assert "public, not covered: attributes group, tier, vip" in printed
    assert "training logs" in printed
    assert "NOT covered" in printed
    # the model took exactly the steps 'tfgan-ts privacy' plans for: 2 epochs x 16/8
    planned = privacy_json(capsys, "--n", "16", "--batch-size", "8", "--epochs", "2",
                           "--noise-multiplier", "1.0")
    assert planned["discriminator_steps"] == 4
    assert eps == pytest.approx(planned["epsilon"], rel=1e-3)
    metrics = {m["measure"]: m["value"] for m in
               json.loads((tmp_path / "report.json").read_text())["metrics"]}
    assert metrics["differential privacy: epsilon"] == pytest.approx(planned["epsilon"])
    assert metrics["differential privacy: schema"] == "declared in the spec (covered)"
    assert metrics["differential privacy: l2_norm_clip"] == 0.5
    spec = json.loads((tmp_path / "spec.json").read_text())
    declared = {c["name"]: c for c in spec["attributes"] + spec["features"]}
    assert declared["spend"]["bounds"] == [0.0, 100.0]
    assert declared["tier"]["categories"] == [1, 2, 3]
    assert declared["vip"]["categories"] == [True, False]
    assert declared["group"]["type"] == "Discrete"  # --categories makes a column discrete
    syn = pd.read_csv(out)
    assert syn["spend"].between(0, 100).all()
    assert syn["kind"].isin(list("xyz")).all()
    assert syn["tier"].isin([1, 2, 3]).all()
    assert syn["vip"].dtype == bool


def test_synthesize_with_dp_needs_a_declared_schema(events, tmp_path, capsys):
    out = str(tmp_path / "syn.csv")
    assert main([*columns(events), *FAST, "--noise-multiplier", "1.0", "--out", out]) == 2
    err = capsys.readouterr().err
    for part in ("group: categories", "tier: min/max", "spend: min/max", "kind: categories",
                 "max_length", "--bounds COL=LOW:HIGH",
                 "--categories COL=a,b,c", "--max-length N", "--allow-data-derived-schema"):
        assert part in err
    # everything but one column declared: only that one is named
    partial = [a for a in DECLARED if a != "spend=0:100" and a != "--bounds"]
    assert main([*columns(events), *partial, *FAST, "--noise-multiplier", "1.0",
                 "--out", out]) == 2
    err = capsys.readouterr().err
    assert "spend: min/max" in err
    assert "kind: categories" not in err
    # dates as the time column: their grid is read off the data, and no flag declares it
    dated = tmp_path / "dated.csv"
    frame = pd.read_csv(events)
    frame["step"] = (pd.Timestamp("2024-01-01") + pd.to_timedelta(frame["step"], "D")).astype(str)
    frame.to_csv(dated, index=False)
    assert main([*columns(str(dated)), *DECLARED, *FAST, "--noise-multiplier", "1",
                 "--out", out]) == 2
    err = capsys.readouterr().err
    assert "step: time grid" in err
    assert "--time column of step numbers 0, 1, 2" in err
    code = main([*columns(events), *partial, *FAST, "--target-epsilon", "20",
                 "--allow-data-derived-schema", "--no-report", "--out", out])
    assert code == 0
    printed = capsys.readouterr().out
    assert "NOT covered (fitted from the data): spend: min/max" in printed
    eps = float(re.search(r"epsilon = ([0-9.e+-]+) in total", printed)[1])
    assert 0 < eps <= 20.0
    assert "schema NOT covered, fitted from the data: spend: min/max" in printed


def test_synthesize_dp_and_schema_bad_arguments(events, tmp_path, capsys):
    out = str(tmp_path / "syn.csv")
    base = [*columns(events), *FAST, "--out", out]
    cases = [
        (["--clip", "2"], "--clip is only used with differential privacy"),
        (["--delta", "1e-6", "--accountant", "pld"],
         "--delta, --accountant are only used with differential privacy"),
        (["--allow-data-derived-schema"], "on with --target-epsilon E or --noise-multiplier S"),
        (["--noise-multiplier", "1", "--target-epsilon", "2"], "not both"),
        (["--noise-multiplier", "-1"], "--noise-multiplier must be a positive number"),
        (["--noise-multiplier", "1", "--clip", "0"], "--clip must be a positive number"),
        (["--noise-multiplier", "1", "--delta", "1.5"], "--delta must be in (0, 1)"),
        (["--bounds", "spend"], "--bounds expects COL=LOW:HIGH"),
        (["--bounds", "spend=0-100"], "--bounds spend=0-100: give two numbers"),
        (["--bounds", "spend=100:0"], "LOW < HIGH"),
        (["--bounds", "spend=0:1", "--bounds", "spend=0:2"], "declares column 'spend' twice"),
        (["--bounds", "nope=0:1"], "--bounds names 'nope', which is not in --attributes or "
                                   "--features (not a column of the data"),
        (["--categories", "step=0,1"], "--categories names 'step', which is not in "
                                       "--attributes or --features (a column of the data)"),
        (["--bounds", "kind=0:1"], "declare their values with --categories"),
        (["--bounds", "tier=1:3", "--categories", "tier=1,2,3"], "both --bounds and "
                                                                 "--categories"),
        (["--categories", "tier=1,two"], "'two' is not a valid value of column 'tier' "
                                         "(dtype int64): list integers"),
        (["--categories", "vip=yes,no"], "column 'vip' (dtype bool): list True/False"),
        (["--categories", "spend=low,high"], "column 'spend' (dtype float64): list numbers"),
        (["--categories", "kind="], "--categories kind=: list the values"),
        (["--categories", "kind=x,y"], "not among the fitted categories"),
        (["--bounds", "spend=0:50"], "outside the declared bounds"),
        ([*DECLARED, "--noise-multiplier", "1", "--batch-size", "17", "--dp-mechanism",
          "dp-sgd"], "--batch-size 17 is larger than the 16 training sequences"),
        ([*DECLARED, "--noise-multiplier", "1", "--clip", "2"],
         "--clip is for --dp-mechanism dp-sgd"),
        ([*DECLARED, "--noise-multiplier", "1", "--privacy-unit", "nope"],
         "the privacy unit column 'nope' is not in the training frame"),
        ([*DECLARED, "--noise-multiplier", "1", "--public-attributes", "group,nope"],
         "public_attributes names ['nope'], which are not attributes of the spec"),
        (["--privacy-unit", "user"], "--privacy-unit is only used with differential privacy"),
    ]
    for args, message in cases:
        assert main([*base, *args]) == 2, args
        assert message in capsys.readouterr().err, args
    assert main(["synthesize", "--bounds", "temp=230:320", "--noise-multiplier", "1"]) == 2
    assert "pass --data FILE" in capsys.readouterr().err
    with pytest.raises(SystemExit) as err:
        main([*base, "--noise-multiplier", "1", "--accountant", "gdp"])
    assert err.value.code == 2
