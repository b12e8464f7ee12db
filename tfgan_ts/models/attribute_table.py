"""The training set's attribute combinations and their counts, for DoppelGANger's
``attribute_source="empirical"``: attributes are drawn from it instead of generated, so their
shares and joint shares match the data up to sampling noise (a GAN drops rare months and
weekdays), and the feature generator learns sequences conditioned on real combinations.
Under differential privacy (``"released"``) the table is the exact joint of the attributes
declared public times the noisy histograms of the others, released once."""

from __future__ import annotations

import numpy as np


class AttributeTable:
    """Distinct encoded attribute rows (discrete attributes only: one-hot blocks) and how
    often each occurs in the training data."""

    def __init__(self, rows, counts):
        self.rows = np.asarray(rows, dtype=np.float32)
        self.counts = np.asarray(counts, dtype=np.float64)
        if self.rows.ndim != 2 or len(self.rows) != len(self.counts) or not len(self.rows):
            raise ValueError("an attribute table needs one count per distinct row")
        if not (np.all(self.counts >= 0) and self.counts.sum() > 0):
            raise ValueError("an attribute table needs non-negative counts, not all zero")

    @classmethod
    def from_encoded(cls, attributes: np.ndarray) -> AttributeTable:
        """The distinct rows of the encoded attributes [n, attribute_dim] with their counts."""
        rows, counts = np.unique(np.asarray(attributes, np.float32), axis=0,
                                 return_counts=True)
        return cls(rows, counts)

    @classmethod
    def merged(cls, tables: list[AttributeTable]) -> AttributeTable:
        """One table of the rows of ``tables`` (chunks of one data set), counts added; the
        rows sorted as :meth:`from_encoded` sorts them, so it equals the table of the whole."""
        rows = np.concatenate([t.rows for t in tables])
        counts = np.concatenate([t.counts for t in tables])
        distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
        return cls(distinct, np.bincount(inverse.ravel(), weights=counts))

    def sample(self, n: int, seed) -> np.ndarray:
        """``n`` rows drawn with replacement in proportion to their counts (numpy's
        generator from ``seed``: the same seed gives the same rows)."""
        return self.rows[self.draw(n, seed)]

    def draw(self, n: int, seed) -> np.ndarray:
        """The row indices :meth:`sample` takes (a million of them are 8 MB, the rows
        themselves can be far more)."""
        rng = np.random.default_rng(seed)
        return rng.choice(len(self.rows), size=n, p=self.counts / self.counts.sum())

    def pool(self, n: int = 20_000, seed=0) -> np.ndarray:
        """``n`` rows drawn from the table: the rows training conditions on."""
        return self.sample(n, seed)

    def get_config(self) -> dict:
        counts = self.counts
        whole = np.all(counts == np.round(counts))
        return {"rows": self.rows.astype(int).tolist(),
                "counts": (counts.astype(np.int64) if whole else counts).tolist()}

    @classmethod
    def from_config(cls, config: dict) -> AttributeTable:
        return cls(config["rows"], config["counts"])


MAX_RELEASED_ROWS = 200_000


def released_table(spec, attributes: np.ndarray, weights: np.ndarray, public: list[str],
                   sigma: float | None, rng: np.random.Generator) -> AttributeTable:
    """The attribute table of a private run: the exact joint of the ``public`` attributes
    (weighted counts), times one noisy histogram per other attribute.

    ``weights``: each sequence's weight (1 / sequences of its unit), so a unit adds at most
    one to every histogram; all private histograms together have L2 sensitivity √k for k
    attributes and get Gaussian noise of std σ·√k (one release). Negative counts become 0;
    a histogram left all zero becomes uniform."""
    blocks, start = [], 0
    for col, out in zip(spec.attributes, spec.attribute_outputs(), strict=True):
        blocks.append((col.name, slice(start, start + out.dim)))
        start += out.dim
    private = [(name, sl) for name, sl in blocks if name not in public]
    size = np.prod([sl.stop - sl.start for _, sl in private]) if private else 1
    pub_cols = np.concatenate([np.arange(sl.start, sl.stop) for name, sl in blocks
                               if name in public] or [np.zeros(0, int)])
    if len(pub_cols):
        pub_rows, inverse = np.unique(attributes[:, pub_cols], axis=0, return_inverse=True)
    else:
        pub_rows, inverse = np.zeros((1, 0), np.float32), np.zeros(len(attributes), int)
    pub_counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(pub_rows))
    if size * len(pub_rows) > MAX_RELEASED_ROWS:
        raise ValueError(
            f"the private attributes {[n for n, _ in private]} have {size} combinations (times "
            f"{len(pub_rows)} public ones): too many to sample from; declare some public or "
            "give them fewer categories")
    rows = np.zeros((len(pub_rows), start), np.float32)
    rows[:, pub_cols] = pub_rows
    probs = pub_counts / pub_counts.sum()
    scale = sigma * np.sqrt(len(private)) if private else 0.0
    for _, sl in private:
        counts = attributes[:, sl].T @ weights + rng.normal(0.0, scale, sl.stop - sl.start)
        counts = np.maximum(counts, 0.0)
        p = counts / counts.sum() if counts.sum() > 0 else np.full(len(counts), 1 / len(counts))
        dim = sl.stop - sl.start
        rows = np.repeat(rows, dim, axis=0)
        rows[:, sl] = np.tile(np.eye(dim, dtype=np.float32), (len(rows) // dim, 1))
        probs = (probs[:, None] * p[None, :]).ravel()
    keep = probs > 0
    return AttributeTable(rows[keep], probs[keep] * weights.sum())


def check_attribute_source(source: str, spec, dp) -> str:
    """``"generator"`` (DoppelGANger's attribute MLP), ``"empirical"`` (drawn from the
    training set's combinations: every attribute discrete, no differential privacy),
    ``"released"`` (with differential privacy: from a table released once, see
    :func:`released_table`) or ``"auto"``: empirical, or released under DP, where every
    attribute is discrete; the generator otherwise."""
    from ..columns import Discrete

    if source not in ("auto", "generator", "empirical", "released"):
        raise ValueError("attribute_source must be 'auto', 'generator', 'empirical' or "
                         f"'released', got {source!r}")
    continuous = [c.name for c in spec.attributes if not isinstance(c, Discrete)]
    embedding = dp is not None and dp.mechanism == "embedding"
    if embedding and (source == "generator" or continuous):
        raise ValueError(
            "DPConfig(mechanism='embedding') draws attributes from a released table, which "
            f"needs every attribute Discrete (not: {continuous}) and attribute_source 'auto' "
            f"or 'released' (got {source!r}); or use mechanism='dp-sgd'")
    if source == "auto":
        if continuous:
            return "generator"
        return "empirical" if dp is None else "released"
    if source == "released":
        if dp is None:
            raise ValueError("attribute_source='released' is for private training (dp=); "
                             "without it use 'empirical'")
        if continuous:
            raise ValueError(f"attribute_source='released' needs every attribute Discrete; "
                             f"{continuous} are not")
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
