"""Names of a package loaded on first use (PEP 562), so that importing the package does not
import TensorFlow until a name that needs it is asked for."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_attributes(package: str, where: dict[str, str],
                    namespace: dict) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package``: name ``n`` comes from its submodule
    ``where[n]``, imported on first use and then kept in ``namespace`` (the package's
    globals)."""

    def __getattr__(name: str):
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted([*namespace, *where])

    return __getattr__, __dir__
