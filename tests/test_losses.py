"""Losses: values, gradients against finite differences, masking, numerical stability."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib


def fd(loss_fn, o):
    o = o.copy()
    return rnnlib.numerical_gradient(lambda: loss_fn(o)[0], o)


def test_squared_error_value_and_gradient():
    rng = np.random.default_rng(0)
    o, y = rng.standard_normal((3, 4, 2)), rng.standard_normal((3, 4, 2))
    loss, d = rnnlib.squared_error(o, y)
    per_step = [0.5 * np.sum((o[t] - y[t]) ** 2) / 4 for t in range(3)]
    assert loss == pytest.approx(sum(per_step), rel=1e-14)
    assert rnnlib.relative_error(d, fd(lambda a: rnnlib.squared_error(a, y), o)) < 1e-8


def test_cross_entropy_value_and_gradient():
    rng = np.random.default_rng(1)
    o = rng.standard_normal((3, 4, 5))
    y = rng.integers(0, 5, size=(3, 4))
    loss, d = rnnlib.softmax_cross_entropy(o, y)
    p = np.exp(o) / np.exp(o).sum(-1, keepdims=True)
    ref = -sum(np.log(p[t, b, y[t, b]]) for t in range(3) for b in range(4)) / 4
    assert loss == pytest.approx(ref, rel=1e-13)
    assert rnnlib.relative_error(d, fd(lambda a: rnnlib.softmax_cross_entropy(a, y), o)) < 1e-8


def test_cross_entropy_is_stable_for_huge_logits():
    o = np.array([[[1000.0, 0.0, -1000.0]]])
    loss, d = rnnlib.softmax_cross_entropy(o, np.array([[0]]))
    assert loss == pytest.approx(0.0, abs=1e-300) and np.all(np.isfinite(d))
    loss, _ = rnnlib.softmax_cross_entropy(o, np.array([[2]]))
    assert loss == pytest.approx(2000.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 6), st.integers(1, 4), st.integers(2, 5), st.integers(0, 2**31))
def test_cross_entropy_gradient_rows_sum_to_zero(T, B, K, seed):
    rng = np.random.default_rng(seed)
    o = 5 * rng.standard_normal((T, B, K))
    _, d = rnnlib.softmax_cross_entropy(o, rng.integers(0, K, size=(T, B)))
    np.testing.assert_allclose(d.sum(-1), 0.0, atol=1e-15)


@pytest.mark.parametrize("loss_fn", ["se", "ce"])
def test_mask_drops_steps(loss_fn):
    rng = np.random.default_rng(2)
    o = rng.standard_normal((4, 3, 2))
    y = rng.standard_normal((4, 3, 2)) if loss_fn == "se" else rng.integers(0, 2, size=(4, 3))
    fn = rnnlib.squared_error if loss_fn == "se" else rnnlib.softmax_cross_entropy
    mask = np.array([0, 0, 0, 1])
    loss, d = fn(o, y, mask)
    last, d_last = fn(o[3:], y[3:])
    assert loss == pytest.approx(last, rel=1e-14)
    assert not d[:3].any()
    np.testing.assert_allclose(d[3:], d_last, rtol=1e-14)
    full_mask = np.ones((4, 3))
    assert fn(o, y, full_mask)[0] == pytest.approx(fn(o, y)[0], rel=1e-14)
