"""The tfgan-ts command line, run as a user would (console script in a subprocess)."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.cli import main, read_frame, write_frame


def run(*args):
    exe = shutil.which("tfgan-ts")
    cmd = [exe, *args] if exe else [sys.executable, "-m", "tfgan_ts.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_version_and_help():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"tfgan-ts {tg.__version__}"
    out = run("--help")
    assert out.returncode == 0
    for command in ("datasets", "synthesize"):
        assert command in out.stdout
        sub = run(command, "--help")
        assert sub.returncode == 0 and "usage: tfgan-ts " + command in sub.stdout


def test_datasets_lists_every_loader_with_its_shape():
    out = run("datasets")
    assert out.returncode == 0
    table = tg.datasets.list_datasets()
    for _, row in table.iterrows():
        line = next(li for li in out.stdout.splitlines() if li.strip().startswith(row["name"]))
        assert str(row["rows"]) in line and str(row["columns"]) in line


def test_datasets_export(tmp_path, capsys):
    target = tmp_path / "fcc.parquet"
    assert main(["datasets", "--name", "fcc_mba", "--out", str(target)]) == 0
    assert "fcc_mba: 33600 rows x 7 columns" in capsys.readouterr().out
    pd.testing.assert_frame_equal(read_frame(str(target)), tg.datasets.fcc_mba())
    assert main(["datasets", "--name", "nope"]) == 2


def test_frame_io_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_frame(str(tmp_path / "missing.csv"))
    (tmp_path / "x.txt").write_text("a\n1\n")
    with pytest.raises(ValueError, match="use a .csv"):
        read_frame(str(tmp_path / "x.txt"))
    df = pd.DataFrame({"a": [1, 2]})
    write_frame(df, str(tmp_path / "sub" / "y.csv"))
    pd.testing.assert_frame_equal(read_frame(str(tmp_path / "sub" / "y.csv")), df)
