"""Register tfgan_ts's model classes with Keras as soon as Keras is loaded, so that
``keras.models.load_model("x.keras")`` finds ``tfgan_ts>DoppelGANger`` (and TabularGAN,
ImputationGAN and their networks) after ``import tfgan_ts``, whichever of ``keras`` and
``tfgan_ts`` is imported first.

Keras finds a custom class of a saved model only in its registry of serializable objects;
it does not import the module named in the saved config unless that module is Keras' own.
The classes register themselves when :mod:`tfgan_ts.models` is imported, which needs
TensorFlow. ``import tfgan_ts`` stays light, so it cannot import them itself unless Keras is
loaded already. :func:`register_when_keras_loads` therefore

* imports :mod:`tfgan_ts.models` at once when ``keras`` is in ``sys.modules`` (TensorFlow is
  then loaded anyway);
* otherwise puts a finder on ``sys.meta_path`` that watches the imports of ``keras``,
  ``tensorflow`` and tfgan_ts's own submodules. It lets the usual finders locate them and
  wraps their loaders to count the imports under way. When the outermost of them has
  finished and Keras is loaded, it imports :mod:`tfgan_ts.models` and removes itself.
  Waiting for the outermost import matters: ``import tensorflow`` loads Keras in the middle
  of its own start, ``import keras`` loads TensorFlow in the middle of its, and a tfgan_ts
  module that imports TensorFlow (``tfgan_ts.runtime``, say) is itself half-initialized at
  that moment, so importing the models then could meet half-made modules. Every other
  import, and each module's own loader once it runs, is left as it was.

A failure to import the models is turned into a warning: ``import keras`` must not fail
because of this package.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading
import warnings
from types import ModuleType

_WATCHED = ("keras", "tensorflow")
_OWN = "tfgan_ts."
_MODELS = "tfgan_ts.models"


def _register_models() -> None:
    """Import tfgan_ts.models (its classes register themselves); warn instead of failing."""
    try:
        importlib.import_module(_MODELS)
    except Exception as err:  # never break the user's import of keras
        warnings.warn(f"tfgan_ts could not register its models with Keras ({err!r}); "
                      "import tfgan_ts.models before keras.models.load_model", stacklevel=2)


class _AfterLoad:
    """Runs a watched module's own loader, then tells the finder; anything else asked of it
    (``get_code`` for ``python -m``, ``get_resource_reader``, ...) is the own loader's."""

    def __init__(self, loader: importlib.abc.Loader, finder: _KerasFinder):
        self.loader, self.finder = loader, finder

    def __getattr__(self, name: str):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        # the module keeps its own loader; only this one execution goes through here
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.finder.loading += 1
        try:
            self.loader.exec_module(module)
        finally:
            self.finder.loading -= 1
        self.finder.after_load()


class _KerasFinder(importlib.abc.MetaPathFinder):
    """Finds nothing itself: wraps the loaders of keras, tensorflow and tfgan_ts.* modules
    to see when the outermost of their imports has finished."""

    def __init__(self):
        self.loading = 0  # watched imports under way (they nest)
        self._searching = threading.local()

    def find_spec(self, fullname, path, target=None):  # noqa: ARG002  (finder protocol)
        watched = fullname in _WATCHED or fullname.startswith(_OWN)
        if not watched or getattr(self._searching, "on", False):
            return None
        self._searching.on = True
        try:  # the spec the other finders give
            spec = importlib.util.find_spec(fullname)
        finally:
            self._searching.on = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _AfterLoad(spec.loader, self)
        return spec

    def after_load(self) -> None:
        """Once no watched import is under way and Keras is loaded, register and leave."""
        if self.loading or "keras" not in sys.modules:
            return
        self.remove()
        _register_models()

    def remove(self) -> None:
        """Take this finder off ``sys.meta_path`` (nothing if it is not there)."""
        if self in sys.meta_path:
            sys.meta_path.remove(self)


_finder: _KerasFinder | None = None


def register_when_keras_loads() -> None:
    """Register the model classes now if Keras is loaded, else when it is (see the module
    docstring). Calling it again does nothing more."""
    global _finder
    if "keras" in sys.modules:
        _register_models()
    elif _finder is None:
        _finder = _KerasFinder()
        sys.meta_path.insert(0, _finder)
