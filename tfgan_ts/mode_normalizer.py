"""Mode-specific normalization of a continuous column for tabular GANs (Xu et al., 2019).

A variational Gaussian mixture is fitted per column; each value becomes (its offset within a
mode, scaled to about [-1, 1]; the one-hot mode), easy targets for tanh and softmax outputs.
"""

from __future__ import annotations

import warnings

import numpy as np

# offsets are (x − μ) / (4σ): four standard deviations of a mode map to ±1
_SPREAD = 4.0
_CLIP = 0.99


class ModeNormalizer:
    """Mode-specific normalization of one continuous column.

    A ``BayesianGaussianMixture`` with a Dirichlet-process prior (``max_modes`` components)
    is fitted; components with weight ≥ ``weight_threshold`` are kept as modes. A value is
    encoded as (α, one-hot mode) with the mode drawn from its posterior probabilities and
    α = (x − μ) / (4σ) clipped to ±0.99; decoding is μ + 4σα of the chosen mode.
    """

    def __init__(self, max_modes: int = 10, weight_threshold: float = 0.005):
        if not isinstance(max_modes, (int, np.integer)) or max_modes < 1:
            raise ValueError(f"max_modes must be an integer >= 1, got {max_modes!r}")
        if not 0.0 <= float(weight_threshold) < 1.0:
            raise ValueError(f"weight_threshold must be in [0, 1), got {weight_threshold!r}")
        self.max_modes = int(max_modes)
        self.weight_threshold = float(weight_threshold)
        self.means_: list[float] | None = None
        self.stds_: list[float] | None = None
        self.weights_: list[float] | None = None

    @property
    def n_modes(self) -> int:
        """Number of kept modes."""
        return len(self.means_)

    def fit(self, x: np.ndarray, seed: int = 0) -> ModeNormalizer:
        """Fit the mixture on the values ``x`` (``seed`` seeds it); keep the heavy modes."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture

        x = np.asarray(x, np.float64)
        unique = np.unique(x)
        width = float(x.max() - x.min()) if len(x) else 0.0
        if len(unique) <= 1 or width == 0.0:
            # a constant column: one mode, any positive σ decodes it exactly
            self.means_, self.stds_, self.weights_ = [float(x[0])], [1.0], [1.0]
            return self
        gmm = BayesianGaussianMixture(
            n_components=min(self.max_modes, len(unique)),
            weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=1e-3, max_iter=100, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gmm.fit(x[:, None])
        keep = gmm.weights_ >= self.weight_threshold
        if not keep.any():
            keep = gmm.weights_ == gmm.weights_.max()
        floor = 1e-6 * width  # a mode sitting on one repeated value has σ → 0
        self.means_ = [float(m) for m in gmm.means_[keep, 0]]
        self.stds_ = [max(float(np.sqrt(c)), floor) for c in gmm.covariances_[keep].ravel()]
        self.weights_ = [float(w) for w in gmm.weights_[keep] / gmm.weights_[keep].sum()]
        return self

    def _log_posterior(self, x: np.ndarray) -> np.ndarray:
        mu, sd = np.asarray(self.means_), np.asarray(self.stds_)
        z = (x[:, None] - mu) / sd
        return np.log(self.weights_) - np.log(sd) - 0.5 * z * z

    def encode(self, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """[n] → [n, 1 + n_modes]: α then the one-hot mode (sampled from the posterior)."""
        x = np.asarray(x, np.float64)
        logp = self._log_posterior(x)
        # Gumbel-max draws one mode per value from softmax(logp)
        modes = np.argmax(logp + rng.gumbel(size=logp.shape), axis=1)
        mu, sd = np.asarray(self.means_)[modes], np.asarray(self.stds_)[modes]
        alpha = np.clip((x - mu) / (_SPREAD * sd), -_CLIP, _CLIP)
        out = np.zeros((len(x), 1 + self.n_modes), np.float32)
        out[:, 0] = alpha
        out[np.arange(len(x)), 1 + modes] = 1.0
        return out

    def decode(self, block: np.ndarray) -> np.ndarray:
        """[n, 1 + n_modes] → [n] values: μ + 4σα of each row's argmax mode."""
        block = np.asarray(block, np.float64)
        modes = np.argmax(block[:, 1:], axis=1)
        alpha = np.clip(block[:, 0], -1.0, 1.0)
        return np.asarray(self.means_)[modes] + _SPREAD * np.asarray(self.stds_)[modes] * alpha

    def get_config(self) -> dict:
        """Settings and fitted modes as plain JSON-able values."""
        return {"max_modes": self.max_modes, "weight_threshold": self.weight_threshold,
                "means_": self.means_, "stds_": self.stds_, "weights_": self.weights_}

    @classmethod
    def from_config(cls, config: dict) -> ModeNormalizer:
        """Rebuild a normalizer from :meth:`get_config`'s output."""
        config = dict(config)
        fitted = {k: config.pop(k, None) for k in ("means_", "stds_", "weights_")}
        out = cls(**config)
        for key, value in fitted.items():
            setattr(out, key, value)
        return out
