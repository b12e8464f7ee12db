"""Whole-suite set-up: the notebooks in notebooks/ are collected by nbmake (pytest config in
pyproject.toml) and run in fast mode, which every notebook reads from TFGAN_TS_FAST. Their
kernels inherit this process's environment. Set TFGAN_TS_FAST=0 to run them full size.

OpenMP and BLAS get one thread (unless OMP_NUM_THREADS is set): their spinning barriers
turn a busy machine into minutes of waiting — scikit-learn's HistGradientBoostingClassifier
in tests/test_realism.py took 100-150 s instead of 1-2 s with another job on one of two
cores. TensorFlow's own thread pools are set apart (tests/conftest.py)."""

import os

os.environ.setdefault("TFGAN_TS_FAST", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
