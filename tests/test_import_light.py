"""``import tfgan_ts`` loads no TensorFlow (public names are imported on first use), yet
``keras.models.load_model`` finds the saved models after it, in either import order. Each
check runs in a fresh interpreter."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import tfgan_ts as tg
from tfgan_ts.estimators.imputer_training import SeriesWindows
from tfgan_ts.gap_context import GapSampler
from tfgan_ts.nn import MLPImputerDiscriminator, MLPImputerGenerator


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=600, cwd="/", env=dict(os.environ))


def test_import_loads_no_tensorflow():
    out = python("import tfgan_ts, sys; print('tensorflow' in sys.modules)")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_specs_data_sets_and_columns_work_without_tensorflow():
    out = python("""
        import sys
        import tfgan_ts as tg
        spec = tg.SequenceSpec("id", "t", [tg.Discrete("kind")], [tg.Continuous("x")])
        print(type(spec).__name__, tg.Continuous("x").name, callable(tg.datasets.traffic_weeks))
        print("tfgan_ts.evaluation" in sys.modules, "tensorflow" in sys.modules,
              "keras" in sys.modules)
    """)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.strip().splitlines()
    assert first == "SequenceSpec x True"
    assert second == "False False False"


def test_lazy_names_are_the_real_objects_and_listed():
    from tfgan_ts.models import DoppelGANger
    from tfgan_ts.spec import SequenceSpec

    assert tg.SequenceSpec is SequenceSpec
    assert tg.DoppelGANger is DoppelGANger
    assert tg.evaluation is sys.modules["tfgan_ts.evaluation"]
    for name in tg.__all__:
        assert name in dir(tg), name
        assert getattr(tg, name) is not None, name
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        _ = tg.Nope


def test_subpackages_are_reachable_as_attributes_as_before(monkeypatch):
    import tfgan_ts.nn  # noqa: F401

    monkeypatch.delattr(tg, "nn")  # as after a lazy ``import tfgan_ts``
    assert tg.nn is sys.modules["tfgan_ts.nn"]
    assert "nn" in vars(tg)  # kept: the next look-up is a plain attribute


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """One tiny saved model of each class (a few training steps each)."""
    folder = tmp_path_factory.mktemp("saved")
    rng = np.random.default_rng(0)
    rows = [{"id": i, "t": t, "kind": "ab"[i % 2], "x": float(rng.normal())}
            for i in range(8) for t in range(4)]
    dg = tg.DoppelGANger(tg.SequenceSpec("id", "t", [tg.Discrete("kind")],
                                         [tg.Continuous("x")]), sample_len=2, seed=0,
                         attribute_units=4, attribute_layers=1, minmax_units=4, minmax_layers=1,
                         lstm_units=4, discriminator_units=4, discriminator_layers=1,
                         attribute_discriminator_units=4, attribute_discriminator_layers=1)
    dg.compile()
    dg.fit(pd.DataFrame(rows), epochs=1, batch_size=8, verbose=0)
    table = pd.DataFrame({"f": rng.choice(["a", "b"], 40), "y": rng.normal(size=40)})
    tab = tg.TabularGAN(conditions=["f"], seed=0, noise_dim=4, generator_units=(8,),
                        discriminator_units=(8,), pac=2)
    tab.compile()
    tab.fit(table, epochs=1, batch_size=10, steps_per_epoch=2, verbose=0)
    x = rng.random((20, 2))
    windows = SeriesWindows(x, x > 0.3, 4)
    imp = tg.ImputationGAN(MLPImputerGenerator(4, 1), MLPImputerDiscriminator(4, 1), seed=0)
    imp.fit(windows.batches(x > 0.3, GapSampler(x <= 0.3, 0.2), 8, seed=0), epochs=1,
            steps_per_epoch=1, verbose=0)
    paths = {}
    for model in (dg, tab, imp):
        paths[type(model).__name__] = str(folder / f"{type(model).__name__}.keras")
        model.save(paths[type(model).__name__])
    return paths


LOAD = """
import sys
loaded = [type({loader}(p)).__name__ for p in {paths!r}]
hooks_left = [f for f in sys.meta_path if type(f).__module__ == "tfgan_ts._keras_hook"]
print(" ".join(loaded), len(hooks_left))
"""


@pytest.mark.parametrize(("imports", "loader"), [
    ("import keras, tfgan_ts", "keras.models.load_model"),
    ("import tfgan_ts, sys\nassert 'keras' not in sys.modules\nimport keras",
     "keras.models.load_model"),
], ids=["keras-first", "tfgan_ts-first"])
def test_saved_models_load_after_import_in_either_order(saved, imports, loader):
    out = python(imports + LOAD.format(loader=loader, paths=list(saved.values())))
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == [*saved, "0"]  # the three classes; the hook has left


def test_without_tfgan_ts_keras_cannot_find_the_classes(saved):
    """The control: what the registration above provides is really needed."""
    out = python(f"import keras\nkeras.models.load_model({saved['DoppelGANger']!r})")
    assert out.returncode != 0
    assert "DoppelGANger" in out.stderr
