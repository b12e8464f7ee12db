"""Beijing PM2.5 (US Embassy): hourly air quality and weather with natural gaps."""

from __future__ import annotations

import functools

import pandas as pd

from ._files import read_bundled_csv, to_datetime_ns

PM25_FILE = "PRSA_data_2010.1.1-2014.12.31.csv.xz"
FILES = (PM25_FILE,)


@functools.lru_cache(maxsize=1)
def _pm25_raw() -> pd.DataFrame:
    return read_bundled_csv(PM25_FILE)


def beijing_pm25() -> pd.DataFrame:
    """UCI Beijing PM2.5 (US Embassy), hourly 2010-01-01 to 2014-12-31, with its gaps.

    No cleaning. The 2,067 missing ``pm2.5`` values (empty fields in the
    shipped file) are natural gaps and are kept as NaN, which makes this data
    set suitable for imputation.

    Returns:
        43,824 rows (a complete hourly grid) in file order. The first column
        is ``datetime`` (datetime64[ns]), built from
        ``year``/``month``/``day``/``hour``. Then come all 13 shipped columns:
        ``No`` (row number), ``year``, ``month``, ``day``, ``hour``, ``pm2.5``
        (float64, ug/m^3), ``DEWP`` (dew point, C), ``TEMP`` (C), ``PRES``
        (hPa), ``cbwd`` (str, combined wind direction: NE, NW, SE, cv =
        calm/variable), ``Iws`` (cumulated wind speed, m/s), ``Is`` and ``Ir``
        (cumulated hours of snow and of rain). ``attrs["missing_pm25"]`` holds
        the count of missing ``pm2.5`` values.
    """
    df = _pm25_raw().copy()
    dt = pd.to_datetime(df[["year", "month", "day", "hour"]])
    df.insert(0, "datetime", to_datetime_ns(dt))
    df.attrs["missing_pm25"] = int(df["pm2.5"].isna().sum())
    return df
