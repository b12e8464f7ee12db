"""Real, public time-series data sets bundled with tfgan_ts.

The raw files ship xz-compressed in ``tfgan_ts/datasets/data`` exactly as they
were published (see ``data/SOURCES.md`` for origin, licence notes and commits).
Every cleaning step happens in the loaders and is documented in the loader's
docstring. Anything removed or altered on purpose is counted in
``DataFrame.attrs``.

Loaders (all return a fresh :class:`pandas.DataFrame`), one module per family:

* ``traffic``: :func:`load_traffic` (Metro Interstate hourly traffic, as
  shipped) and :func:`traffic_weeks` (the same data cut into fixed-length
  windows, long format, for DoppelGANger).
* ``bank``: :func:`bank_transactions` (Berka / PKDD'99 transactions of 354
  whole accounts, with the accounts' static attributes).
* ``air_quality``: :func:`beijing_pm25` (hourly Beijing PM2.5 with its natural
  gaps).
* ``broadband``: :func:`fcc_mba` (the FCC MBA sequences as preprocessed for
  DoppelGANger).
* ``web_traffic``: :func:`wikipedia_traffic` (daily views of 10 Wikipedia
  pages).

``registry.DATASETS`` is the one list of them: :func:`list_datasets` gives the
shape of each loader's default output, :func:`get_loader` finds a loader by
name and :func:`default_spec` gives a :class:`~tfgan_ts.SequenceSpec` for the
sequence data sets.

Datetime columns are ``datetime64[ns]`` on every pandas version, and text
columns use pandas' default string dtype.
"""

from __future__ import annotations

# The loaders are re-exported with redundant aliases (the explicit re-export form that type
# checkers read), because ``__all__`` is built from the registry.
from .air_quality import beijing_pm25 as beijing_pm25
from .bank import bank_transactions as bank_transactions
from .broadband import fcc_mba as fcc_mba
from .registry import DATASETS, DatasetInfo, dataset_info, get_loader, list_datasets
from .specs import default_spec
from .traffic import WEEKDAYS
from .traffic import load_traffic as load_traffic
from .traffic import traffic_weeks as traffic_weeks
from .web_traffic import wikipedia_traffic as wikipedia_traffic

__all__ = [
    *DATASETS,
    "DATASETS",
    "DatasetInfo",
    "WEEKDAYS",
    "dataset_info",
    "default_spec",
    "get_loader",
    "list_datasets",
]
