"""One worker of a two-worker ``MultiWorkerMirroredStrategy`` job, started by
tests/test_multiworker.py with ``TF_CONFIG`` (cluster of two workers on localhost, this
worker's task index) in its environment. Not a test itself.

``python tests/multiworker_job.py OUT train``: a tiny DoppelGANger and a tiny DP-SGD
DoppelGANger, each created and compiled in the strategy's scope and trained a few steps;
writes ``OUT/plain.npz`` and ``OUT/dp.npz`` (weights, optimizer variables, the rows of the
private batches this worker saw), ``OUT/dp.json`` (the privacy ledger's figures) and, on the
chief, ``OUT/model.keras``.

``python tests/multiworker_job.py OUT resume --backup DIR --epochs E [--hold-at K]``: trains
with ``keras.callbacks.BackupAndRestore(DIR)``, appending each epoch it begins and each epoch
whose backup is written to ``OUT/progress.txt``; with ``--hold-at K`` it writes
``OUT/holding`` at the start of epoch K and waits there (the test kills it). At the end:
``OUT/resume.npz``.
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
    """A line with the seconds since start on stdout (the test shows it on failure)."""
    print(f"{time.time() - START:6.1f} s  {what}", flush=True)


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


def train(strategy, tg, out: str) -> None:
    from test_doppelganger import TINY, toy_frame, toy_spec
    from test_dp import declared_spec

    chief = strategy.cluster_resolver.task_id == 0
    with strategy.scope():
        model = tg.DoppelGANger(toy_spec(), sample_len=2, **small(TINY))
        model.compile()
    history = model.fit(toy_frame(), epochs=2, batch_size=8, verbose=0)
    note("plain model trained")
    assert np.isfinite(history.history["d_loss"]).all()
    np.savez(os.path.join(out, "plain.npz"), **variables(model))
    if chief:
        model.save(os.path.join(out, "model.keras"))

    with strategy.scope():
        private = tg.DoppelGANger(declared_spec(), sample_len=2, **small(TINY),
                                  dp=tg.DPConfig(noise_multiplier=1.0))
        private.compile()
    dataset = private.make_dataset(toy_frame(n=40), batch_size=8)
    history = private.fit(dataset, epochs=2, verbose=0)
    note("DP model trained")
    assert np.isfinite(history.history["d_loss"]).all()
    np.savez(os.path.join(out, "dp.npz"), **variables(private),
             **local_rows(strategy, dataset))
    report = private.privacy_report()
    with open(os.path.join(out, "dp.json"), "w") as f:
        json.dump({"steps": int(private.dp_steps.numpy()),
                   "epsilon": private.privacy_spent().epsilon,
                   "history_epsilon": history.history["epsilon"],
                   "dp_sgd_epsilon": report["epsilon of dp-sgd alone"],
                   "discriminator_steps": report["discriminator_steps"],
                   "segments": private.ledger.get_state()["segments"],
                   "attribute_table": private.attribute_table.get_config()}, f)


def resume(strategy, keras, tg, out: str, backup: str, epochs: int, hold_at) -> None:
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
    np.savez(os.path.join(out, "resume.npz"), **variables(model))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("job", choices=["train", "resume"])
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
        train(strategy, tg, args.out)
    else:
        resume(strategy, keras, tg, args.out, args.backup, args.epochs, args.hold_at)
    with open(os.path.join(args.out, "done"), "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main()
