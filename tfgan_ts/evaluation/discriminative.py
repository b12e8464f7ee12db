"""Discriminative score (TimeGAN): can a small recurrent classifier tell synthetic from real?

Keras 3, imported when :func:`discriminative_score` runs (the network is in
:mod:`.classifier`), so the rest of ``tfgan_ts.evaluation`` stays free of TensorFlow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.model_selection import train_test_split

from ..sequence_data import SequenceData
from ._inputs import check_int, check_spec
from .prepared import PreparedFrame, encoded_records

__all__ = ["discriminative_score"]


def _inputs(data) -> tuple[np.ndarray, np.ndarray]:
    """Per-step classifier input ``[n, T, F + A + D]`` (features, then the attributes and
    derived attributes repeated along time) and the step mask ``[n, T]``: True for the
    ``lengths`` first steps (where the generation flags are 1)."""
    n, T = data.features.shape[:2]
    static = np.concatenate([data.attributes, data.derived_attributes], axis=1)
    x = np.concatenate([data.features, np.repeat(static[:, None, :], T, axis=1)], axis=2)
    mask = np.arange(T)[None, :] < np.asarray(data.lengths)[:, None]
    return x.astype(np.float32), mask


def _chance_score(n_test: int) -> float:
    """E|K/n - 1/2| for K ~ Binomial(n, 1/2): the expected score of a coin-flipping
    classifier on ``n`` held-out sequences."""
    k = np.arange(n_test + 1)
    return float(np.sum(stats.binom.pmf(k, n_test, 0.5) * np.abs(k / n_test - 0.5)))


def discriminative_score(
    real: pd.DataFrame | PreparedFrame | SequenceData,
    synthetic: pd.DataFrame | PreparedFrame | SequenceData,
    spec,
    repeats: int = 5,
    test_size: float = 0.3,
    units: int | None = None,
    epochs: int = 20,
    batch_size: int = 64,
    seed: int | None = None,
    learning_rate: float = 0.01,
) -> dict:
    """TimeGAN's discriminative score: ``|held-out accuracy - 0.5|`` of a post-hoc GRU
    classifier trained to tell real sequences (label 1) from synthetic ones (label 0).

    0 = the classifier does no better than chance (real and synthetic look alike to it);
    0.5 = it separates them perfectly. This is the definition of Yoon, Jarrett & van der
    Schaar, "Time-series Generative Adversarial Networks" (NeurIPS 2019), and of their code
    (``metrics/discriminative_metrics.py``: ``discriminative_score = np.abs(0.5 - acc)``).
    Other libraries report different numbers under similar names, so do not compare across
    them: tsgm's discriminative metric returns the raw accuracy (0.5 = alike, 1 = separable)
    and SDMetrics' detection metrics are documented as "one minus the average ROC AUC" but
    compute ``1 - mean(2 * max(AUC, 0.5) - 1)`` (1 = alike, 0 = separable). We return
    ``|acc - 0.5|`` because it is the published TimeGAN number, it is 0 for the ideal, and
    an accuracy far *below* 0.5 is as much a sign of a difference as one far above it (a
    classifier that is always wrong separates the two sets perfectly once its answer is
    flipped). The raw accuracies are returned too.

    Procedure, repeated ``repeats`` times with fresh randomness:

    1. Both sets are encoded with the same fitted ``spec`` (``spec.transform``). Each step's
       input is the step's features followed by the sequence's attributes and derived
       attributes (auto-normalization midpoints/half-ranges, start time), repeated at every
       step. Steps after a sequence's end (``lengths``, where the generation flags are 0)
       are masked: the GRU stops updating there, so its final state is its state after the
       last real step. Lengths therefore stay visible to the classifier (through how many
       steps it reads) while the padding values do not matter. (TimeGAN's data were
       fixed-length and its published classifier reads every step; for those the two agree.)
    2. Classes are balanced: the larger set is subsampled without replacement (seeded) to the
       size of the smaller, ``n_per_class``; a new subsample is drawn in every repeat.
    3. A stratified split (``sklearn.model_selection.train_test_split``, ``test_size``) holds
       out ``n_test`` sequences, half real and half synthetic (up to rounding).
    4. A fresh ``GRU(units) -> Dense(1, sigmoid)`` is trained with Adam
       (``learning_rate``) on binary cross-entropy for ``epochs`` epochs of ``batch_size``,
       shuffled.
    5. Held-out accuracy = share of held-out sequences whose predicted probability of "real"
       is on the right side of 0.5 (``> 0.5`` means real, as in TimeGAN); score =
       ``|accuracy - 0.5|``.

    Returns a dict:

    * ``score`` — mean of the per-repeat scores; ``std`` — their standard deviation
      (population, ``ddof=0``); ``scores`` and ``accuracies`` — per-repeat lists (held-out);
      ``train_accuracies`` — accuracy on each repeat's training split;
    * ``n_real``, ``n_synthetic`` — sequences given; ``n_per_class`` — used per class;
      ``n_test`` — held-out sequences per repeat; ``units`` — GRU width used;
    * ``chance_score`` — the expected score of a classifier that guesses by a fair coin on
      ``n_test`` sequences (``E|K/n_test - 1/2|``, ``K ~ Binomial(n_test, 1/2)``). Because the
      score is an absolute value, noise alone makes it positive: scores near
      ``chance_score`` are indistinguishable from chance at this test-set size.

    Reading it: the score is only as strong as the classifier. A small GRU trained for a
    few epochs may simply fail to learn the difference — then the score is low although
    the data differ; ``train_accuracies`` near 0.5 show such underfitting. Treat a low score
    as "this classifier could not tell", not as proof of realism, and for release decisions
    raise ``epochs`` (TimeGAN trains 2000 batches of 128 per class) and use several
    ``repeats``. A held-out accuracy below 0.5 by much more than ``chance_score`` usually
    means synthetic sequences are near-copies of real ones (a held-out real sequence's
    synthetic twin was in the training split with the opposite label); check
    :func:`distance_to_closest_record`.

    Args:
        real: real sequences (DataFrame the spec can encode, its PreparedFrame, or a
            SequenceData of this spec).
        synthetic: generated sequences, same form.
        spec: the fitted :class:`tfgan_ts.SequenceSpec` for both.
        repeats: number of independent subsample/split/initialisation/training rounds.
        test_size: held-out fraction of the ``2 * n_per_class`` sequences, in (0, 1).
        units: GRU width; default ``max(8, min(64, C // 2))`` with ``C`` the per-step input
            width (features + attributes + derived attributes) — TimeGAN uses ``C // 2``;
            the floor keeps few-feature data learnable and the cap keeps it cheap on CPU.
        epochs, batch_size: training of each classifier.
        learning_rate: Adam's step size. TimeGAN uses Keras' default 1e-3 for 2000 batches;
            with ``epochs=20`` on a few hundred sequences (about 100 batches) 1e-3 often
            left the classifier near chance even on clearly different data in our tests, so
            the default here is 1e-2.
        seed: integer seed for the subsamples, splits, weights and batch order, all drawn
            from it locally (NumPy's global state, Python's ``random`` and TensorFlow's global
            seed are neither read nor changed), so the same seed gives the same score. None:
            a fresh seed from Python's ``random``.
    """
    check_spec(spec)
    check_int("repeats", repeats, 1)
    check_int("epochs", epochs, 1)
    check_int("batch_size", batch_size, 1)
    if units is not None:
        check_int("units", units, 1)
    if seed is not None:
        check_int("seed", seed, 0)
    if isinstance(test_size, bool) or not isinstance(test_size, (float, int)) or not (
        0.0 < float(test_size) < 1.0
    ):
        raise ValueError(
            f"test_size must be a fraction strictly between 0 and 1, got {test_size!r}"
        )
    test_size = float(test_size)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (float, int)) or not (
        np.isfinite(learning_rate) and learning_rate > 0
    ):
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")

    x_real, m_real = _inputs(encoded_records(real, spec, "real")[0])
    x_syn, m_syn = _inputs(encoded_records(synthetic, spec, "synthetic")[0])
    n_real, n_syn = len(x_real), len(x_syn)
    n_per_class = min(n_real, n_syn)
    total = 2 * n_per_class
    n_test = int(np.ceil(test_size * total))  # sklearn's rounding for a float test_size
    if n_test < 2 or total - n_test < 2:
        raise ValueError(
            f"too few sequences for a stratified split: {n_real} real and {n_syn} synthetic "
            f"give {n_per_class} per class, and test_size={test_size} leaves {total - n_test} "
            f"for training and {n_test} for testing (each needs >= 2, one per class); use more "
            "sequences (dozens per class at least for a meaningful score)"
        )
    width = x_real.shape[2]
    if units is None:
        units = max(8, min(64, width // 2))
    # every sequence full length: the mask would change nothing, so the GRU reads all steps
    masked = not (m_real.all() and m_syn.all())

    from ..seeding import draw_seed
    from .classifier import SequenceClassifier

    seed = draw_seed(seed)
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.ones(n_per_class), np.zeros(n_per_class)]).astype(np.float32)
    steps_per_epoch = int(np.ceil((total - n_test) / batch_size))
    classifier = SequenceClassifier(x_real.shape[1], width, units, learning_rate, masked, seed,
                                    steps_per_epoch)

    scores, accuracies, train_accuracies = [], [], []
    for r in range(repeats):
        pick_r = rng.choice(n_real, size=n_per_class, replace=False)
        pick_s = rng.choice(n_syn, size=n_per_class, replace=False)
        x = np.concatenate([x_real[pick_r], x_syn[pick_s]])
        m = np.concatenate([m_real[pick_r], m_syn[pick_s]])
        idx_train, idx_test = train_test_split(
            np.arange(total),
            test_size=test_size,
            stratify=labels,
            random_state=int(rng.integers(2**31 - 1)),
        )
        classifier.train(r, x[idx_train], m[idx_train], labels[idx_train], epochs, batch_size)
        acc = classifier.accuracy(x[idx_test], m[idx_test], labels[idx_test])
        train_acc = classifier.accuracy(x[idx_train], m[idx_train], labels[idx_train])
        accuracies.append(acc)
        train_accuracies.append(train_acc)
        scores.append(abs(acc - 0.5))

    return {
        "score": float(np.mean(scores)),
        "std": float(np.std(scores)),
        "scores": [float(s) for s in scores],
        "accuracies": [float(a) for a in accuracies],
        "train_accuracies": [float(a) for a in train_accuracies],
        "n_real": int(n_real),
        "n_synthetic": int(n_syn),
        "n_per_class": int(n_per_class),
        "n_test": int(n_test),
        "units": int(units),
        "chance_score": _chance_score(n_test),
    }
