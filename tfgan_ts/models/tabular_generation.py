"""TabularGAN's generation loop: condition vectors, rejection of rows that miss a requested
value, and (with a prior) the prior's exact values plus the generator's corrections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import tensorflow as tf

from ..nn.tabular import activate
from .tabular_prior import exact_prior_values, prior_for_conditions
from .tabular_sampling import condition_vectors


def condition_code(model, name: str, value) -> tuple[int, int]:
    """(condition column index, category index) of ``name == value``."""
    if name not in model.condition_columns:
        hint = (" (it is discrete: list it in TabularGAN(conditions=[...]))"
                if name in model.spec.column_names else "")
        raise ValueError(f"cannot condition on {name!r}{hint}; condition columns: "
                         f"{model.condition_columns}")
    col = model.spec.column(name)
    try:
        code = int(col.codes(pd.Series([value], dtype=object))[0])
    except ValueError:
        known = [c for c in col.categories_]
        raise ValueError(f"condition {name}={value!r}: no such category in column "
                         f"{name!r}; known categories: {known}") from None
    return model.condition_columns.index(name), code


def draw_rows(model, n: int, conditions: dict, seed: int, batch_size: int,
              max_draws: int | None) -> pd.DataFrame:
    """``n`` rows matching ``conditions`` (checked arguments; see ``TabularGAN.generate``)."""
    codes = [model._condition_code(k, v) for k, v in conditions.items()]
    rng = np.random.default_rng(seed)
    max_draws = max(100 * n, 10_000) if max_draws is None else int(max_draws)
    fn = model._cached_function("rows", lambda: tf.function(model._generation_pass,
                                                            reduce_retracing=True))
    slices = model.spec.slices()
    prior = model._prior
    kept, kept_prior, kept_raw, drawn, round_ = [], [], [], 0, 0
    while sum(len(k) for k in kept) < n:
        if drawn >= max_draws:
            got = sum(len(k) for k in kept)
            raise ValueError(
                f"conditions {conditions}: only {got} of {n} rows matched after {drawn} "
                "draws; the combination is too rare in what the model generates (train "
                "longer, condition on fewer columns, or raise max_draws)")
        m = batch_size
        cond = condition_vectors(m, codes, rng, model.cond_sizes,
                                 model.condition_state["counts"] if model.cond_dim else [])
        args = [tf.constant(cond), tf.constant([int(seed), round_], tf.int64)]
        if prior is not None:
            logits, raw = prior_for_conditions(
                prior, model.spec, model.blocks, cond, model.condition_columns,
                model.cond_sizes, int(rng.integers(2**31)))
            args.append(tf.constant(logits))
        rows = fn(*args).numpy()
        drawn += m
        round_ += 1
        keep = np.ones(m, bool)
        for name, (_, code) in zip(conditions, codes, strict=True):
            keep &= np.argmax(rows[:, slices[name]], axis=1) == code
        kept.append(rows[keep])
        if prior is not None:
            kept_prior.append(logits[keep])
            kept_raw.append(raw[keep])
    rows = np.concatenate(kept)[:n]
    table = model.spec.inverse_transform(rows, seed=int(seed))
    if prior is None:
        return table
    prior_rows = activate(tf.constant(np.concatenate(kept_prior)[:n]), model.blocks,
                          hard=True).numpy()
    return exact_prior_values(
        model.spec, table, model.spec.inverse_transform(prior_rows, seed=int(seed)),
        pd.concat(kept_raw, ignore_index=True).iloc[:n].reset_index(drop=True))
