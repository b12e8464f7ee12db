"""Berka / PKDD'99 bank transactions of 354 whole accounts, with their static attributes."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._files import read_bundled_csv, to_datetime_ns

if TYPE_CHECKING:
    from ..spec import SequenceSpec

TRANSACTIONS_FILE = "berka_ecac_trans_354_loan_accounts.csv.xz"
ACCOUNTS_FILE = "berka_account_354.csv.xz"
FILES = (TRANSACTIONS_FILE, ACCOUNTS_FILE)

_TEXT_COLUMNS = ("type", "operation", "k_symbol", "bank")
# how each transaction type moves the balance
BALANCE_SIGNS = {"credit": 1, "withdrawal": -1, "withdrawal in cash": -1}


@functools.lru_cache(maxsize=1)
def _bank_raw() -> pd.DataFrame:
    return read_bundled_csv(TRANSACTIONS_FILE)


@functools.lru_cache(maxsize=1)
def _account_raw() -> pd.DataFrame:
    return read_bundled_csv(ACCOUNTS_FILE)


def bank_transactions() -> pd.DataFrame:
    """Berka / PKDD'99 bank transactions of 354 whole accounts, with static attributes.

    The transactions are the FEUP ECAC course's copy of the Berka
    ``TRANS.ASC`` rows of the 354 accounts that have a loan in its test set.
    Each account is complete from opening up to the loan. The loader
    left-joins them with the account table (``ACCOUNT.ASC``).

    Cleaning:

    * Rows are stably sorted by ``account_id``, then ``date``. Ties keep
      the file order. 6,761 rows share an (account, date) with an earlier
      row, and ``trans_id`` is not monotone within those ties. The shipped
      file is already in this order, so nothing actually moves. Within a day
      the file order is arbitrary (only 67% of rows chain balance = previous
      balance ± amount as given); the balance tells the real order, and
      :func:`bank_transactions_spec` (``default_spec``) puts same-day rows in
      it, after which every row chains to within 0.1 CZK (interest credits are
      rounded to 0.1 CZK while the balance keeps the hellers: 1,295 rows are
      0.1 off).
    * Missing values: in the source, an empty field means "not applicable"
      (e.g. no ``k_symbol``, no partner ``bank``). These stay missing (NaN /
      <NA>); no category is invented for them. Counts: ``operation`` 5,130
      (the interest-credit rows), ``k_symbol`` 17,419, ``bank`` 24,377 and
      ``account`` 21,061. ``k_symbol`` also contains 1,549 fields that are a
      single blank (``" "``). This is the same "no symbol" coding of the
      original data, so whitespace-only strings in the text columns are set
      to missing as well. Their counts per column are in
      ``attrs["blank_strings_to_missing"]``.
    * The course's English labels are kept verbatim, including the
      misspelling ``insurrance payment``.

    No row or column is removed.

    Returns:
        30,200 rows, one per transaction, 354 accounts (``account_id`` is the
        example id), 2 to 218 transactions per account (median 83),
        1995-04-19 to 1998-12-05. The columns are:

        * the 10 shipped columns, in their shipped order: ``trans_id`` (int64),
          ``account_id`` (int64), ``date`` (datetime64[ns]), ``type``,
          ``operation`` (str), ``amount``, ``balance`` (float64, CZK),
          ``k_symbol``, ``bank`` (str) and ``account`` (nullable Int64, the
          partner's account number);
        * from the account table: ``district_id`` (int64), ``frequency`` (str,
          the statement frequency: ``POPLATEK MESICNE`` = monthly,
          ``POPLATEK TYDNE`` = weekly, ``POPLATEK PO OBRATU`` = after each
          transaction) and ``account_date`` (datetime64[ns], the account
          creation date; it equals each account's first transaction date).

        ``attrs`` holds ``n_accounts``, ``min_length``, ``max_length`` and
        ``blank_strings_to_missing``.
    """
    trans = _bank_raw().copy()
    blanks = {}
    for col in _TEXT_COLUMNS:
        s = trans[col]
        is_blank = s.notna() & s.str.strip().eq("")
        blanks[col] = int(is_blank.sum())
        if is_blank.any():
            trans[col] = s.mask(is_blank)
    trans["account"] = trans["account"].astype("Int64")
    trans["date"] = to_datetime_ns(pd.to_datetime(trans["date"], format="%Y-%m-%d"))

    accounts = _account_raw().rename(columns={"date": "account_date"})
    accounts["account_date"] = to_datetime_ns(
        pd.to_datetime(accounts["account_date"], format="%Y-%m-%d")
    )
    accounts = accounts[["account_id", "district_id", "frequency", "account_date"]]

    trans["_pos"] = np.arange(len(trans))
    out = trans.merge(accounts, on="account_id", how="left", validate="many_to_one")
    out = out.sort_values(["account_id", "date", "_pos"], kind="stable")
    out = out.drop(columns="_pos").reset_index(drop=True)
    missing_static = out["frequency"].isna().sum()
    if missing_static:
        raise RuntimeError(f"{missing_static} transactions have no account-table row")

    sizes = out.groupby("account_id").size()
    out.attrs.update(
        {
            "n_accounts": int(len(sizes)),
            "min_length": int(sizes.min()),
            "max_length": int(sizes.max()),
            "blank_strings_to_missing": blanks,
        }
    )
    return out


def bank_transactions_spec() -> SequenceSpec:
    """Spec for :func:`bank_transactions`: event-time sequences per account.

    Dates become an inter-arrival feature; the statement frequency is the attribute. The
    balance is declared as the running total of the amounts (credits +, withdrawals −), so
    generated accounts keep their books: each balance is the previous one ± the amount
    (within 0.1 CZK, the data's rounding), and same-day rows are put in the order that
    chains.
    """
    from ..columns import Continuous, Discrete
    from ..running_total import RunningTotal
    from ..spec import SequenceSpec

    return SequenceSpec(
        example_id="account_id", time="date",
        attributes=[Discrete("frequency")],
        features=[Continuous("amount", unit="CZK"),
                  RunningTotal("balance", of="amount", sign_by="type", signs=BALANCE_SIGNS),
                  Discrete("type"), Discrete("operation"), Discrete("k_symbol")])
