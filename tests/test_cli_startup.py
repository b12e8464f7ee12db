"""The command line starts without TensorFlow: --help, --version, every command's --help and
argument errors are answered before it (or pandas) is imported, and TensorFlow's C++ log is
kept quiet unless --verbose. Each check runs a small driver in a fresh interpreter and reads
its ``sys.modules``, not the clock."""

import json
import os
import subprocess
import sys
import textwrap

from tfgan_ts.cli import build_parser

COMMANDS = ["datasets", "synthesize", "privacy", "evaluate", "impute", "oversample",
            "synthesize-table", "generate"]


def drive(body: str) -> tuple[dict, subprocess.CompletedProcess]:
    """Run ``body`` after ``from tfgan_ts.cli import main`` and a ``call`` helper that returns
    main's exit code (also for argparse's exits); ``body`` sets ``result``, printed as JSON
    on the last line."""
    code = textwrap.dedent("""
        import json, os, sys
        from tfgan_ts.cli import main

        def call(*args):
            try:
                return main(list(args))
            except SystemExit as end:
                return end.code
    """) + textwrap.dedent(body) + "\nprint(json.dumps(result))\n"
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, cwd="/", env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1]), out


def test_the_test_knows_every_command():
    parser = build_parser()
    choices = next(a.choices for a in parser._actions if a.dest == "command")
    assert list(choices) == COMMANDS


def test_help_version_and_argument_errors_import_neither_tensorflow_nor_pandas():
    result, out = drive(f"""
        codes = {{"--help": call("--help"), "--version": call("--version")}}
        for command in {COMMANDS!r}:
            codes[command + " --help"] = call(command, "--help")
        codes["synthesize"] = call("synthesize", "--data", "trafic.csv", "--example-id", "id",
                                   "--features", "x")
        codes["impute"] = call("impute", "--data", "gaps.csv")
        codes["oversample"] = call("oversample", "--data", "rows.csv", "--target", "y")
        codes["synthesize-table"] = call("synthesize-table", "--data", "rows.csv", "-n", "5")
        codes["generate"] = call("generate", "--model", "nope.keras", "-n", "5")
        codes["privacy"] = call("privacy", "--n", "0", "--epochs", "1",
                                "--noise-multiplier", "1")
        result = {{"codes": codes, "modules": sorted(m for m in ("tensorflow", "keras", "pandas")
                                                      if m in sys.modules)}}
    """)
    codes = result["codes"]
    assert codes.pop("--help") == 0
    assert codes.pop("--version") == 0
    for command in COMMANDS:
        assert codes.pop(command + " --help") == 0, command
        assert f"usage: tfgan-ts {command}" in out.stdout
    assert codes == dict.fromkeys(codes, 2)
    assert len(codes) == 6
    assert result["modules"] == []
    errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 6
    assert errors[0] == "error: data file 'trafic.csv' does not exist"
    assert "error: cannot load --model 'nope.keras': no such file" in errors
    assert "error: --n must be a positive integer, got 0" in errors


def test_datasets_and_a_bad_spec_need_no_tensorflow():
    result, out = drive("""
        result = {"datasets": call("datasets"),
                  "evaluate": call("evaluate", "--real", "r.csv", "--synthetic", "s.csv",
                                   "--spec", "missing.json"),
                  "tensorflow": "tensorflow" in sys.modules}
    """)
    assert result["datasets"] == 0
    assert "traffic_weeks" in out.stdout
    assert result["evaluate"] == 2
    assert "error: cannot read --spec 'missing.json'" in out.stderr
    assert result["tensorflow"] is False


def test_tensorflow_log_level_is_set_unless_verbose():
    result, _ = drive("""
        bad = ("privacy", "--n", "0", "--epochs", "1", "--noise-multiplier", "1")
        result = {"verbose": call("--verbose", *bad),
                  "after_verbose": os.environ.get("TF_CPP_MIN_LOG_LEVEL"),
                  "quiet": call(*bad),
                  "after_quiet": os.environ.get("TF_CPP_MIN_LOG_LEVEL")}
    """)
    assert result["verbose"] == 2
    assert result["after_verbose"] is None
    assert result["quiet"] == 2
    assert result["after_quiet"] == "3"


def test_verbose_is_accepted_before_and_after_the_command():
    parser = build_parser()
    assert parser.parse_args(["privacy", "--n", "1", "--epochs", "1"]).verbose is False
    assert parser.parse_args(["--verbose", "privacy", "--n", "1", "--epochs", "1"]).verbose
    assert parser.parse_args(["privacy", "--verbose", "--n", "1", "--epochs", "1"]).verbose


def test_python_dash_m_runs_the_command_line():
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    out = subprocess.run([sys.executable, "-m", "tfgan_ts.cli", "--version"],
                         capture_output=True, text=True, timeout=300, cwd="/", env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.startswith("tfgan-ts ")
