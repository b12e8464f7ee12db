"""MultiWorkerMirroredStrategy for real: two worker processes on localhost (each its own
``TF_CONFIG``, CPU only) train one DoppelGANger together. A job killed mid-training resumes
from ``keras.callbacks.BackupAndRestore`` and ends with identical weights on both workers,
and the chief's ``.keras`` loads and generates; under DP, one Poisson sample per step is
shared out between the workers, releases are made once, and each worker's ledger counts
each step once. The workers run tests/multiworker_job.py; each test starts its processes
(TensorFlow's start-up is most of its time) and kills any still running when it ends."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

from tfgan_ts.gan import dp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JOB = os.path.join(ROOT, "tests", "multiworker_job.py")
TIMEOUT = 240  # seconds any one wait may take before the test fails (and kills the job)


def free_ports(k: int) -> list[int]:
    """k ports free on 127.0.0.1 (held open together, so they differ)."""
    sockets = [socket.socket() for _ in range(k)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


class Job:
    """Two workers of one MultiWorkerMirroredStrategy cluster, each running
    ``multiworker_job.py OUT/worker<i> *args``; ``stop()`` kills whatever still runs."""

    def __init__(self, out, *args, extra=None):
        os.makedirs(out, exist_ok=True)
        ports = free_ports(2)
        cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
        self.dirs = [os.path.join(out, f"worker{i}") for i in range(2)]
        self.logs = [os.path.join(out, f"worker{i}.log") for i in range(2)]
        self.procs = []
        try:
            for i in range(2):
                env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2",
                           PYTHONPATH=os.pathsep.join(
                               filter(None, [ROOT, os.environ.get("PYTHONPATH")])),
                           TF_CONFIG=json.dumps({"cluster": cluster,
                                                 "task": {"type": "worker", "index": i}}))
                with open(self.logs[i], "w") as log:
                    self.procs.append(subprocess.Popen(
                        [sys.executable, JOB, self.dirs[i], *args, *(extra or {}).get(i, [])],
                        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        except BaseException:
            self.stop()
            raise

    def tail(self) -> str:
        out = []
        for path in self.logs:
            with open(path) as f:
                out.append(f"--- {path}\n" + f.read()[-2500:])
        return "\n".join(out)

    def wait(self) -> None:
        """Both workers exit 0 within the timeout (a worker that fails ends the wait at
        once: the other would wait for it in a collective until its own timeout)."""
        deadline = time.monotonic() + TIMEOUT
        while any(p.poll() is None for p in self.procs):
            if any(p.returncode not in (None, 0) for p in self.procs):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"the workers did not finish within {TIMEOUT} s\n{self.tail()}")
            time.sleep(0.2)
        codes = [p.returncode for p in self.procs]
        assert codes == [0, 0], f"exit codes {codes}\n{self.tail()}"

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if any(p.poll() is not None for p in self.procs):
                pytest.fail(f"a worker exited while waiting for {what}\n{self.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} within {TIMEOUT} s\n{self.tail()}")
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover (SIGKILL is not ignored)
                pass


def run_job(out, *args, extra=None) -> Job:
    job = Job(out, *args, extra=extra)
    try:
        job.wait()
    finally:
        job.stop()
    return job


def load(job: Job, name: str) -> list:
    return [np.load(os.path.join(d, name)) for d in job.dirs]


def assert_identical(arrays: list, names) -> None:
    """Exactly equal on both workers: the strategy all-reduces every gradient and both
    workers apply the same update to the same values in the same order, so nothing but the
    bits of one computation is expected (a tolerance would hide a worker that drifted)."""
    names = list(names)
    assert names, "nothing to compare"
    for name in names:
        np.testing.assert_array_equal(arrays[0][name], arrays[1][name], err_msg=name)


def test_dp_draws_one_sample_per_step_and_counts_each_step_once(tmp_path):
    """DP-SGD and the embedding mechanism on two workers: identical weights, one Poisson
    sample per step shared out between the workers, one release for the cluster, and every
    worker's ledger the same as one process's with the same plan."""
    job = run_job(str(tmp_path), "private")
    # DP-SGD: identical weights, and both workers' shares of a step form one padded
    # Poisson sample (distinct sequences, the sampled ones first) — with a seed of their
    # own, the workers took their shares from different samples: the same sequence twice
    private = load(job, "dp.npz")
    assert private[0].files == private[1].files
    assert_identical(private, [k for k in private[0].files if k not in ("keys", "masks")])
    keys = np.concatenate([private[0]["keys"], private[1]["keys"]], axis=1)
    masks = np.concatenate([private[0]["masks"], private[1]["masks"]], axis=1)
    steps, rows = masks.shape
    assert steps == 5  # 40 sequences, expected batch 8
    for s in range(steps):
        assert len(np.unique(keys[s], axis=0)) == rows, f"a sequence twice in step {s}"
        taken = int(masks[s].sum())
        assert taken < rows
        assert masks[s, :taken].all(), f"step {s}: the shares are not one sample"

    # the ledgers: the same on both workers, and what one process running the same plan
    # (40 sequences, batch 8, 2 epochs, σ = 1) spends — each step counted once, not twice
    ledgers = []
    for d in job.dirs:
        with open(os.path.join(d, "dp.json")) as f:
            ledgers.append(json.load(f))
    assert ledgers[0] == ledgers[1]
    ledger = ledgers[0]
    single = dp.PrivacyLedger(dp.DPConfig(noise_multiplier=1.0)).preview(40, 8, epochs=2)
    assert ledger["steps"] == ledger["discriminator_steps"] == single["discriminator_steps"] == 10
    assert ledger["dp_sgd_epsilon"] == pytest.approx(single["epsilon"], rel=1e-6)
    assert ledger["history_epsilon"][-1] == ledger["epsilon"]
    # the attribute table is released once (one segment, the same table on both workers)
    mechanisms = [s["mechanism"] for s in ledger["segments"]]
    assert mechanisms == ["attribute histogram", "dp-sgd"]
    assert ledger["segments"][1]["steps"] == 10

    # DPConfig(mechanism="embedding"): one release of the noisy mean embedding for the
    # cluster — the released target (a weight) and the ledger are the same on both workers
    embedded = load(job, "embedding.npz")
    assert_identical(embedded, embedded[0].files)
    states = []
    for d in job.dirs:
        with open(os.path.join(d, "embedding.json")) as f:
            states.append(json.load(f))
    assert states[0] == states[1]
    assert [s["mechanism"] for s in states[0]["segments"]] == ["attribute histogram",
                                                               "embedding"]


def progress(job: Job, i: int) -> list[str]:
    path = os.path.join(job.dirs[i], "progress.txt")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return f.read().split("\n")[:-1]


def test_two_workers_train_one_model_and_resume_after_a_kill(tmp_path):
    """Worker 1 is killed (SIGKILL) mid-training after the backup of epoch 0; the job
    restarts with the same backup directories, runs epochs 1 and 2 only and ends with
    identical weights on both workers; the chief's ``.keras`` loads here and generates."""
    backups = [str(tmp_path / "backup" / f"worker{i}") for i in range(2)]
    hold = 1  # worker 1 stops at the start of epoch 1, after the backup of epoch 0
    first = Job(str(tmp_path / "first"), "train", "--epochs", "3",
                extra={i: ["--backup", backups[i]] + (["--hold-at", str(hold)] if i else [])
                       for i in range(2)})
    try:
        first.wait_for(lambda: os.path.exists(os.path.join(first.dirs[1], "holding"))
                       and f"backed-up {hold - 1}" in progress(first, 0),
                       f"backup of epoch {hold - 1} on both workers")
        os.kill(first.procs[1].pid, signal.SIGKILL)  # a preempted machine
        assert first.procs[1].wait(timeout=30) == -signal.SIGKILL
        # worker 0 now waits for the dead worker in the first step of epoch 1: the job
        # is restarted as a whole, as a cluster manager would
        first.procs[0].kill()
        first.procs[0].wait(timeout=30)
    finally:
        first.stop()
    for i in range(2):
        assert progress(first, i) == ["begin 0", "backed-up 0", "begin 1"]
        assert os.path.exists(os.path.join(backups[i], "latest.weights.h5"))
        assert not os.path.exists(os.path.join(first.dirs[i], "train.npz"))

    again = run_job(str(tmp_path / "again"), "train", "--epochs", "3",
                    extra={i: ["--backup", backups[i]] for i in range(2)})
    for i in range(2):  # from the epoch after the last backed-up one, to the end
        assert progress(again, i) == ["begin 1", "backed-up 1", "begin 2", "backed-up 2"]
        assert not os.path.exists(backups[i])  # deleted at the end of a completed fit
    # every weight and optimizer variable identical on both workers
    final = load(again, "train.npz")
    assert final[0].files == final[1].files
    assert any(k.startswith("generator_optimizer") for k in final[0].files)
    assert_identical(final, final[0].files)
    # the chief's saved model loads here (no strategy) and generates
    path = os.path.join(again.dirs[0], "model.keras")
    assert not os.path.exists(os.path.join(again.dirs[1], "model.keras"))
    model = keras.models.load_model(path)
    np.testing.assert_array_equal(model.get_weights()[0], final[0]["w0"])
    syn = model.generate(5, seed=0)
    assert syn["id"].nunique() == 5
    assert set(syn.columns) == {"id", "t", "kind", "size", "x", "c"}
