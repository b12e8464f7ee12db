"""``default_spec``: the SequenceSpec that suits a bundled sequence data set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .registry import DATASETS

if TYPE_CHECKING:
    from ..spec import SequenceSpec


def default_spec(name: str, public_schema: bool = False) -> SequenceSpec:
    """A :class:`tfgan_ts.SequenceSpec` suited to the bundled sequence data set ``name``.

    ``"traffic_weeks"``: windows with weekday/month/holiday attributes and traffic volume and
    temperature features. ``"bank_transactions"``: event-time sequences per account (dates
    become an inter-arrival feature) with the statement frequency as attribute.
    ``"fcc_mba"``: the DoppelGANger paper's MBA setup. ``"wikipedia_traffic"``: one daily
    view count per page (long or wide).

    Args:
        name: A loader name from :func:`list_datasets` that has a default spec.
        public_schema: Declare every bound and category from public facts instead of
            fitting them, as differentially private training needs (``traffic_weeks``
            only: weekdays, months 1-12, holiday yes/no, 168 hours, volume 0-8,000
            vehicles/hour, temperature 230-320 K).

    Raises:
        ValueError: If ``name`` has no default spec, or no public schema when
            ``public_schema`` is True.
    """
    info = DATASETS.get(name) if isinstance(name, str) else None
    if public_schema:
        if info is None or info.public_spec is None:
            raise ValueError(f"no public schema is known for {name!r}; declare bounds and "
                             "categories yourself, or train with "
                             "DPConfig(allow_data_derived_schema=True)")
        return info.public_spec()
    if info is None or info.spec is None:
        with_spec = sorted(n for n, entry in DATASETS.items() if entry.spec is not None)
        raise ValueError(f"no default spec for {name!r}; choose one of {with_spec}")
    return info.spec()
