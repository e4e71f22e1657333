"""Gradient clipping: invariants (hypothesis), edge cases and documented behaviour."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import rnnlib

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
grad_arrays = arrays(np.float64, array_shapes(min_dims=1, max_dims=3, max_side=4), elements=finite)
grad_dicts = st.dictionaries(st.sampled_from(["U", "W", "V", "b", "c", "h0"]), grad_arrays,
                             min_size=1, max_size=6)
thresholds = st.floats(1e-3, 1e4, allow_nan=False)


def copy(g):
    return {k: v.copy() for k, v in g.items()}


def norm(g):
    """Reference L2 norm, independent of rnnlib's: math.hypot neither overflows nor underflows."""
    return math.hypot(*(float(e) for v in g.values() for e in np.ravel(v)))


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_norm_after_clipping_is_at_most_max_norm(grads, v):
    clipped, total = rnnlib.clip_grad_norm(grads, v)
    assert norm(clipped) <= v * (1 + 1e-12)
    assert total == pytest.approx(norm(grads), rel=1e-12, abs=1e-300)


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_norm_clipping_keeps_the_direction(grads, v):
    clipped, total = rnnlib.clip_grad_norm(grads, v)
    if total == 0:
        return
    scale = min(1.0, v / total)
    for k in grads:
        np.testing.assert_allclose(clipped[k], grads[k] * scale, rtol=1e-12, atol=0)


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_nothing_changes_below_the_threshold(grads, v):
    total = norm(grads)
    if total <= v:
        clipped, _ = rnnlib.clip_grad_norm(grads, v)
        for k in grads:
            np.testing.assert_array_equal(clipped[k], grads[k])


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_inputs_never_mutated_and_outputs_are_new_arrays(grads, v):
    before = copy(grads)
    for clipped in (rnnlib.clip_grad_norm(grads, v)[0],
                    rnnlib.clip_grad_norm(grads, v, per_parameter=True)[0],
                    rnnlib.clip_grad_value(grads, v)):
        assert set(clipped) == set(grads)
        for k in grads:
            np.testing.assert_array_equal(grads[k], before[k])
            assert not np.shares_memory(clipped[k], grads[k])
            assert clipped[k].shape == grads[k].shape


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_value_clipping_bounds_every_entry_and_never_raises_a_norm(grads, c):
    clipped = rnnlib.clip_grad_value(grads, c)
    for k in grads:
        assert np.all(np.abs(clipped[k]) <= c)
        assert np.all(np.abs(clipped[k]) <= np.abs(grads[k]))
        # Entries inside the bound are untouched, and signs never flip.
        inside = np.abs(grads[k]) <= c
        np.testing.assert_array_equal(clipped[k][inside], grads[k][inside])
        assert np.all(np.sign(clipped[k]) == np.sign(grads[k]))


@settings(max_examples=200, deadline=None)
@given(grad_dicts, thresholds)
def test_per_parameter_clipping_bounds_each_array(grads, v):
    clipped, total = rnnlib.clip_grad_norm(grads, v, per_parameter=True)
    for k in grads:
        assert np.linalg.norm(clipped[k]) <= v * (1 + 1e-12)
        assert np.linalg.norm(clipped[k]) <= np.linalg.norm(grads[k]) * (1 + 1e-12)


def test_per_parameter_clipping_can_change_the_direction():
    g = {"W": np.array([30.0, 40.0]), "b": np.array([0.1])}
    clipped, _ = rnnlib.clip_grad_norm(g, 1.0, per_parameter=True)
    glob, _ = rnnlib.clip_grad_norm(g, 1.0)
    flat = lambda d: np.concatenate([d["W"], d["b"]])  # noqa: E731
    cos = lambda a, b: a @ b / np.linalg.norm(a) / np.linalg.norm(b)  # noqa: E731
    assert cos(flat(glob), flat(g)) == pytest.approx(1.0, abs=1e-15)
    assert cos(flat(clipped), flat(g)) < 0.999


def test_zero_gradients_stay_zero():
    g = {"W": np.zeros((3, 3)), "b": np.zeros(3)}
    clipped, total = rnnlib.clip_grad_norm(g, 1.0)
    assert total == 0.0 and all(not v.any() for v in clipped.values())
    assert all(not v.any() for v in rnnlib.clip_grad_norm(g, 1.0, per_parameter=True)[0].values())
    assert all(not v.any() for v in rnnlib.clip_grad_value(g, 1.0).values())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("fn", ["norm", "value", "global"])
def test_non_finite_gradients_raise_floating_point_error(bad, fn):
    g = {"W": np.ones((2, 2)), "b": np.array([1.0, bad, 2.0])}
    call = {"norm": lambda: rnnlib.clip_grad_norm(g, 1.0),
            "value": lambda: rnnlib.clip_grad_value(g, 1.0),
            "global": lambda: rnnlib.global_norm(g)}[fn]
    with pytest.raises(FloatingPointError, match=r"grads\['b'\] has 1 non-finite value"):
        call()


def test_huge_finite_gradients_get_a_correct_norm():
    g = {"W": np.array([3e200, 4e200])}           # the squares overflow float64
    clipped, total = rnnlib.clip_grad_norm(g, 1.0)
    assert total == pytest.approx(5e200, rel=1e-14)
    np.testing.assert_allclose(clipped["W"], [0.6, 0.8], rtol=1e-14)
    tiny = {"W": np.array([3e-200, 4e-200])}      # the squares underflow
    assert rnnlib.global_norm(tiny) == pytest.approx(5e-200, rel=1e-14)


@pytest.mark.parametrize("v, exc, msg", [(0, ValueError, r"max_norm must be a finite number > 0, got 0.0"),
                                         (-1.0, ValueError, r"max_norm must be a finite number > 0, got -1.0"),
                                         (float("inf"), ValueError, r"got inf"),
                                         (float("nan"), ValueError, r"got nan"),
                                         ("1", TypeError, r"max_norm must be a real number, got str")])
def test_bad_max_norm(v, exc, msg):
    with pytest.raises(exc, match=msg):
        rnnlib.clip_grad_norm({"W": np.ones(2)}, v)


@pytest.mark.parametrize("v", [0, -2.0, float("nan")])
def test_bad_clip_value(v):
    with pytest.raises(ValueError, match=r"clip_value must be a finite number > 0"):
        rnnlib.clip_grad_value({"W": np.ones(2)}, v)


def test_bad_grads_container():
    with pytest.raises(TypeError, match=r"grads must be a dict of arrays, got list"):
        rnnlib.clip_grad_norm([np.ones(2)], 1.0)
    with pytest.raises(ValueError, match=r"grads must hold at least one array, got an empty dict"):
        rnnlib.clip_grad_norm({}, 1.0)
    with pytest.raises(TypeError, match=r"grads\['W'\] must hold real numbers"):
        rnnlib.clip_grad_value({"W": np.array([1j])}, 1.0)


def test_clipping_works_on_backward_output():
    rng = np.random.default_rng(3)
    p = rnnlib.init_params(2, 8, 1, rng=rng, spectral_radius=1.5)
    x = rng.standard_normal((30, 4, 2))
    o, cache = rnnlib.forward(p, x)
    _, do = rnnlib.squared_error(o, np.zeros_like(o))
    g = rnnlib.backward(p, cache, do)
    clipped, total = rnnlib.clip_grad_norm(g, 0.5)
    assert total > 0.5 and rnnlib.global_norm(clipped) == pytest.approx(0.5, rel=1e-12)
