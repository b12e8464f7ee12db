"""The tfgan-ts command line, run as a user would (console script in a subprocess)."""

import json
import os
import re
import shutil
import subprocess
import sys

import keras
import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.cli import main, read_frame, write_frame

# lines TensorFlow's C++ start-up prints unless the CLI keeps them back
TF_LOG = re.compile(r"cuInit|oneDNN|absl|cudart_stub|cpu_feature_guard|^[IWEF]\d{4} ", re.M)


def run(*args):
    """The console script as a user runs it, without a TF_CPP_MIN_LOG_LEVEL of the caller."""
    exe = shutil.which("tfgan-ts")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tfgan_ts.cli", *args]
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)


def test_version_and_help():
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.strip() == f"tfgan-ts {tg.__version__}"
    out = run("--help")
    assert out.returncode == 0
    for command in ("datasets", "synthesize", "generate"):
        assert command in out.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0
        assert "usage: tfgan-ts " + command in sub.stdout


def test_datasets_lists_every_loader_with_its_shape():
    out = run("datasets")
    assert out.returncode == 0
    table = tg.datasets.list_datasets()
    for _, row in table.iterrows():
        line = next(li for li in out.stdout.splitlines() if li.strip().startswith(row["name"]))
        assert str(row["rows"]) in line
        assert str(row["columns"]) in line


def test_datasets_export(tmp_path, capsys):
    target = tmp_path / "fcc.parquet"
    assert main(["datasets", "--name", "fcc_mba", "--out", str(target)]) == 0
    assert "fcc_mba: 33600 rows x 7 columns" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_frame(str(target)), tg.datasets.fcc_mba())
    assert main(["datasets", "--name", "nope"]) == 2
    assert "error: unknown data set 'nope'" in capsys.readouterr().err
    assert main(["datasets", "--name", "WEEKDAYS"]) == 2  # in the module, not a data set


def test_frame_io_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_frame(str(tmp_path / "missing.csv"))
    (tmp_path / "x.txt").write_text("a\n1\n")
    with pytest.raises(ValueError, match="use a .csv"):
        read_frame(str(tmp_path / "x.txt"))
    df = pd.DataFrame({"a": [1, 2]})
    write_frame(df, str(tmp_path / "sub" / "y.csv"))
    pd.testing.assert_frame_equal(read_frame(str(tmp_path / "sub" / "y.csv")), df)


def test_synthesize_on_the_bundled_data_then_generate(tmp_path):
    out, model = tmp_path / "syn.csv", tmp_path / "m.keras"
    run_ = run("synthesize", "--epochs", "1", "-n", "20", "--out", str(out), "--save",
               str(model), "--quiet", "--fast-report")
    assert run_.returncode == 0, run_.stderr[-2000:]
    assert TF_LOG.search(run_.stderr) is None, run_.stderr[-2000:]  # trained, quietly
    assert "1642 sequences, up to 168 steps" in run_.stdout
    assert "training on 1313, 329 held out" in run_.stdout
    assert "histogram similarity" in run_.stdout
    assert "autocorrelation score" in run_.stdout
    syn = pd.read_csv(out)
    assert syn["window"].nunique() == 20
    assert len(syn) == 20 * 168
    assert list(syn.columns) == ["window", "hour", "weekday", "month", "holiday",
                                 "traffic_volume", "temp"]
    assert re.search(r"^verdict: (GOOD|FAIR|POOR) overall", run_.stdout, re.M)
    page = (tmp_path / "report.html").read_text()
    assert page.index("Verdict:") < page.index("<h2>Fidelity")
    assert "membership-inference attack AUC" in page
    assert "data:image/png;base64," in page
    spec = tg.SequenceSpec.from_json((tmp_path / "spec.json").read_text())
    assert spec.fitted_
    assert spec.max_length_ == 168
    assert json.loads((tmp_path / "report.json").read_text())["metrics"]
    attrs = tmp_path / "attrs.csv"
    pd.DataFrame({"weekday": ["Sunday", "Monday"], "month": [12, 6],
                  "holiday": [True, False]}).to_csv(attrs, index=False)
    gen = tmp_path / "gen.parquet"
    assert main(["generate", "--model", str(model), "--attributes", str(attrs), "--out",
                 str(gen), "--seed", "1"]) == 0
    got = pd.read_parquet(gen).groupby("window")[["weekday", "month", "holiday"]].first()
    assert got["weekday"].astype(str).tolist() == ["Sunday", "Monday"]
    assert got["month"].tolist() == [12, 6]
    assert got["holiday"].tolist() == [True, False]
    assert main(["generate", "--model", str(model), "-n", "0", "--out", str(gen)]) == 2
    # a folder: a Parquet data set written a batch at a time, the rows of model.generate
    folder = tmp_path / "weeks"
    args = ["generate", "--model", str(model), "-n", "5", "--batch-size", "2", "--seed", "3",
            "--out", str(folder), "--quiet"]
    assert main(args) == 0
    loaded = keras.models.load_model(model)
    pd.testing.assert_frame_equal(pd.read_parquet(folder),
                                  loaded.generate(5, seed=3, batch_size=2))
    assert main(args) == 2  # the folder holds a data set now: refused, not mixed


def test_synthesize_on_user_data(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = [{"user": u, "day": f"2024-01-{d + 1:02d}", "group": "ab"[u % 2],
             "spend": float(rng.gamma(2.0, 10.0)), "kind": "xyz"[d % 3]}
            for u in range(12) for d in range(int(rng.integers(2, 7)))]
    data = tmp_path / "events.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    out = tmp_path / "syn.csv"
    code = main(["synthesize", "--data", str(data), "--example-id", "user", "--time", "day",
                 "--attributes", "group", "--features", "spend,kind", "--discrete",
                 "group,kind", "--epochs", "1", "--out", str(out), "--holdout", "0",
                 "--fast-report"])
    assert code == 0
    printed, err = capsys.readouterr()
    assert "12 sequences" in printed
    assert "sequence length: Wasserstein distance" in printed
    # the batch size is explained once, in the command's words, not as a Python warning
    assert "note: --batch-size 100 is larger than the 12 training sequences" in printed
    assert "UserWarning" not in err
    assert "batch_size=" not in err
    # every phase says when it starts and how long it took; the verdict closes the output
    for phase in ("starting TensorFlow ...", "generating 12 sequences ...",
                  "report: fidelity ...", "report: privacy ...", "report: figures ..."):
        assert re.search(re.escape(phase) + r" \d+\.\d s", printed), phase
    assert re.search(r"^verdict: (GOOD|FAIR|POOR) overall", printed, re.M)
    assert printed.rstrip().splitlines()[-1].startswith("  how we judge:")
    syn = pd.read_csv(out, parse_dates=["day"])
    assert set(syn.columns) == {"user", "day", "group", "spend", "kind"}
    assert syn["kind"].isin(list("xyz")).all()
    assert syn["user"].nunique() == 12
    assert (tmp_path / "report.html").exists()


def test_no_report_trains_on_every_sequence(tmp_path, capsys):
    data = tmp_path / "d.csv"
    pd.DataFrame({"id": np.repeat(np.arange(10), 4), "t": np.tile(np.arange(4), 10),
                  "x": np.arange(40.0)}).to_csv(data, index=False)
    assert main(["synthesize", "--data", str(data), "--example-id", "id", "--time", "t",
                 "--features", "x", "--epochs", "1", "--batch-size", "5", "--no-report",
                 "--quiet", "--out", str(tmp_path / "s.csv")]) == 0
    printed = capsys.readouterr().out
    assert "training on 10 (all of them)" in printed
    assert not (tmp_path / "report.html").exists()


def test_messages_name_the_file_and_the_bad_value(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert main(["synthesize", "--data", str(empty), "--example-id", "id",
                 "--features", "x"]) == 2
    assert "data file '" + str(empty) + "' is empty" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"id": [1, 1, 1, 2, 2, 2], "t": [0, 1, 2] * 2,
                  "temp": [288.28, 289.1, "warm", 290.0, 291.0, 292.0]}).to_csv(bad, index=False)
    assert main(["synthesize", "--data", str(bad), "--example-id", "id", "--time", "t",
                 "--features", "temp", "--epochs", "1"]) == 2
    err = capsys.readouterr().err
    assert "'warm' (index 2) is not a number" in err
    assert "288.28" not in err
    not_a_model = tmp_path / "m.keras"
    not_a_model.write_text("hello")
    assert main(["generate", "--model", str(not_a_model), "-n", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert "is not a model saved by 'tfgan-ts synthesize --save' or model.save()" in err


def test_synthesize_bad_arguments(tmp_path, capsys):
    assert main(["synthesize", "--features", "x"]) == 2
    assert "pass --data FILE" in capsys.readouterr().err
    data = tmp_path / "d.csv"
    pd.DataFrame({"id": [1, 1], "x": [1.0, 2.0]}).to_csv(data, index=False)
    assert main(["synthesize", "--data", str(data), "--features", "x"]) == 2
    assert "--example-id" in capsys.readouterr().err
    assert main(["synthesize", "--data", str(data), "--example-id", "id", "--features", "x",
                 "--discrete", "y"]) == 2
    assert "not in --attributes or --features" in capsys.readouterr().err
    assert main(["synthesize", "--data", str(data), "--example-id", "id", "--features", "nope",
                 "--epochs", "1"]) == 2
    assert "['nope'] missing" in capsys.readouterr().err
