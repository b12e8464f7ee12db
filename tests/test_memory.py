"""tfgan_ts.memory: freed heap memory back to the system; malloc arenas capped by the CLI."""

import subprocess
import sys

import pytest

from tfgan_ts.memory import release_free_memory


def test_release_free_memory_returns_a_flag():
    assert isinstance(release_free_memory(), bool)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_limit_malloc_arenas_is_accepted_by_glibc():
    # in a child process: the setting is process-wide and must not leak into the test run
    out = subprocess.run([sys.executable, "-c", "from tfgan_ts.memory import "
                          "limit_malloc_arenas; print(limit_malloc_arenas(2))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
