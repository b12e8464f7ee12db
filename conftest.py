"""Whole-suite set-up: the notebooks in notebooks/ are collected by nbmake (pytest config in
pyproject.toml) and run in fast mode, which every notebook reads from TFGAN_TS_FAST. Their
kernels inherit this process's environment. Set TFGAN_TS_FAST=0 to run them full size."""

import os

os.environ.setdefault("TFGAN_TS_FAST", "1")
