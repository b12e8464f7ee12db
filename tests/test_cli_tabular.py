"""`tfgan-ts oversample` and `tfgan-ts synthesize-table`: tiny tables built here, tiny training
(2 epochs of 5 steps of 20 rows), output files checked row by row, bad input → exit 2."""

import re

import keras
import numpy as np
import pandas as pd
import pytest
from imblearn.over_sampling import RandomOverSampler

import tfgan_ts  # noqa: F401  (registers TabularGAN for keras.models.load_model)
from tfgan_ts.cli import main

TINY = ["--epochs", "2", "--steps-per-epoch", "5", "--batch-size", "20", "--quiet"]


def classes_table(counts: dict, seed: int = 0) -> pd.DataFrame:
    """Labelled rows, ``counts`` rows per class; the label column sits between features so
    that column order is tested, with float, int and text features."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([[k] * v for k, v in counts.items()])
    rng.shuffle(labels)
    n = len(labels)
    shift = pd.Series(labels).astype("category").cat.codes.to_numpy()
    return pd.DataFrame({
        "x": rng.normal(size=n) + 3.0 * shift,
        "label": labels,
        "kind": rng.choice(["a", "b", "c"], n),
        "count": rng.integers(0, 6, n).astype(np.int64),
        "y": rng.exponential(size=n).round(4),
    })


def experiment_table(n: int = 150, seed: int = 0) -> pd.DataFrame:
    """A small experiment: a text factor, an integer dose, two numeric responses."""
    rng = np.random.default_rng(seed)
    factor = rng.choice(["A", "B", "C"], n)
    dose = rng.integers(1, 4, n).astype(np.int64)
    return pd.DataFrame({
        "factor": factor,
        "dose": dose,
        "response": rng.normal(size=n) + (factor == "B") * 2.0 + dose * 0.5,
        "weight": rng.gamma(2.0, 3.0, n),
    })


def oversample(src, out, *extra):
    return main(["oversample", "--data", str(src), "--out", str(out), "--target", "label",
                 *TINY, *extra])


# ------------------------------------------------------------------ oversample -----------
def test_oversample_balances_keeps_originals_first_and_marks_generated(tmp_path, capsys):
    counts = {"big": 100, "mid": 30, "small": 20}
    src, out = tmp_path / "in.csv", tmp_path / "balanced.csv"
    classes_table(counts).to_csv(src, index=False)
    assert oversample(src, out, "--mark", "synthetic") == 0
    printed = capsys.readouterr().out
    assert "classes in" in printed
    assert "big: 100" in printed
    assert "small: 20" in printed
    assert "150 original rows" in printed
    assert "150 generated" in printed
    given, back = pd.read_csv(src), pd.read_csv(out)
    assert list(back.columns) == [*given.columns, "synthetic"]
    assert len(back) == 3 * 100
    # original rows first, values unchanged (exactly)
    pd.testing.assert_frame_equal(back.iloc[:len(given)].drop(columns="synthetic"), given,
                                  check_exact=True)
    assert back["synthetic"].dtype == bool
    assert not back["synthetic"].iloc[:len(given)].any()
    assert back["synthetic"].iloc[len(given):].all()
    # imbalanced-learn's "auto": every class up to the majority's count
    assert back["label"].value_counts().to_dict() == {"big": 100, "mid": 100, "small": 100}
    added = back.iloc[len(given):]
    assert added["label"].value_counts().to_dict() == {"mid": 70, "small": 80}
    assert not added.isna().any().any()
    assert set(added["kind"]) <= {"a", "b", "c"}
    assert added["count"].dtype == np.int64
    assert added["count"].between(0, 5).all()


def test_oversample_float_ratio_with_parquet_in_and_out(tmp_path, capsys):
    n_major, n_minor, ratio = 135, 25, 0.5
    df = classes_table({"no": n_major, "yes": n_minor}, seed=1)
    df["kind"] = df["kind"].astype("category")
    src, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    df.to_parquet(src, index=False)
    assert oversample(src, out, "--sampling-strategy", str(ratio)) == 0
    back = pd.read_parquet(out)
    # the class counts imbalanced-learn's own oversampler reaches with the same ratio (it
    # truncates 0.5 * 135 = 67.5 minority rows to 67)
    _, y_reference = RandomOverSampler(sampling_strategy=ratio, random_state=0).fit_resample(
        df.drop(columns="label"), df["label"])
    counts = back["label"].value_counts().to_dict()
    assert counts == y_reference.value_counts().to_dict()
    assert counts["no"] == n_major
    printed = capsys.readouterr().out
    assert f"classes now no: {counts['no']}, yes: {counts['yes']}" in printed
    assert f"+ {counts['yes'] - n_minor} generated" in printed
    assert list(back.columns) == list(df.columns)
    assert back.dtypes.to_dict() == df.dtypes.to_dict()
    pd.testing.assert_frame_equal(back.iloc[:len(df)], df, check_exact=True)
    assert (back["label"].iloc[len(df):] == "yes").all()
    assert f"wrote {out}" in printed


def test_oversample_bad_input(tmp_path, capsys):
    def run(df, *extra, name="in.csv"):
        src = tmp_path / name
        df.to_csv(src, index=False)
        code = oversample(src, tmp_path / "out.csv", *extra)
        return code, capsys.readouterr().err

    good = classes_table({"big": 40, "small": 10})
    code, err = run(good.drop(columns="label"))
    assert code == 2
    assert "--target 'label' is not a column" in err

    code, err = run(good.assign(label="big"))
    assert code == 2
    assert "single class" in err
    assert "at least two classes" in err

    holed = good.copy()
    holed.loc[3, "y"] = np.nan
    code, err = run(holed)
    assert code == 2
    assert "feature column 'y'" in err
    assert "1 missing value" in err

    unlabelled = good.copy()
    unlabelled.loc[[0, 5], "label"] = np.nan
    code, err = run(unlabelled)
    assert code == 2
    assert "2 row(s) have no label" in err

    code, err = run(good, "--discrete", "count,colour")
    assert code == 2
    assert "--discrete ['colour'] are not feature columns" in err

    code, err = run(good, "--mark", "kind")
    assert code == 2
    assert "--mark 'kind' is already a column" in err
    assert not (tmp_path / "out.csv").exists()


# ------------------------------------------------------------------ synthesize-table -----
def synthesize(src, out, *extra):
    return main(["synthesize-table", "--data", str(src), "--out", str(out), *TINY, *extra])


def test_synthesize_table_conditioned_rows_fidelity_and_saved_model(tmp_path, capsys):
    df = experiment_table()
    src, out, saved = tmp_path / "exp.csv", tmp_path / "virtual.csv", tmp_path / "m.keras"
    df.to_csv(src, index=False)
    assert synthesize(src, out, "-n", "50", "--condition", "factor=B",
                      "--save", str(saved)) == 0
    printed = capsys.readouterr().out
    assert "condition columns: ['factor']" in printed
    assert "wrote 50 virtual rows with {'factor': 'B'}" in printed
    n_b = int((df["factor"] == "B").sum())
    assert f"fidelity against the {n_b} real rows" in printed
    assert re.search(r"yardstick, a Gaussian copula .*: mean column similarity 0\.\d{3}", printed)
    assert "mean column similarity" in printed
    for column in df.columns:  # the per-column table
        assert column in printed.split("mean column similarity", 1)[1]
    back = pd.read_csv(out)
    assert len(back) == 50
    assert list(back.columns) == list(df.columns)
    assert (back["factor"] == "B").all()
    assert not back.isna().any().any()
    # the saved model loads (tfgan_ts imported) and generates
    assert saved.is_file()
    assert f"saved the model to {saved}" in printed
    model = keras.models.load_model(saved)
    rows = model.generate(20, conditions={"factor": "B"}, seed=1)
    assert len(rows) == 20
    assert list(rows.columns) == list(df.columns)
    assert (rows["factor"] == "B").all()


def test_synthesize_table_integer_condition_is_typed_as_the_column(tmp_path, capsys):
    df = experiment_table(seed=2)
    src, out = tmp_path / "exp.parquet", tmp_path / "virtual.csv"
    df.to_parquet(src, index=False)
    assert synthesize(src, out, "-n", "30", "--condition", "dose=2") == 0
    printed = capsys.readouterr().out
    assert "with {'dose': 2}" in printed  # an int, not the text '2'
    assert f"fidelity against the {int((df['dose'] == 2).sum())} real rows" in printed
    back = pd.read_csv(out)
    assert len(back) == 30
    assert list(back.columns) == list(df.columns)
    assert back["dose"].dtype == np.int64
    assert (back["dose"] == 2).all()


def test_synthesize_table_bad_input(tmp_path, capsys):
    src, out = tmp_path / "exp.csv", tmp_path / "virtual.csv"
    experiment_table().to_csv(src, index=False)

    def fails(*extra):
        assert synthesize(src, out, *extra) == 2
        return capsys.readouterr().err

    assert "-n must be a positive number of rows to generate, got 0" in fails("-n", "0")
    assert "-n is required" in fails()
    err = fails("-n", "5", "--condition", "colour=red")
    assert "no column 'colour'" in err
    assert "'factor'" in err
    err = fails("-n", "5", "--condition", "factorB")
    assert "--condition expects COL=VALUE" in err
    assert "'factorB'" in err
    err = fails("-n", "5", "--condition", "factor=B", "--batch-size", "25")
    assert "batch_size=25 must be a multiple of pac=10" in err
    err = fails("-n", "5", "--condition", "factor=Z")
    # checked against the data before any training
    assert "--condition factor=Z: no row has this value" in err
    assert "values of 'factor': ['A', 'B', 'C']" in err
    assert not out.exists()


@pytest.mark.parametrize("flag", ["--epochs", "--steps-per-epoch"])
def test_tabular_training_lengths_must_be_positive(tmp_path, capsys, flag):
    src = tmp_path / "exp.csv"
    experiment_table(n=30).to_csv(src, index=False)
    args = ["synthesize-table", "--data", str(src), "-n", "5", "--out",
            str(tmp_path / "v.csv"), *TINY, flag, "0"]
    assert main(args) == 2
    assert f"{flag} must be >= 1, got 0" in capsys.readouterr().err
