"""``SequenceData``: the array form of a set of sequences, what the GANs train on."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SequenceData:
    """Encoded sequences with their attributes.

    attributes:          [n, A]     encoded static attributes (one-hot / scaled)
    derived_attributes:  [n, D]     attributes the spec derives per example: the midpoint and
                                    half-range of each auto-normalized feature, the start
                                    time of event-time sequences (DoppelGANger's "min/max")
                                    and the opening of a declared running total
    features:            [n, T, F]  encoded features, zero after each sequence's end
    gen_flags:           [n, T]     1 while the sequence goes on, 0 after its end
    lengths:             [n]        number of valid steps per example
    example_ids:         [n]        original example ids (None for generated data)
    """

    attributes: np.ndarray
    derived_attributes: np.ndarray
    features: np.ndarray
    gen_flags: np.ndarray
    lengths: np.ndarray
    example_ids: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        self.attributes = np.asarray(self.attributes, dtype=np.float32)
        self.derived_attributes = np.asarray(self.derived_attributes, dtype=np.float32)
        self.features = np.asarray(self.features, dtype=np.float32)
        self.gen_flags = np.asarray(self.gen_flags, dtype=np.float32)
        self.lengths = np.asarray(self.lengths, dtype=np.int64)
        n = len(self.lengths)
        for name in ("attributes", "derived_attributes", "features", "gen_flags"):
            arr = getattr(self, name)
            if arr.shape[0] != n:
                raise ValueError(
                    f"SequenceData.{name} has {arr.shape[0]} examples but lengths has {n}"
                )
        if self.attributes.ndim != 2 or self.derived_attributes.ndim != 2:
            raise ValueError("SequenceData attributes and derived_attributes must be 2-D [n, dim]")
        if self.features.ndim != 3 or self.gen_flags.ndim != 2:
            raise ValueError("SequenceData features must be [n, T, F] and gen_flags [n, T]")
        if self.features.shape[1] != self.gen_flags.shape[1]:
            raise ValueError(
                f"SequenceData features have {self.features.shape[1]} steps but gen_flags have "
                f"{self.gen_flags.shape[1]}"
            )
        if n and (self.lengths.min() < 0 or self.lengths.max() > self.max_length):
            raise ValueError(f"SequenceData lengths must lie in 0..{self.max_length}")
        if self.example_ids is not None:
            self.example_ids = np.asarray(self.example_ids)
            if len(self.example_ids) != n:
                raise ValueError("SequenceData example_ids must have one id per example")

    @property
    def max_length(self) -> int:
        """Number of steps every example is padded to."""
        return int(self.features.shape[1])

    def __len__(self) -> int:
        return int(len(self.lengths))

    def __getitem__(self, index: int | slice | np.ndarray | list) -> SequenceData:
        """A subset of examples (slice, integer array or boolean mask)."""
        if isinstance(index, (int, np.integer)):
            index = [int(index)]
        ids = None if self.example_ids is None else self.example_ids[index]
        return SequenceData(
            self.attributes[index],
            self.derived_attributes[index],
            self.features[index],
            self.gen_flags[index],
            self.lengths[index],
            ids,
        )

    @staticmethod
    def flags_from_lengths(lengths: np.ndarray, max_length: int) -> np.ndarray:
        """Generation flags ``[n, max_length]``: 1 for the first ``lengths[i]`` steps, else 0."""
        return (np.arange(max_length)[None, :] < np.asarray(lengths)[:, None]).astype(np.float32)

    @staticmethod
    def lengths_from_flags(gen_flags: np.ndarray) -> np.ndarray:
        """Length = steps before the first flag below 0.5 (a generated flag that drops and
        rises again still ends the sequence at its first drop)."""
        on = np.asarray(gen_flags) >= 0.5
        return np.where(on.all(axis=1), on.shape[1], np.argmin(on, axis=1)).astype(np.int64)
