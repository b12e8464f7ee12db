"""Tests for tfgan_ts.datasets (bundled real data and loaders)."""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import inspect
import json
import lzma
import pkgutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tfgan_ts import datasets as ds
from tfgan_ts.datasets import broadband

DATA_DIR = importlib.resources.files("tfgan_ts.datasets").joinpath("data")

# SHA-256 of the uncompressed content of each bundled file (see data/SOURCES.md)
PAYLOAD_SHA256 = {
    "Metro_Interstate_Traffic_Volume.csv.xz":
        "3ec6b8844c4e5e20904855c81079a30e4342da20b7010e78606a244e539f29f6",
    "berka_ecac_trans_354_loan_accounts.csv.xz":
        "21e2951dbc55d7517ec02af9b242f80cde4e975165c1399bcbf55e9b356a76db",
    "berka_account_354.csv.xz":
        "99e64278d6d88f5cb59df55a370ab82a81102e8b4ce016c5b381897818465fce",
    "PRSA_data_2010.1.1-2014.12.31.csv.xz":
        "77b185392c567d67bf0ddaa27cf57f6f1198e463a665d86360f3910c313719bd",
    "fcc_mba_doppelganger.csv.xz":
        "e8e084365244a6c7d2a5284f06aa62131b93517c51f93996ca31fb51e1ab8974",
    "wikipedia_traffic_daily_10pages_long.csv.xz":
        "67ef6eb39c4e83b0fa02558430d3e74f97a15183bd4e8711768a0aedee331d23",
}
WIKI_WIDE_SHA256 = "acf2ef89fa1e40f6fe1a4f363ad92c66ad946892e97cb4df7ba52c4ee3470b7a"

# Each loader's output with default arguments, as its docstring documents it (the
# traffic_weeks window count is pinned from the data: 1,642 kept weeks x 168 hours).
DOCUMENTED_SHAPES = {
    "load_traffic": (48_204, 9),
    "traffic_weeks": (1_642 * 168, 7),
    "bank_transactions": (30_200, 13),
    "beijing_pm25": (43_824, 14),
    "fcc_mba": (33_600, 7),
    "wikipedia_traffic": (5_500, 3),
}
# The loaders that have a default SequenceSpec, and the one with a public schema.
WITH_SPEC = {"traffic_weeks", "bank_transactions", "fcc_mba", "wikipedia_traffic"}
WITH_PUBLIC_SCHEMA = {"traffic_weeks"}
BUNDLE_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bundle_datasets.py"


def _raw_csv(name: str, **kwargs) -> pd.DataFrame:
    with DATA_DIR.joinpath(name).open("rb") as fh:
        return pd.read_csv(fh, compression="xz", **kwargs)


@pytest.fixture(scope="module")
def weeks() -> pd.DataFrame:
    return ds.traffic_weeks()


@pytest.fixture(scope="module")
def bank() -> pd.DataFrame:
    return ds.bank_transactions()


# --------------------------------------------------------------------------- bundle


def test_bundled_files_are_the_published_bytes():
    for name, sha in PAYLOAD_SHA256.items():
        payload = lzma.decompress(DATA_DIR.joinpath(name).read_bytes())
        assert hashlib.sha256(payload).hexdigest() == sha, name


def test_data_dir_is_small_and_documented():
    files = [p for p in DATA_DIR.iterdir() if p.is_file()]
    names = {p.name for p in files}
    assert set(PAYLOAD_SHA256) <= names
    assert "SOURCES.md" in names
    total = sum(len(p.read_bytes()) for p in files)
    assert total < 5 * 1024 * 1024


# --------------------------------------------------------------------------- traffic


def test_load_traffic_as_shipped():
    df = ds.load_traffic()
    assert df.shape == (48_204, 9)
    assert list(df.columns) == [
        "holiday",
        "temp",
        "rain_1h",
        "snow_1h",
        "clouds_all",
        "weather_main",
        "weather_description",
        "date_time",
        "traffic_volume",
    ]
    assert pd.api.types.is_datetime64_dtype(df["date_time"])
    assert df.isna().sum().sum() == 0
    # "None" stays the shipped string, not NaN
    assert (df["holiday"] == "None").sum() == 48_143
    assert df["date_time"].nunique() == 40_575
    assert (df["temp"] == 0).sum() == 10
    # values identical to a plain string read of the file
    plain = _raw_csv("Metro_Interstate_Traffic_Volume.csv.xz", dtype=str, keep_default_na=False)
    assert (df["holiday"].to_numpy() == plain["holiday"].to_numpy()).all()
    assert (df["date_time"].dt.strftime("%Y-%m-%d %H:%M:%S") == plain["date_time"]).all()


def test_load_traffic_returns_fresh_copy():
    a = ds.load_traffic()
    a.loc[0, "traffic_volume"] = -1
    assert ds.load_traffic().loc[0, "traffic_volume"] != -1


def test_traffic_weeks_structure(weeks):
    assert list(weeks.columns) == [
        "window",
        "hour",
        "weekday",
        "month",
        "holiday",
        "traffic_volume",
        "temp",
    ]
    length = weeks.attrs["length"]
    assert length == 168
    n = weeks.attrs["n_windows"]
    assert len(weeks) == n * length
    assert weeks.isna().sum().sum() == 0
    assert weeks["window"].to_numpy().tolist() == np.repeat(np.arange(n), length).tolist()
    assert (weeks.groupby("window")["hour"].apply(list) == [list(range(length))] * n).all()
    assert weeks["traffic_volume"].dtype == np.int64
    assert weeks["temp"].dtype == np.float64
    assert weeks["holiday"].dtype == bool
    assert weeks["month"].between(1, 12).all()
    wd = weeks["weekday"]
    assert isinstance(wd.dtype, pd.CategoricalDtype)
    assert wd.cat.ordered
    assert list(wd.cat.categories) == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert (weeks["temp"] > 200).all()  # no 0 K left
    assert (weeks["traffic_volume"] >= 0).all()
    per_window = weeks.groupby("window")[["weekday", "month", "holiday"]].nunique()
    assert (per_window == 1).all().all()


def test_traffic_weeks_attrs(weeks):
    a = weeks.attrs
    assert a["dropped_windows"] > 0
    assert a["n_windows"] + a["dropped_windows"] == a["candidate_windows"]
    assert a["duplicate_rows_dropped"] == 48_204 - 40_575
    assert a["zero_kelvin_temps"] == 10
    assert a["missing_hours"] == 11_976
    assert a["interpolated_hours"] > 0
    assert a["first_window_start"] == "2012-10-02T09:00:00"
    assert pd.Timestamp(a["first_window_start"]).day_name() == weeks["weekday"].iloc[0]
    # attrs must stay JSON-small
    assert len(json.dumps(a)) < 2000


def test_traffic_weeks_matches_independent_pandas_version(weeks):
    """Re-derive the windows with plain pandas (different code path) and compare."""
    length, stride, max_gap = 168, 24, 6
    raw = ds.load_traffic()
    hourly = raw.drop_duplicates("date_time").set_index("date_time")
    grid = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h")
    h = hourly.reindex(grid)
    h["temp"] = h["temp"].replace(0.0, np.nan)
    for col in ["traffic_volume", "temp"]:
        s = h[col].astype(float)
        run_id = s.notna().cumsum()
        run_len = s.isna().groupby(run_id).transform("sum")
        interp = s.interpolate(method="linear", limit_area="inside")
        h[col] = interp.where(s.notna() | (run_len <= max_gap))
    bad = h[["traffic_volume", "temp"]].isna().any(axis=1).to_numpy()
    hol_dates = set(raw.loc[raw["holiday"] != "None", "date_time"].dt.normalize())
    hol = grid.normalize().isin(list(hol_dates))
    vols, temps, months, hols, days = [], [], [], [], []
    for s in range(0, len(grid) - length + 1, stride):
        if bad[s : s + length].any():
            continue
        vols.append(h["traffic_volume"].to_numpy()[s : s + length])
        temps.append(h["temp"].to_numpy()[s : s + length])
        months.append(grid[s].month)
        days.append(grid[s].day_name())
        hols.append(hol[s : s + length].any())
    assert len(vols) == weeks.attrs["n_windows"]
    np.testing.assert_array_equal(np.rint(np.concatenate(vols)), weeks["traffic_volume"])
    np.testing.assert_allclose(np.concatenate(temps), weeks["temp"], rtol=0, atol=1e-9)
    first = weeks[weeks["hour"] == 0]
    assert first["month"].tolist() == months
    assert first["holiday"].tolist() == hols
    assert first["weekday"].astype(str).tolist() == days


def test_traffic_weeks_smaller_length_and_stride_give_more_windows(weeks):
    shorter = ds.traffic_weeks(length=24, stride=24)
    assert shorter.attrs["n_windows"] > weeks.attrs["n_windows"]
    denser = ds.traffic_weeks(stride=12)
    assert denser.attrs["n_windows"] > weeks.attrs["n_windows"]
    assert len(shorter) == shorter.attrs["n_windows"] * 24


def test_traffic_weeks_max_gap_zero_interpolates_nothing():
    df = ds.traffic_weeks(max_gap=0)
    assert df.attrs["interpolated_hours"] == 0
    assert df.isna().sum().sum() == 0
    assert df.attrs["n_windows"] < ds.traffic_weeks().attrs["n_windows"]


@pytest.mark.parametrize(
    "kwargs",
    [{"length": 1}, {"length": 0}, {"stride": 0}, {"stride": -3}, {"max_gap": -1}],
)
def test_traffic_weeks_bad_args(kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=f"{name} must be >= "):
        ds.traffic_weeks(**kwargs)


@pytest.mark.parametrize("kwargs", [{"length": 24.5}, {"stride": "24"}, {"max_gap": True}])
def test_traffic_weeks_non_integer_args_name_the_argument(kwargs):
    (name,) = kwargs
    with pytest.raises(ValueError, match=f"{name} must be an integer"):
        ds.traffic_weeks(**kwargs)


# --------------------------------------------------------------------------- bank


def test_bank_shape_and_static_attributes(bank):
    assert len(bank) == 30_200
    assert bank["account_id"].nunique() == 354
    sizes = bank.groupby("account_id").size()
    assert sizes.min() == 2
    assert sizes.max() == 218
    for col in [
        "trans_id",
        "account_id",
        "date",
        "type",
        "operation",
        "amount",
        "balance",
        "k_symbol",
        "bank",
        "account",
        "district_id",
        "frequency",
        "account_date",
    ]:
        assert col in bank.columns
    assert bank["trans_id"].is_unique
    assert pd.api.types.is_datetime64_dtype(bank["date"])
    assert pd.api.types.is_datetime64_dtype(bank["account_date"])
    assert bank["frequency"].notna().all()
    assert bank["district_id"].notna().all()
    assert set(bank["frequency"]) <= {"POPLATEK MESICNE", "POPLATEK TYDNE", "POPLATEK PO OBRATU"}
    # the account creation date is each account's first transaction date
    first = bank.groupby("account_id")["date"].min()
    created = bank.groupby("account_id")["account_date"].first()
    assert (first == created).all()


def test_bank_missing_values_are_kept_missing(bank):
    assert bank["operation"].isna().sum() == 5_130
    assert bank["k_symbol"].isna().sum() == 17_419 + 1_549
    assert bank["bank"].isna().sum() == 24_377
    assert bank["account"].isna().sum() == 21_061
    assert bank.attrs["blank_strings_to_missing"]["k_symbol"] == 1_549
    for col in ["type", "operation", "k_symbol", "bank"]:
        s = bank[col].dropna()
        assert (s.str.strip() != "").all(), col
    assert bank["type"].notna().all()
    assert bank[["amount", "balance"]].notna().all().all()


def test_bank_order_is_stable(bank):
    raw = _raw_csv("berka_ecac_trans_354_loan_accounts.csv.xz")
    assert (bank.groupby("account_id")["date"].apply(lambda s: s.is_monotonic_increasing)).all()
    assert bank["account_id"].is_monotonic_increasing
    # ties on (account, date) keep the source file order
    pos = pd.Series(np.arange(len(raw)), index=raw["trans_id"])
    src_pos = pos.reindex(bank["trans_id"]).to_numpy()
    tied = bank.duplicated(["account_id", "date"], keep=False).to_numpy()
    assert tied.sum() > 6_000
    key = bank.loc[tied, ["account_id", "date"]].assign(pos=src_pos[tied])
    assert (
        key.groupby(["account_id", "date"])["pos"].apply(lambda s: s.is_monotonic_increasing).all()
    )
    # and trans_id alone would not have given that order
    trans_sorted = key.assign(tid=bank.loc[tied, "trans_id"].to_numpy())
    assert not (
        trans_sorted.groupby(["account_id", "date"])["tid"]
        .apply(lambda s: s.is_monotonic_increasing)
        .all()
    )
    # values untouched
    merged = raw.set_index("trans_id").loc[bank["trans_id"]]
    np.testing.assert_array_equal(merged["amount"].to_numpy(), bank["amount"].to_numpy())
    np.testing.assert_array_equal(merged["balance"].to_numpy(), bank["balance"].to_numpy())


# --------------------------------------------------------------------------- pm2.5


def test_beijing_pm25():
    df = ds.beijing_pm25()
    assert df.shape == (43_824, 14)
    assert df.columns[0] == "datetime"
    assert list(df.columns[1:]) == list(_raw_csv("PRSA_data_2010.1.1-2014.12.31.csv.xz").columns)
    assert df["pm2.5"].isna().sum() == 2_067
    assert df.attrs["missing_pm25"] == 2_067
    assert df.drop(columns="pm2.5").notna().all().all()
    steps = df["datetime"].diff().dropna()
    assert (steps == pd.Timedelta(hours=1)).all()
    assert df["datetime"].iloc[0] == pd.Timestamp("2010-01-01 00:00")
    assert df["datetime"].iloc[-1] == pd.Timestamp("2014-12-31 23:00")


# --------------------------------------------------------------------------- fcc


def test_fcc_mba():
    df = ds.fcc_mba()
    assert df.shape == (33_600, 7)
    assert list(df.columns[:2]) == ["example_id", "step"]
    assert df["example_id"].nunique() == 600
    assert (df.groupby("example_id").size() == 56).all()
    assert (df["step"].to_numpy() == np.tile(np.arange(56), 600)).all()
    assert (df.groupby("example_id")[["isp", "technology", "state"]].nunique() == 1).all().all()
    tech = df.groupby("example_id")["technology"].first().value_counts()
    assert tech.to_dict() == {"Satellite": 327, "Fiber": 108, "DSL": 88, "Cable": 77}


def test_fcc_mba_raises_on_broken_blocks(monkeypatch):
    broken = broadband._fcc_raw().copy()
    broken.loc[10, "isp"] = "Someone else"
    monkeypatch.setattr(broadband, "_fcc_raw", lambda: broken)
    with pytest.raises(ValueError, match="isp"):
        ds.fcc_mba()


# --------------------------------------------------------------------------- wikipedia


def test_wikipedia_long():
    df = ds.wikipedia_traffic()
    assert df.shape == (5_500, 3)
    assert list(df.columns) == ["Page", "date", "value"]
    assert pd.api.types.is_datetime64_dtype(df["date"])
    assert df["value"].dtype == np.int64
    assert df["Page"].nunique() == 10
    assert df["date"].min() == pd.Timestamp("2015-07-01")
    assert df["date"].max() == pd.Timestamp("2016-12-31")


def test_wikipedia_wide_matches_long():
    long = ds.wikipedia_traffic("long")
    wide = ds.wikipedia_traffic(format="wide")
    assert wide.shape == (10, 551)
    assert wide.columns[0] == "Page"
    assert wide.columns[1] == "2015-07-01"
    assert wide.columns[-1] == "2016-12-31"
    back = wide.melt(id_vars="Page", var_name="date", value_name="value")
    back["date"] = pd.to_datetime(back["date"])
    merged = long.merge(back, on=["Page", "date"], suffixes=("", "_wide"), validate="one_to_one")
    assert len(merged) == 5_500
    assert (merged["value"] == merged["value_wide"]).all()
    # identical to the published wide file
    text = wide.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert hashlib.sha256(text).hexdigest() == WIKI_WIDE_SHA256


def test_wikipedia_bad_format():
    with pytest.raises(ValueError, match="format must be 'long' or 'wide', got 'tall'"):
        ds.wikipedia_traffic(format="tall")


# --------------------------------------------------------------------------- registry


def _public_loaders_in_family_modules() -> dict[str, object]:
    """Public functions returning a DataFrame in the data-family modules, found by inspection."""
    found = {}
    for mod in pkgutil.iter_modules(ds.__path__):
        if mod.name.startswith("_") or mod.name in ("registry", "specs"):
            continue
        module = importlib.import_module(f"tfgan_ts.datasets.{mod.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            local = fn.__module__ == module.__name__
            if local and not name.startswith("_") and "DataFrame" in str(
                inspect.signature(fn).return_annotation
            ):
                found[name] = fn
    return found


def test_registry_holds_exactly_the_documented_data_sets():
    assert list(ds.DATASETS) == list(DOCUMENTED_SHAPES)


def test_every_public_loader_in_the_family_modules_is_registered():
    loaders = _public_loaders_in_family_modules()
    assert set(loaders) == set(DOCUMENTED_SHAPES)
    for name, fn in loaders.items():
        assert ds.DATASETS[name].loader is fn, name


@pytest.mark.parametrize("name", list(DOCUMENTED_SHAPES))
def test_registered_loader_returns_its_documented_frame(name):
    info = ds.dataset_info(name)
    df = info.loader()
    assert isinstance(df, pd.DataFrame)
    assert df.shape == DOCUMENTED_SHAPES[name]
    assert tuple(df.columns) == info.columns


@pytest.mark.parametrize("name", list(DOCUMENTED_SHAPES))
def test_registered_loader_is_exported_and_lives_in_its_family_module(name):
    info = ds.DATASETS[name]
    assert getattr(ds, name) is info.loader
    assert name in ds.__all__
    assert info.loader.__module__ == f"tfgan_ts.datasets.{info.family}"
    assert ds.get_loader(name) is info.loader


def test_registered_files_are_the_bundled_files():
    registered = {f for info in ds.DATASETS.values() for f in info.files}
    assert registered == set(PAYLOAD_SHA256)


def test_bundle_script_writes_the_registered_files():
    spec = importlib.util.spec_from_file_location("bundle_datasets", BUNDLE_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    written = {out_name for out_name, _, _ in script.FILES.values()}
    assert written == {f for info in ds.DATASETS.values() for f in info.files}
    assert script.OUT_DIR.parts[-3:] == ("tfgan_ts", "datasets", "data")


@pytest.mark.parametrize("name", ["nope", "list_datasets", "default_spec", "WEEKDAYS", ""])
def test_get_loader_unknown_name_is_a_clear_value_error(name):
    with pytest.raises(ValueError, match=f"unknown data set '{name}'") as info:
        ds.get_loader(name)
    assert "traffic_weeks" in str(info.value)
    assert "list_datasets()" in str(info.value)


@pytest.mark.parametrize("name", [None, 3, ("fcc_mba",)])
def test_get_loader_non_string_name_is_a_value_error(name):
    with pytest.raises(ValueError, match="unknown data set"):
        ds.get_loader(name)


def test_list_datasets_shows_every_registered_loader_with_its_shape():
    table = ds.list_datasets()
    assert list(table.columns) == ["name", "rows", "columns", "description"]
    assert table["name"].tolist() == list(DOCUMENTED_SHAPES)
    shapes = {n: (r, c) for n, r, c in table[["name", "rows", "columns"]].itertuples(index=False)}
    assert shapes == DOCUMENTED_SHAPES
    assert table["rows"].dtype == np.int64
    assert (table["description"].str.len() > 10).all()


def test_list_datasets_returns_a_copy():
    table = ds.list_datasets()
    table.loc[0, "rows"] = -1
    assert ds.list_datasets().loc[0, "rows"] == DOCUMENTED_SHAPES["load_traffic"][0]


def test_default_spec_exists_for_the_sequence_data_sets():
    has_spec = {name for name, info in ds.DATASETS.items() if info.spec is not None}
    assert has_spec == WITH_SPEC
    has_public = {name for name, info in ds.DATASETS.items() if info.public_spec is not None}
    assert has_public == WITH_PUBLIC_SCHEMA


@pytest.mark.parametrize("name", sorted(WITH_SPEC))
def test_default_spec_names_columns_of_its_loader(name):
    spec = ds.default_spec(name)
    columns = set(ds.DATASETS[name].columns)
    assert spec.example_id in columns
    assert spec.time in columns
    assert {c.name for c in spec.attributes + spec.features} <= columns


def test_public_schema_declares_every_bound_and_category():
    spec = ds.default_spec("traffic_weeks", public_schema=True)
    assert spec.max_length == 168
    assert [c.categories for c in spec.attributes] == [
        list(ds.WEEKDAYS), list(range(1, 13)), [False, True]
    ]
    assert [list(c.bounds) for c in spec.features] == [[0, 8000], [230, 320]]


@pytest.mark.parametrize("name", ["load_traffic", "beijing_pm25", "nope"])
def test_default_spec_without_one_names_the_choices(name):
    with pytest.raises(ValueError, match="no default spec") as info:
        ds.default_spec(name)
    assert "'wikipedia_traffic'" in str(info.value)


@pytest.mark.parametrize("name", ["fcc_mba", "nope"])
def test_public_schema_only_for_traffic_weeks(name):
    with pytest.raises(ValueError, match="no public schema is known"):
        ds.default_spec(name, public_schema=True)
