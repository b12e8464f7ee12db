"""The committed notebooks: all six present, executed top to bottom in full mode (not the
fast CI mode), without errors, with figures, each under 2 MB. CI runs them again in fast
mode through nbmake (see conftest.py and pyproject.toml)."""

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NAMES = [
    "01_traffic_synthesis.ipynb",
    "02_bank_transactions.ipynb",
    "03_imputation.ipynb",
    "04_virtual_experiments_and_oversampling.ipynb",
    "05_private_release.ipynb",
    "06_spending_forecast_budget.ipynb",
]


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output["text"]
    return output.get("data", {}).get("text/plain", "")


def test_exactly_the_six_notebooks():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_outputs_are_a_full_run(name):
    path = NOTEBOOKS / name
    assert path.stat().st_size < 2_000_000, f"{name} is {path.stat().st_size} bytes"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, name
    # executed once, top to bottom, in one kernel
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"], f"{name} has an error output"
    first = "".join(_text(o) for o in code[0].outputs)
    assert "mode: full" in first, f"{name}: first cell does not report a full run: {first!r}"
    n_images = sum("image/png" in o.get("data", {}) for o in outputs)
    assert n_images >= 2, f"{name} has {n_images} figures"
