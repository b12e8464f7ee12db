"""A declared running total (``tg.RunningTotal``): exact round trip, same-day order read off
the balance, bookkeeping by construction in generated rows, and clear errors."""

import json

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.datasets.bank import BALANCE_SIGNS

TINY = dict(attribute_units=8, attribute_layers=1, minmax_units=8, minmax_layers=1,
            lstm_units=8, discriminator_units=16, discriminator_layers=2, critic_filters=4,
            attribute_discriminator_units=8, attribute_discriminator_layers=1)


def chain_errors(frame: pd.DataFrame, id_col="account_id") -> np.ndarray:
    """|balance − previous balance − sign·amount| of every row after each sequence's first,
    in the order the rows are written."""
    sign = frame["type"].map(BALANCE_SIGNS).to_numpy(np.float64)
    prev = frame.groupby(id_col, sort=False)["balance"].shift().to_numpy()
    err = np.abs(frame["balance"].to_numpy() - prev - sign * frame["amount"].to_numpy())
    return err[~np.isnan(prev)]


def ledger(day2_rows):
    """Account "a": a 100 credit on day 1, then ``day2_rows`` (type, amount, balance)."""
    rows = [("credit", 100.0, 100.0)] + list(day2_rows)
    dates = ["2020-01-01"] + ["2020-01-02"] * len(day2_rows)
    return pd.DataFrame({"account_id": "a", "date": pd.to_datetime(dates),
                         "type": [r[0] for r in rows], "amount": [r[1] for r in rows],
                         "balance": [r[2] for r in rows]})


def ledger_spec(signs=None, **kwargs):
    signs = signs or {"credit": 1, "withdrawal": -1}
    return tg.SequenceSpec(
        "account_id", "date", features=[
            tg.Continuous("amount"), tg.RunningTotal("balance", "amount", "type", signs),
            tg.Discrete("type", **kwargs)])


@pytest.fixture(scope="module")
def bank():
    return tg.datasets.bank_transactions()


def test_bank_round_trip_is_exact(bank):
    spec = tg.datasets.default_spec("bank_transactions")
    with pytest.warns(UserWarning, match="not in the spec"):
        data = spec.fit_transform(bank)
    names = [o.name for o in spec.feature_outputs()]
    assert "balance" not in names
    assert names[-1] == "balance__rounding"
    assert [o.name for o in spec.derived_outputs()][-1] == "balance__opening"
    again = tg.SequenceSpec.from_json(json.dumps(spec.get_config()))
    back = again.inverse_transform(data)
    real = bank.iloc[spec.sequence_order(bank).order].reset_index(drop=True)
    for col in ["balance", "amount"]:
        assert (back[col].to_numpy() == real[col].to_numpy()).all(), col
    assert (back["type"] == real["type"]).all()
    # in that order every row chains to within the data's rounding (0.1 CZK)
    assert chain_errors(real).max() < 0.1 + 1e-6
    assert "RunningTotal" in set(spec.summary()["type"])


def test_shuffled_same_day_rows_get_their_order_back(bank):
    spec = tg.datasets.default_spec("bank_transactions")
    want = bank.iloc[spec.sequence_order(bank).order]
    shuffled = (bank.assign(_key=np.random.default_rng(0).random(len(bank)))
                .sort_values(["account_id", "date", "_key"]).drop(columns="_key"))
    assert (shuffled["trans_id"].to_numpy() != want["trans_id"].to_numpy()).sum() > 5000
    got = shuffled.iloc[spec.sequence_order(shuffled).order]
    assert (got["trans_id"].to_numpy() == want["trans_id"].to_numpy()).all()

    # a small ledger: day 2 given as 20 out, 50 in, 30 out; the balance says 50, 30, 20
    df = ledger([("withdrawal", 20.0, 100.0), ("credit", 50.0, 150.0),
                 ("withdrawal", 30.0, 120.0)])
    spec = ledger_spec()
    assert list(spec.sequence_order(df).order) == [0, 2, 3, 1]
    back = spec.inverse_transform(spec.fit_transform(df))
    assert back["balance"].tolist() == [100.0, 150.0, 120.0, 100.0]
    assert back["amount"].tolist() == [100.0, 50.0, 30.0, 20.0]


def test_generated_rows_chain_by_construction(bank):
    """Any decoded features (here: random ones) give rows that keep the books."""
    part = bank[bank["account_id"].isin(bank["account_id"].unique()[:30])]
    spec = tg.datasets.default_spec("bank_transactions")
    with pytest.warns(UserWarning, match="not in the spec"):
        data = spec.fit_transform(part)
    rng = np.random.default_rng(0)
    data.features = rng.random(data.features.shape).astype(np.float32)
    data.derived_attributes = rng.random(data.derived_attributes.shape).astype(np.float32)
    out = spec.inverse_transform(data)
    assert chain_errors(out).max() < 0.1 + 1e-6  # within one unit of the last decimal
    # data that chain exactly: no rounding feature, and decoded rows chain exactly
    df = ledger([("credit", 50.0, 150.0), ("withdrawal", 30.0, 120.0)])
    exact = ledger_spec()
    data = exact.fit_transform(df)
    assert "balance__rounding" not in [o.name for o in exact.feature_outputs()]
    data.features = rng.random(data.features.shape).astype(np.float32)
    out = exact.inverse_transform(data)
    assert chain_errors(out).max() == 0.0


def test_group_no_order_makes_consistent_names_account_and_day():
    df = ledger([("credit", 50.0, 150.0), ("withdrawal", 30.0, 125.0)])
    with pytest.raises(ValueError, match=r"running total 'balance': no order of the 2 row\(s\) "
                       r"of account_id='a' at date=2020-01-02 00:00:00 .*previous balance "
                       r"100\.0.*declare tg\.Continuous\('balance'\)"):
        ledger_spec().fit(df)


def test_missing_sign_for_a_category():
    df = ledger([("credit", 50.0, 150.0), ("fee", 5.0, 145.0)])
    with pytest.raises(ValueError, match=r"'type' value\(s\) \['fee'\] have no sign"):
        ledger_spec().fit(df)
    # a declared category without a sign fails too, though the data never show it
    df = ledger([("credit", 50.0, 150.0)])
    with pytest.raises(ValueError, match=r"\['fee'\] have no sign"):
        ledger_spec(categories=["credit", "withdrawal", "fee"]).fit(df)


@pytest.mark.parametrize(("features", "message"), [
    ([tg.Discrete("amount"), tg.Discrete("type")], r"of='amount' is a Discrete"),
    ([tg.Binned("amount"), tg.Discrete("type")], r"of='amount' is a Binned"),
    ([tg.Discrete("type")], r"of='amount' is not a feature"),
    ([tg.Continuous("amount"), tg.Continuous("type")], r"sign_by='type' is a Continuous"),
    ([tg.Continuous("amount"), tg.Discrete("type"),
      tg.RunningTotal("other", "amount", "type", {"credit": 1})], "declares 2 running totals"),
])
def test_bad_declarations(features, message):
    total = tg.RunningTotal("balance", "amount", "type", {"credit": 1})
    with pytest.raises(ValueError, match=message):
        tg.SequenceSpec("account_id", "date", features=[total, *features])


def test_bad_arguments():
    with pytest.raises(ValueError, match="to 1, -1 or 0"):
        tg.RunningTotal("balance", "amount", "type", {"credit": 2})
    with pytest.raises(ValueError, match="of must name another feature"):
        tg.RunningTotal("balance", "balance", "type", {"credit": 1})
    total = tg.RunningTotal("balance", "amount", "type", {"credit": 1})
    with pytest.raises(ValueError, match="listed among the attributes"):
        tg.SequenceSpec("account_id", "date", attributes=[total],
                        features=[tg.Continuous("amount"), tg.Discrete("type")])


def test_tiny_doppelganger_keeps_the_books(bank):
    part = bank[bank["account_id"].isin(bank["account_id"].unique()[:20])]
    spec = tg.datasets.default_spec("bank_transactions")
    spec.max_length = 220
    model = tg.DoppelGANger(spec, sample_len=10, seed=0, **TINY)
    with pytest.warns(UserWarning, match="not in the spec"):
        model.fit(part, epochs=1, batch_size=10, verbose=0)
    syn = model.generate(40, seed=0)
    errors = chain_errors(syn)
    assert len(errors) > 20
    assert errors.max() < 0.1 + 1e-6  # every row after each account's first, as written
    tenths = syn["amount"].to_numpy() * 10  # amounts come back with the data's decimals
    np.testing.assert_allclose(tenths, np.round(tenths), rtol=0, atol=1e-6)
