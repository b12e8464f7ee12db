"""The README's two commands are the ones CI runs."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands(text):
    lines = text.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines) if line.strip() == "```bash"]


def test_ci_runs_the_readme_test_command_verbatim():
    readme = (ROOT / "README.md").read_text()
    install_and_run, tests = _commands(readme)[:2]
    assert install_and_run == "pip install -e . && tfgan-ts synthesize"
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert tests in ci
    assert "ruff check ." in ci


def test_readme_lists_every_verdict_threshold():
    from tfgan_ts.evaluation.verdict import rules

    readme = (ROOT / "README.md").read_text()
    for section, rule in rules():
        assert f"| {section} | {rule} |" in readme, rule
