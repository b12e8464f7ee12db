"""gap_context: the interpolation prior, gap distances and gaps shaped like the user's."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tfgan_ts.estimators.imputer import auto_window
from tfgan_ts.gap_context import GapSampler, gap_context, interpolation, run_lengths


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (25, 3), elements=st.floats(-1e3, 1e3)),
       arrays(np.bool_, (25, 3)))
def test_interpolation_is_pandas_linear_interpolation(values, observed):
    observed[0, :] |= ~observed.any(axis=0)  # at least one observation per column
    frame = pd.DataFrame(np.where(observed, values, np.nan))
    expected = frame.interpolate(limit_direction="both").to_numpy()
    np.testing.assert_allclose(interpolation(np.where(observed, values, 0.0), observed),
                               expected, rtol=1e-12, atol=1e-9)


def test_distances_count_steps_to_the_nearest_observations():
    observed = np.array([[1], [0], [0], [1], [0]], dtype=bool)
    values = np.array([[0.0], [9.0], [9.0], [3.0], [9.0]])
    prior, dist = gap_context(values, observed, scale=1.0)
    np.testing.assert_allclose(prior[:, 0], [0, 1, 2, 3, 3])
    since, until = dist[:, 0], dist[:, 1]
    d = np.array([0, 1, 2, 0, 1])
    np.testing.assert_allclose(since, d / (d + 1))
    u = np.array([0, 2, 1, 0, 1])  # the last row counts to a virtual observation after the end
    np.testing.assert_allclose(until, u / (u + 1))


def test_sampler_hides_runs_shaped_like_the_users_gaps():
    rng = np.random.default_rng(0)
    missing = np.zeros((5000, 2), dtype=bool)
    for start in rng.integers(0, 4950, 60):
        missing[start:start + 12] = True  # 12-row outages in both columns
    sampler = GapSampler(missing, rate=0.1)
    assert sampler.quantile_length(0.9) >= 12
    observed = ~missing
    hide = sampler.draw(observed, np.random.default_rng(1))
    assert not (hide & missing).any()  # only observed entries are hidden
    share = hide.sum(axis=0) / observed.sum(axis=0)
    assert np.all((share > 0.05) & (share < 0.15))
    runs = run_lengths(hide)
    assert np.median(runs) >= 8  # outages, not scattered entries (cut where they meet gaps)
    scattered = GapSampler(rng.random((5000, 2)) < 0.05, rate=0.1)
    assert np.median(run_lengths(scattered.draw(observed, np.random.default_rng(1)))) <= 2
    # the same generator state gives the same draw
    np.testing.assert_array_equal(hide, sampler.draw(observed, np.random.default_rng(1)))


def test_sampler_without_gaps_mixes_scattered_entries_and_outages():
    sampler = GapSampler(np.zeros((100, 1), dtype=bool), rate=0.2)
    assert set(sampler.lengths.tolist()) == {1, 24}
    assert sampler.typical_length == 12.5


def test_window_follows_the_gap_lengths():
    scattered = GapSampler(np.random.default_rng(0).random((1000, 2)) < 0.1, 0.1)
    assert auto_window(scattered, 1000) == 24
    long = np.zeros((1000, 1), dtype=bool)
    long[100:160] = True
    assert auto_window(GapSampler(long, 0.1), 1000) == 64
    assert auto_window(GapSampler(long, 0.1), 50) == 50  # never longer than the series
