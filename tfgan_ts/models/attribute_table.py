"""The training set's attribute combinations and their counts, for DoppelGANger's
``attribute_source="empirical"``: attributes are drawn from it instead of generated, so their
shares and joint shares match the data up to sampling noise (a GAN drops rare months and
weekdays), and the feature generator learns sequences conditioned on real combinations."""

from __future__ import annotations

import numpy as np


class AttributeTable:
    """Distinct encoded attribute rows (discrete attributes only: one-hot blocks) and how
    often each occurs in the training data."""

    def __init__(self, rows, counts):
        self.rows = np.asarray(rows, dtype=np.float32)
        self.counts = np.asarray(counts, dtype=np.int64)
        if self.rows.ndim != 2 or len(self.rows) != len(self.counts) or not len(self.rows):
            raise ValueError("an attribute table needs one count per distinct row")

    @classmethod
    def from_encoded(cls, attributes: np.ndarray) -> AttributeTable:
        """The distinct rows of the encoded attributes [n, attribute_dim] with their counts."""
        rows, counts = np.unique(np.asarray(attributes, np.float32), axis=0,
                                 return_counts=True)
        return cls(rows, counts)

    def sample(self, n: int, seed) -> np.ndarray:
        """``n`` rows drawn with replacement in proportion to their counts (numpy's
        generator from ``seed``: the same seed gives the same rows)."""
        rng = np.random.default_rng(seed)
        return self.rows[rng.choice(len(self.rows), size=n, p=self.counts / self.counts.sum())]

    def get_config(self) -> dict:
        return {"rows": self.rows.astype(int).tolist(), "counts": self.counts.tolist()}

    @classmethod
    def from_config(cls, config: dict) -> AttributeTable:
        return cls(config["rows"], config["counts"])


def check_attribute_source(source: str, spec, dp) -> str:
    """``"generator"`` (DoppelGANger's attribute MLP), ``"empirical"`` (drawn from the
    training set's combinations: every attribute discrete, no differential privacy) or
    ``"auto"``: empirical where it is allowed, the generator otherwise."""
    from ..columns import Discrete

    if source not in ("auto", "generator", "empirical"):
        raise ValueError("attribute_source must be 'auto', 'generator' or 'empirical', got "
                         f"{source!r}")
    continuous = [c.name for c in spec.attributes if not isinstance(c, Discrete)]
    if source == "auto":
        return "generator" if dp is not None or continuous else "empirical"
    if source == "empirical":
        if dp is not None:
            raise ValueError(
                "attribute_source='empirical' feeds the training set's attribute rows to the "
                "generator, which differential privacy does not cover; use "
                "attribute_source='generator' with dp=")
        if continuous:
            raise ValueError(
                f"attribute_source='empirical' draws whole attribute rows from the training "
                f"data, which would copy the values of the non-discrete attribute(s) "
                f"{continuous}; declare them Discrete or use attribute_source='generator'")
    return source
