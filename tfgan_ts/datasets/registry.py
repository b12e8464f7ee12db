"""The one registry of bundled data sets: name -> loader, family, description, what it returns.

``list_datasets``, the package's ``__all__``, ``default_spec`` and the ``tfgan-ts datasets``
command all read :data:`DATASETS`; a new data set is added here and nowhere else.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import air_quality, bank, broadband, traffic, web_traffic

if TYPE_CHECKING:
    from ..spec import SequenceSpec


@dataclass(frozen=True)
class DatasetInfo:
    """One bundled data set: its loader and what the loader returns with default arguments.

    Attributes:
        name: The loader's function name, exported by ``tfgan_ts.datasets``.
        loader: The function that returns a fresh DataFrame.
        family: The data family, also the name of the module that holds the loader.
        description: One line for :func:`list_datasets`.
        returns: What one row of the returned frame is.
        columns: The returned frame's columns, in order, with default arguments.
        files: The files in ``tfgan_ts/datasets/data`` that the loader reads.
        spec: Builds the default :class:`~tfgan_ts.SequenceSpec`, or None if there is none.
        public_spec: Builds a spec whose bounds and categories all come from public facts
            (for differentially private training), or None if none is known.
    """

    name: str
    loader: Callable[..., pd.DataFrame]
    family: str
    description: str
    returns: str
    columns: tuple[str, ...]
    files: tuple[str, ...]
    spec: Callable[[], SequenceSpec] | None = None
    public_spec: Callable[[], SequenceSpec] | None = None


_ENTRIES = (
    DatasetInfo(
        name="load_traffic",
        loader=traffic.load_traffic,
        family="traffic",
        description="UCI Metro Interstate Traffic Volume, hourly I-94 traffic + weather, "
        "as shipped",
        returns="one row per weather report; hours repeat and some are missing",
        columns=("holiday", "temp", "rain_1h", "snow_1h", "clouds_all", "weather_main",
                 "weather_description", "date_time", "traffic_volume"),
        files=traffic.FILES,
    ),
    DatasetInfo(
        name="traffic_weeks",
        loader=traffic.traffic_weeks,
        family="traffic",
        description="Metro traffic on an hourly grid, cut into 168-h windows (long format) "
        "for DoppelGANger",
        returns="long sequences: one row per (window, hour)",
        columns=("window", "hour", "weekday", "month", "holiday", "traffic_volume", "temp"),
        files=traffic.FILES,
        spec=traffic.traffic_weeks_spec,
        public_spec=traffic.traffic_weeks_public_spec,
    ),
    DatasetInfo(
        name="bank_transactions",
        loader=bank.bank_transactions,
        family="bank",
        description="Berka/PKDD'99 transactions of 354 whole accounts + static account "
        "attributes",
        returns="event sequences: one row per transaction, ordered by (account_id, date)",
        columns=("trans_id", "account_id", "date", "type", "operation", "amount", "balance",
                 "k_symbol", "bank", "account", "district_id", "frequency", "account_date"),
        files=bank.FILES,
        spec=bank.bank_transactions_spec,
    ),
    DatasetInfo(
        name="beijing_pm25",
        loader=air_quality.beijing_pm25,
        family="air_quality",
        description="UCI Beijing PM2.5, hourly 2010-2014 with weather; natural gaps in pm2.5",
        returns="one row per hour of a complete grid; pm2.5 has NaN gaps",
        columns=("datetime", "No", "year", "month", "day", "hour", "pm2.5", "DEWP", "TEMP",
                 "PRES", "cbwd", "Iws", "Is", "Ir"),
        files=air_quality.FILES,
    ),
    DatasetInfo(
        name="fcc_mba",
        loader=broadband.fcc_mba,
        family="broadband",
        description="FCC Measuring Broadband America, 600 sequences x 56 steps "
        "(DoppelGANger preprocessing)",
        returns="long sequences: one row per (example_id, step)",
        columns=("example_id", "step", "traffic_byte_counter", "ping_loss_rate", "isp",
                 "technology", "state"),
        files=broadband.FILES,
        spec=broadband.fcc_mba_spec,
    ),
    DatasetInfo(
        name="wikipedia_traffic",
        loader=web_traffic.wikipedia_traffic,
        family="web_traffic",
        description="Kaggle Wikipedia web traffic, 10 pages x 550 days, long format",
        returns="long sequences: one row per (Page, date); format='wide' gives one row per page",
        columns=("Page", "date", "value"),
        files=web_traffic.FILES,
        spec=web_traffic.wikipedia_traffic_spec,
    ),
)

DATASETS: Mapping[str, DatasetInfo] = MappingProxyType({d.name: d for d in _ENTRIES})
"""Every bundled data set by loader name, in the order :func:`list_datasets` shows them."""


def dataset_info(name: str) -> DatasetInfo:
    """The registry entry of the data set whose loader is called ``name``.

    Raises:
        ValueError: If no bundled data set has that name; the message lists the names.
    """
    if not isinstance(name, str) or name not in DATASETS:
        raise ValueError(
            f"unknown data set {name!r}; choose one of {', '.join(DATASETS)} "
            "(tfgan_ts.datasets.list_datasets() describes them)"
        )
    return DATASETS[name]


def get_loader(name: str) -> Callable[..., pd.DataFrame]:
    """The loader function of the bundled data set ``name`` (e.g. ``"traffic_weeks"``).

    Raises:
        ValueError: If no bundled data set has that name; the message lists the names.
    """
    return dataset_info(name).loader


@functools.lru_cache(maxsize=1)
def _list_datasets() -> pd.DataFrame:
    rows = []
    for info in DATASETS.values():
        df = info.loader()
        rows.append(
            {
                "name": info.name,
                "rows": len(df),
                "columns": df.shape[1],
                "description": info.description,
            }
        )
    out = pd.DataFrame(rows, columns=["name", "rows", "columns", "description"])
    return out.astype({"rows": np.int64, "columns": np.int64})


def list_datasets() -> pd.DataFrame:
    """One row per bundled data set, describing its loader's output with default arguments.

    The first call loads every data set, which takes a few seconds; the result is cached.

    Returns:
        The columns ``name`` (the loader's function name), ``rows`` and ``columns`` (the
        shape of the frame the loader returns with default arguments, computed by loading
        it) and ``description``.
    """
    return _list_datasets().copy()
