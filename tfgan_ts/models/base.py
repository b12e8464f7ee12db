"""The one GAN base of the library: the scaffolding every model shares (seeds, metric
trackers, optimizers and their saved compile settings, readiness under a distribution
strategy, a cache of generation functions kept out of Keras's tracking, config round trip).
Subclasses add their networks, ``compile`` arguments and ``train_step``."""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from ..gan import make_optimizer, prepare_optimizer
from ..runtime import multi_worker


def check_positive_int(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int >= ``minimum``; ValueError naming the argument otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


class GANModel(keras.Model):
    """Base of DoppelGANger, TabularGAN and ImputationGAN.

    Args:
        seed: seeds the training noise (a ``keras.random.SeedGenerator``, local to the model).
        weights_seed: seeds the weight initializers and dropout of the networks the model
            builds; None leaves them to Keras's global generator (``keras.utils``
            ``.set_random_seed`` then decides them, as for any Keras layer).

    Subclasses set ``METRICS`` (names of the logged losses), ``OPTIMIZERS`` (attribute names
    of their optimizers, the first is the one Keras's ``compile`` gets), and implement
    ``_optimizer_pairs`` and ``_make_networks`` (or override ``_build_networks``).
    """

    METRICS: tuple[str, ...] = ()
    OPTIMIZERS: tuple[str, ...] = ("generator_optimizer", "discriminator_optimizer")

    def __init__(self, seed: int | None = None, weights_seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if weights_seed is not None:
            weights_seed = check_positive_int("weights_seed", weights_seed, 0)
        self.seed = seed
        self.weights_seed = weights_seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = [keras.metrics.Mean(name=n) for n in self.METRICS]
        self._gan_compiled = False
        self._compile_args = {}

    # ------------------------------------------------------------------ compile ------
    def _compile_gan(self, optimizers: dict, settings: dict, defaults: dict | None = None,
                     jit_compile: bool = False, steps_per_execution: int = 1) -> None:
        """Set each optimizer (given, or Adam with ``defaults``; wrapped for mixed
        precision), remember the compile settings for saving, compile the Keras model."""
        defaults = defaults or {}
        for name in self.OPTIMIZERS:
            setattr(self, name, prepare_optimizer(make_optimizer(optimizers.get(name),
                                                                 **defaults)))
        self._compile_args = {
            **settings, "jit_compile": bool(jit_compile),
            "steps_per_execution": int(steps_per_execution),
            **{name: keras.optimizers.serialize(getattr(self, name))
               for name in self.OPTIMIZERS}}
        super().compile(optimizer=getattr(self, self.OPTIMIZERS[0]),
                        jit_compile=bool(jit_compile),
                        steps_per_execution=int(steps_per_execution))
        self._gan_compiled = True

    def get_compile_config(self) -> dict | None:
        return dict(self._compile_args) if self._gan_compiled else None

    def compile_from_config(self, config: dict) -> None:
        config = dict(config)
        for name in self.OPTIMIZERS:
            if name in config:
                config[name] = keras.optimizers.deserialize(config[name])
        self.compile(**config)
        if self.built:
            self._build_optimizers()

    @property
    def metrics(self):
        return list(getattr(self, "trackers", []))

    def _update_metrics(self, values: dict) -> dict:
        for tracker in self.trackers:
            tracker.update_state(keras.ops.cast(values[tracker.name], "float32"))
        results = {t.name: t.result() for t in self.trackers}
        if multi_worker(self.distribute_strategy):
            # Keras 3.15 averages the logs of several workers with strategy.reduce(...,
            # axis=0), which fails on scalars (tensorflow/tensorflow#72388): give it one
            # entry per replica to average
            results = {k: keras.ops.reshape(v, (1,)) for k, v in results.items()}
        return results

    # ------------------------------------------------------------------ readiness ----
    def _optimizer_pairs(self) -> list:
        """(optimizer, variables it updates) for every optimizer."""
        raise NotImplementedError

    def _build_networks(self) -> None:
        """Create and build the networks if they are not yet (a no-op once built)."""
        if not self._networks_ready:
            self._make_networks()
        if not self.built:
            self.build()

    def _build_optimizers(self) -> None:
        """Optimizer slots created up front, not lazily inside the traced train step."""
        for opt, variables in self._optimizer_pairs():
            if not opt.built:
                opt.build(variables)

    def _ensure_ready(self) -> None:
        """Networks, variables, compile state and optimizer slots, created under the
        distribution strategy the model was made in."""
        with self.distribute_strategy.scope():
            self._build_networks()
            if not self._gan_compiled:
                self.compile()
            self._build_optimizers()

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        """Keras builds an unbuilt model from a first batch here, and under a
        MultiWorkerMirroredStrategy it first all-reduces that batch, which fails on a dict
        batch (Keras 3.15: "Attempt to convert a value ({'attributes': PerReplica...").
        ``fit`` has built the networks and optimizers already (no compiled metrics or
        loss to build), so there is nothing left to build."""
        if self.built and self._gan_compiled:
            return
        super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)

    # ------------------------------------------------------------------ generation ---
    def _cached_function(self, key, make: Callable):
        """A traced generation function, built once per key and kept out of Keras's
        attribute tracking (which would try to save it)."""
        cache = self.__dict__.setdefault("_generation_functions", {})
        if key not in cache:
            cache[key] = make()
        return cache[key]

    @staticmethod
    def _generation_seed(seed) -> int:
        """``seed`` as an int, or a fresh one from the operating system's entropy."""
        if seed is None:
            return int(np.random.default_rng().integers(2**31 - 1))
        return int(seed)

    # ------------------------------------------------------------------ config -------
    def get_config(self) -> dict:
        config = {"seed": self.seed, "name": self.name}
        if self.weights_seed is not None:
            config["weights_seed"] = self.weights_seed
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def get_build_config(self) -> dict:
        return {"networks": bool(self.built)}

    def build_from_config(self, config: dict) -> None:
        if config.get("networks"):
            self._build_networks()
