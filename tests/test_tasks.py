"""Synthetic tasks: shapes, invariants (hypothesis), reproducibility and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib


@settings(max_examples=100, deadline=None)
@given(T=st.integers(2, 60), B=st.integers(1, 20), seed=st.integers(0, 2**32 - 1))
def test_adding_problem_invariants(T, B, seed):
    x, y, mask = rnnlib.adding_problem(T, B, rng=np.random.default_rng(seed))
    assert x.shape == (T, B, 2) and y.shape == (T, B, 1) and mask.shape == (T,)
    assert x.dtype == y.dtype == mask.dtype == np.float64
    values, markers = x[:, :, 0], x[:, :, 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) <= {0.0, 1.0}
    assert np.all(markers.sum(axis=0) == 2)                      # exactly two markers
    half = T // 2
    assert np.all(markers[:half].sum(axis=0) == 1)               # one in each half
    assert np.all(markers[half:].sum(axis=0) == 1)
    np.testing.assert_allclose(y[-1, :, 0], (values * markers).sum(axis=0), rtol=0, atol=1e-15)
    assert np.all(y[:-1] == 0)
    np.testing.assert_array_equal(mask, rnnlib.last_step_mask(T))


def test_adding_problem_baseline_is_one_sixth():
    _, y, _ = rnnlib.adding_problem(20, 200_000, rng=np.random.default_rng(0))
    mse = float(np.mean((y[-1, :, 0] - 1.0) ** 2))
    assert mse == pytest.approx(rnnlib.ADDING_BASELINE_MSE, rel=0.01)


def test_adding_problem_scored_by_squared_error_with_the_mask():
    x, y, mask = rnnlib.adding_problem(8, 5, rng=np.random.default_rng(1))
    o = np.ones_like(y)                                          # predict 1 everywhere
    loss, d = rnnlib.squared_error(o, y, mask)
    assert loss == pytest.approx(0.5 * np.mean((1 - y[-1, :, 0]) ** 2))
    assert np.all(d[:-1] == 0)                                   # only the last step counts


def test_same_seed_same_batch_and_generator_advances():
    a = rnnlib.adding_problem(12, 3, rng=np.random.default_rng(5))
    b = rnnlib.adding_problem(12, 3, rng=np.random.default_rng(5))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    rng = np.random.default_rng(5)
    first, second = rnnlib.adding_problem(12, 3, rng=rng), rnnlib.adding_problem(12, 3, rng=rng)
    assert not np.array_equal(first[0], second[0])


@pytest.mark.parametrize("T", [1, 0, -3])
def test_adding_problem_rejects_short_sequences(T):
    with pytest.raises(ValueError, match="T must be >= 2"):
        rnnlib.adding_problem(T, 4, rng=np.random.default_rng(0))


def test_tasks_reject_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        rnnlib.adding_problem(10, 4, rng=0)
    with pytest.raises(TypeError, match="T must be an integer"):
        rnnlib.adding_problem(10.0, 4, rng=rng)
    with pytest.raises(ValueError, match="B must be >= 1"):
        rnnlib.adding_problem(10, 0, rng=rng)
    with pytest.raises(ValueError, match="lag must be >= 1"):
        rnnlib.copy_memory(3, 0, 2, rng=rng)
    with pytest.raises(ValueError, match="n_categories must be >= 2"):
        rnnlib.copy_memory(3, 4, 2, rng=rng, n_categories=1)
    with pytest.raises(ValueError, match="T must be >= 1"):
        rnnlib.last_step_mask(0)


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 6), lag=st.integers(1, 30), B=st.integers(1, 8),
       n_cat=st.integers(2, 9), seed=st.integers(0, 2**32 - 1))
def test_copy_memory_invariants(n, lag, B, n_cat, seed):
    x, y, mask = rnnlib.copy_memory(n, lag, B, rng=np.random.default_rng(seed), n_categories=n_cat)
    T, blank, delim = 2 * n + lag, n_cat, n_cat + 1
    assert x.shape == (T, B, n_cat + 2) and y.shape == (T, B) and mask.shape == (T,)
    assert np.all(x.sum(axis=2) == 1)                            # one-hot
    labels = x.argmax(axis=2)
    assert np.all(labels[:n] < n_cat)                            # the symbols
    assert np.all(labels[n:n + lag - 1] == blank)
    assert np.all(labels[n + lag - 1] == delim)                  # the cue to recall
    assert np.all(labels[n + lag:] == blank)
    np.testing.assert_array_equal(y[-n:], labels[:n])            # recall in order
    assert np.all(y[:-n] == blank)
    np.testing.assert_array_equal(mask, np.r_[np.zeros(T - n), np.ones(n)])


def test_copy_memory_uniform_guess_loss():
    x, y, mask = rnnlib.copy_memory(4, 6, 3, rng=np.random.default_rng(2))
    o = np.zeros((x.shape[0], 3, 10))
    o[:, :, 8:] = -1e3                                           # never blank or delimiter
    loss, _ = rnnlib.softmax_cross_entropy(o, y, mask)
    assert loss == pytest.approx(4 * np.log(8), rel=1e-9)        # log(8) per scored step
