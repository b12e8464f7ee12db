"""One worker of a two-worker ``MultiWorkerMirroredStrategy`` job, started by
tests/test_multiworker.py with ``TF_CONFIG`` (cluster of two workers on localhost, this
worker's task index) in its environment. Not a test itself.

``python tests/multiworker_job.py OUT train --backup DIR --epochs E [--hold-at K]``: a
tiny DoppelGANger created and compiled in the strategy's scope, trained with
``keras.callbacks.BackupAndRestore(DIR)``; appends each epoch it begins and each epoch whose
backup is written to ``OUT/progress.txt``; with ``--hold-at K`` it writes ``OUT/holding``
at the start of epoch K and waits there (the test kills it). At the end ``OUT/train.npz``
(weights and optimizer variables) and, on the chief, ``OUT/model.keras``.

``python tests/multiworker_job.py OUT private``: a tiny DP-SGD DoppelGANger (``OUT/dp.npz``:
weights, optimizer variables and the rows of the private batches this worker saw;
``OUT/dp.json``: the ledger's figures) and one of the one-shot embedding mechanism
(``OUT/embedding.npz`` and ``.json``).
"""

import argparse
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
START = time.time()


def note(what: str) -> None:
    """A line with the seconds since start and the CPU seconds so far on stdout (the test
    shows it on failure)."""
    cpu = sum(os.times()[:2])
    print(f"{time.time() - START:6.1f} s  ({cpu:5.1f} s CPU)  {what}", flush=True)


def variables(model) -> dict:
    """Every weight of the model and every optimizer variable, by position."""
    out = {f"w{i}": w for i, w in enumerate(model.get_weights())}
    for name in model.OPTIMIZERS:
        for i, v in enumerate(getattr(model, name).variables):
            out[f"{name}{i}"] = np.asarray(v.numpy())
    return out


def small(tiny: dict) -> dict:
    """The tests' tiny sizes with the MLP critic (its conv branch costs seconds of tracing)."""
    return {**tiny, "critic_filters": 0}


def local_rows(strategy, dataset) -> dict:
    """One epoch of the distributed private dataset as this worker sees it: per step, a key
    per row (its attribute and feature values) and the row's mask."""
    keys, masks = [], []
    for batch in strategy.experimental_distribute_dataset(dataset):
        rows = np.concatenate([np.reshape(t.numpy(), (t.shape[0], -1)) for t in (
            *strategy.experimental_local_results(batch["attributes"]),
            *strategy.experimental_local_results(batch["features"]))], axis=1)
        mask = np.concatenate([t.numpy() for t in strategy.experimental_local_results(
            batch["mask"])])[:, 0]
        keys.append(np.round(rows, 5))
        masks.append(mask)
    return {"keys": np.stack(keys), "masks": np.stack(masks)}


def private(strategy, tg, out: str) -> None:
    from test_doppelganger import TINY, toy_frame
    from test_dp import declared_spec

    with strategy.scope():
        model = tg.DoppelGANger(declared_spec(), sample_len=2, **small(TINY),
                                dp=tg.DPConfig(noise_multiplier=1.0))
        model.compile()
    dataset = model.make_dataset(toy_frame(n=40), batch_size=8)
    history = model.fit(dataset, epochs=2, verbose=0)
    note("DP model trained")
    assert np.isfinite(history.history["d_loss"]).all()
    np.savez(os.path.join(out, "dp.npz"), **variables(model), **local_rows(strategy, dataset))
    report = model.privacy_report()
    with open(os.path.join(out, "dp.json"), "w") as f:
        json.dump({"steps": int(model.dp_steps.numpy()),
                   "epsilon": model.privacy_spent().epsilon,
                   "history_epsilon": history.history["epsilon"],
                   "dp_sgd_epsilon": report["epsilon of dp-sgd alone"],
                   "discriminator_steps": report["discriminator_steps"],
                   "segments": model.ledger.get_state()["segments"],
                   "attribute_table": model.attribute_table.get_config()}, f)

    # the one-shot mechanism: one noisy release for the cluster, not one per worker
    with strategy.scope():
        embedded = tg.DoppelGANger(declared_spec(), sample_len=2, **small(TINY),
                                   dp=tg.DPConfig(noise_multiplier=0.5, mechanism="embedding",
                                                  embedding_features=16))
        embedded.compile()
    embedded.fit(toy_frame(n=20), epochs=1, batch_size=8, verbose=0)
    note("embedding model trained")
    np.savez(os.path.join(out, "embedding.npz"), **variables(embedded))
    with open(os.path.join(out, "embedding.json"), "w") as f:
        json.dump(embedded.ledger.get_state(), f)


def train(strategy, keras, tg, out: str, backup: str, epochs: int, hold_at) -> None:
    from test_doppelganger import TINY, toy_frame, toy_spec

    progress = os.path.join(out, "progress.txt")

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):  # noqa: ARG002
            with open(progress, "a") as f:
                f.write(f"begin {epoch}\n")
            if epoch == hold_at:  # wait here to be killed (SIGKILL) by the test
                open(os.path.join(out, "holding"), "w").close()
                time.sleep(120)
                raise SystemExit("the test did not kill this worker")

        def on_epoch_end(self, epoch, logs=None):  # noqa: ARG002 (after BackupAndRestore's)
            with open(progress, "a") as f:
                f.write(f"backed-up {epoch}\n")

    with strategy.scope():
        model = tg.DoppelGANger(toy_spec(), sample_len=2, **small(TINY))
        model.compile()
    callbacks = [keras.callbacks.BackupAndRestore(backup), Progress()]
    model.fit(toy_frame(), epochs=epochs, batch_size=8, verbose=0, callbacks=callbacks)
    note("trained")
    np.savez(os.path.join(out, "train.npz"), **variables(model))
    if strategy.cluster_resolver.task_id == 0:  # the chief saves the model
        model.save(os.path.join(out, "model.keras"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("job", choices=["train", "private"])
    parser.add_argument("--backup")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--hold-at", type=int)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    import keras
    import tensorflow as tf

    import tfgan_ts as tg

    tg.configure_threads()
    keras.config.disable_traceback_filtering()
    sys.path.insert(0, HERE)
    # on CPUs the collectives run over gRPC as a ring (what AUTO picks there too; NCCL is
    # for GPUs): explicit, so no GPU library is probed
    ring = tf.distribute.experimental.CommunicationImplementation.RING
    strategy = tf.distribute.MultiWorkerMirroredStrategy(
        communication_options=tf.distribute.experimental.CommunicationOptions(
            implementation=ring))
    assert strategy.num_replicas_in_sync == 2, strategy.num_replicas_in_sync
    note("strategy up")
    if args.job == "train":
        train(strategy, keras, tg, args.out, args.backup, args.epochs, args.hold_at)
    else:
        private(strategy, tg, args.out)
    with open(os.path.join(args.out, "done"), "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main()
