"""Test session set-up: TensorFlow's thread pools as the CLI sets them (one thread per
operation, operations side by side), before any test runs an operation."""

import tfgan_ts as tg

tg.configure_threads()
