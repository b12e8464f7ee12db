"""Parsers of the flags whose text carries structure: comma lists, ``COL=VALUE`` pairs,
``--bounds COL=LOW:HIGH``, ``--categories COL=a,b,c`` and ``--condition COL=VALUE`` (values
typed as the column in the data). Each raises ValueError naming the flag and the fix."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    import pandas as pd


def split_list(text: str | None) -> list[str]:
    """A comma-separated flag value as a list of its non-empty, stripped items."""
    return [c.strip() for c in text.split(",") if c.strip()] if text else []


def pairs(flag: str, items: list[str] | None, hint: str) -> dict[str, str]:
    """``COL=VALUE`` items of a repeatable flag as {column: value text}.

    Args:
        flag: the flag's name, for messages.
        items: the flag's values as argparse collected them (None when not given).
        hint: the expected form with an example, e.g. ``COL=LOW:HIGH (e.g. spend=0:500)``.
    """
    out = {}
    for item in items or []:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name:
            raise ValueError(f"{flag} expects {hint}, got {item!r}")
        if name in out:
            raise ValueError(f"{flag} declares column {name!r} twice")
        out[name] = value.strip()
    return out


def parse_bounds(items: list[str] | None) -> dict[str, tuple[float, float]]:
    """``--bounds COL=LOW:HIGH`` items as {column: (low, high)}, finite with low < high."""
    out = {}
    for name, text in pairs("--bounds", items, "COL=LOW:HIGH (e.g. spend=0:500)").items():
        low, colon, high = text.rpartition(":")
        try:
            if not colon:
                raise ValueError
            low, high = float(low), float(high)
        except ValueError:
            raise ValueError(f"--bounds {name}={text}: give two numbers as COL=LOW:HIGH, e.g. "
                             f"--bounds {name}=0:500") from None
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(f"--bounds {name}={text}: LOW and HIGH must be finite with "
                             "LOW < HIGH")
        out[name] = (low, high)
    return out


def examples(values: pd.Series, k: int = 3) -> list:
    """The first ``k`` distinct non-missing values of a column, for messages."""
    import pandas as pd

    return list(pd.unique(values.dropna()))[:k]


def category_values(name: str, tokens: list[str], values: pd.Series,
                    flag: str = "--categories") -> list:
    """``flag`` tokens (``--categories`` lists, ``--condition`` one value) converted to the
    dtype of the column ``values`` in the data: integers, numbers, True/False or text."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_bool_dtype(dtype):
        kind, convert = "True/False", lambda t: {"true": True, "false": False}[t.lower()]
    elif pd.api.types.is_integer_dtype(dtype):
        kind, convert = "integers", int
    elif pd.api.types.is_float_dtype(dtype):
        kind, convert = "numbers", float
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        raise ValueError(f"{flag} {name}=...: column {name!r} holds datetimes, which "
                         "cannot be categories; convert it to text in the data file")
    else:
        return list(tokens)
    listing = flag == "--categories"  # --categories takes a list, --condition one value
    verb = "list" if listing else "give one of the"
    example = ",".join(map(str, examples(values, 3 if listing else 1)))
    out = []
    for token in tokens:
        try:
            out.append(convert(token))
        except (KeyError, ValueError):
            raise ValueError(f"{flag} {name}=...: {token!r} is not a valid value of "
                             f"column {name!r} (dtype {values.dtype}): {verb} {kind}, e.g. "
                             f"{flag} {name}={example}") from None
    return out


def declarations(args: argparse.Namespace, df: pd.DataFrame, columns: set[str],
                 discrete: set[str]) -> tuple[dict, dict]:
    """(bounds, categories) of ``--bounds``/``--categories``, checked against the columns the
    spec names (``columns``), the ``--discrete`` ones and the data; ``--categories`` columns
    are discrete."""
    bounds = parse_bounds(args.bounds)
    raw = pairs("--categories", args.categories, "COL=a,b,c (e.g. kind=x,y,z)")
    for flag, names in (("--bounds", bounds), ("--categories", raw)):
        for name in names:
            if name not in columns:
                where = "a column of the data" if name in df.columns else \
                    "not a column of the data (columns: " + ", ".join(map(str, df.columns)) + ")"
                raise ValueError(f"{flag} names {name!r}, which is not in --attributes or "
                                 f"--features ({where}); add it there or fix the name")
            if name not in df.columns:
                raise ValueError(f"{flag} names {name!r}, which is not a column of the data")
    both = sorted(set(bounds) & set(raw))
    if both:
        raise ValueError(f"{both} given both --bounds and --categories: a column is either "
                         "continuous (--bounds) or discrete (--categories)")
    clash = sorted(set(bounds) & discrete)
    if clash:
        raise ValueError(f"--bounds declares a range for {clash}, which --discrete makes "
                         "categorical; declare their values with --categories COL=a,b,c instead")
    categories = {}
    for name, text in raw.items():
        tokens = split_list(text)
        if not tokens:
            raise ValueError(f"--categories {name}=: list the values, e.g. --categories "
                             f"{name}={','.join(map(str, examples(df[name])))}")
        categories[name] = category_values(name, tokens, df[name])
    return bounds, categories


def conditions(items: list[str] | None, df: pd.DataFrame) -> dict:
    """``--condition COL=VALUE`` items as {column: value}, each value typed as the column in
    ``df`` and present in at least one row."""
    import pandas as pd

    out = {}
    for name, text in pairs("--condition", items, "COL=VALUE (e.g. dose=high)").items():
        if name not in df.columns:
            raise ValueError(f"--condition {name}={text}: no column {name!r}; columns: "
                             f"{list(df.columns)}")
        value = category_values(name, [text], df[name], flag="--condition")[0]
        known = list(pd.unique(df[name].dropna()))
        if value not in known:
            raise ValueError(f"--condition {name}={text}: no row has this value; values of "
                             f"{name!r}: {sorted(known, key=str)[:20]}")
        out[name] = value
    return out
