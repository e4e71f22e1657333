"""Bad input gets a clear error naming the argument, the expectation and what was received."""

import numpy as np
import pytest

import rnnlib
from problems import make_problem


@pytest.fixture
def setup():
    params, x, h0, y = make_problem(5, 3, 4, 6, 2, seed=1)
    o, cache = rnnlib.forward(params, x, h0)
    return params, x, h0, y, o, cache


# ---- forward ---------------------------------------------------------------------------

def test_x_wrong_ndim(setup):
    params, x, *_ = setup
    with pytest.raises(ValueError, match=r"x must be 3-D, got 2-D array of shape \(5, 4\)"):
        rnnlib.forward(params, x[:, 0, :])


def test_x_wrong_feature_size(setup):
    params, x, *_ = setup
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, D\) with D = 4, got \(5, 3, 3\)"):
        rnnlib.forward(params, x[:, :, :3])


def test_x_does_not_broadcast(setup):
    params, *_ = setup
    with pytest.raises(ValueError, match=r"x must have shape \(T, B, D\) with D = 4, got \(5, 3, 1\)"):
        rnnlib.forward(params, np.ones((5, 3, 1)))


def test_h0_wrong_shape(setup):
    params, x, h0, *_ = setup
    with pytest.raises(ValueError, match=r"h0 must have shape \(B, H\) = \(3, 6\), got \(3, 5\)"):
        rnnlib.forward(params, x, h0[:, :5])
    with pytest.raises(ValueError, match=r"h0 must have shape \(B, H\) = \(3, 6\), got \(1, 6\)"):
        rnnlib.forward(params, x, h0[:1])
    with pytest.raises(ValueError, match=r"h0 must be 2-D, got 1-D"):
        rnnlib.forward(params, x, h0[0])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs(setup, bad):
    params, x, h0, *_ = setup
    x = x.copy()
    x[2, 1, 0] = bad
    with pytest.raises(ValueError, match=r"x must be finite, got 1 non-finite value"):
        rnnlib.forward(params, x)
    h0 = h0.copy()
    h0[0, 0] = bad
    with pytest.raises(ValueError, match=r"h0 must be finite"):
        rnnlib.forward(params, np.zeros_like(x), h0)
    p = {k: v.copy() for k, v in params.items()}
    p["W"][0, 0] = bad
    with pytest.raises(ValueError, match=r"params\['W'\] must be finite"):
        rnnlib.forward(p, np.zeros_like(x))


def test_empty_sequences(setup):
    params, *_ = setup
    with pytest.raises(ValueError, match=r"x must hold at least one time step \(T >= 1\), got shape \(0, 3, 4\)"):
        rnnlib.forward(params, np.zeros((0, 3, 4)))
    with pytest.raises(ValueError, match=r"x must hold at least one sequence \(B >= 1\), got shape \(5, 0, 4\)"):
        rnnlib.forward(params, np.zeros((5, 0, 4)))


def test_wrong_parameter_keys(setup):
    params, x, *_ = setup
    missing = {k: v for k, v in params.items() if k != "V"}
    with pytest.raises(ValueError, match=r"params must have exactly the keys \['U', 'W', 'V', 'b', 'c'\]; missing \['V'\]"):
        rnnlib.forward(missing, x)
    extra = dict(params, Wxh=params["U"])
    with pytest.raises(ValueError, match=r"unexpected \['Wxh'\]"):
        rnnlib.forward(extra, x)
    with pytest.raises(TypeError, match=r"params must be a dict"):
        rnnlib.forward([params["U"]], x)


def test_inconsistent_parameter_shapes(setup):
    params, x, *_ = setup
    with pytest.raises(ValueError, match=r"params\['W'\] must be square \(H, H\)"):
        rnnlib.forward(dict(params, W=np.zeros((6, 5))), x)
    with pytest.raises(ValueError, match=r"params\['U'\] must have shape \(H, D\) = \(6, 4\)"):
        rnnlib.forward(dict(params, U=np.zeros((5, 4))), x)
    with pytest.raises(ValueError, match=r"params\['b'\] must have shape \(H,\) = \(6,\), got \(5,\)"):
        rnnlib.forward(dict(params, b=np.zeros(5)), x)
    with pytest.raises(ValueError, match=r"params\['V'\] must have shape \(K, H\) = \(2, 6\)"):
        rnnlib.forward(dict(params, V=np.zeros((2, 5))), x)
    with pytest.raises(ValueError, match=r"params\['c'\] must have shape \(K,\) = \(2,\), got \(3,\)"):
        rnnlib.forward(dict(params, c=np.zeros(3)), x)


@pytest.mark.parametrize("bad", [np.array([[1 + 1j]]), np.array([["a"]]), np.array([[True]])])
def test_non_real_arrays_rejected(setup, bad):
    params, *_ = setup
    with pytest.raises(TypeError, match=r"x must hold real numbers"):
        rnnlib.forward(params, bad[None])


def test_unknown_activation(setup):
    params, x, *_ = setup
    with pytest.raises(ValueError, match=r"activation must be one of \['tanh', 'linear'\], got 'relu'"):
        rnnlib.forward(params, x, activation="relu")


# ---- backward --------------------------------------------------------------------------

def test_do_wrong_shape(setup):
    params, x, h0, y, o, cache = setup
    with pytest.raises(ValueError, match=r"do must have shape \(T, B, K\) = \(5, 3, 2\), got \(4, 3, 2\)"):
        rnnlib.backward(params, cache, o[:4])
    with pytest.raises(ValueError, match=r"do must have shape \(T, B, K\) = \(5, 3, 2\), got \(5, 3, 1\)"):
        rnnlib.backward(params, cache, o[:, :, :1])
    with pytest.raises(ValueError, match=r"do must be 3-D"):
        rnnlib.backward(params, cache, o[0])


def test_do_non_finite(setup):
    params, x, h0, y, o, cache = setup
    do = np.zeros_like(o)
    do[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"do must be finite"):
        rnnlib.backward(params, cache, do)


@pytest.mark.parametrize("k, exc, msg", [(0, ValueError, r"truncate must be >= 1, got 0"),
                                         (-3, ValueError, r"truncate must be >= 1, got -3"),
                                         (2.5, TypeError, r"truncate must be an integer"),
                                         (True, TypeError, r"truncate must be an integer")])
def test_bad_truncate(setup, k, exc, msg):
    params, x, h0, y, o, cache = setup
    with pytest.raises(exc, match=msg):
        rnnlib.backward(params, cache, o, truncate=k)


def test_cache_mismatch(setup):
    params, x, h0, y, o, cache = setup
    with pytest.raises(TypeError, match=r"cache must be the dict returned by rnnlib.forward"):
        rnnlib.backward(params, {"h": cache["h"]}, o)
    bad = dict(cache, h=cache["h"][:-1])
    with pytest.raises(ValueError, match=r"cache\['h'\] must have shape \(T\+1, B, H\) = \(6, 3, 6\), got \(5, 3, 6\)"):
        rnnlib.backward(params, bad, o)
    other = make_problem(5, 3, 4, 7, 2, seed=2)[0]
    with pytest.raises(ValueError, match=r"cache\['h'\] must have shape"):
        rnnlib.backward(other, cache, o)


# ---- init_params, losses, gradcheck, spectral ----------------------------------------------

def test_init_params_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        rnnlib.init_params(2, 3, 1, rng=0)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        rnnlib.init_params(2, 3, 1, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match=r"n_hidden must be >= 1, got 0"):
        rnnlib.init_params(2, 0, 1, rng=rng)
    with pytest.raises(TypeError, match=r"n_in must be an integer, got float 2.0"):
        rnnlib.init_params(2.0, 3, 1, rng=rng)
    with pytest.raises(ValueError, match=r"spectral_radius must be a finite number >= 0, got -1.0"):
        rnnlib.init_params(2, 3, 1, rng=rng, spectral_radius=-1)
    with pytest.raises(ValueError, match=r"w_scale must be a finite number >= 0, got nan"):
        rnnlib.init_params(2, 3, 1, rng=rng, w_scale=float("nan"))


def test_loss_errors():
    o = np.zeros((4, 2, 3))
    with pytest.raises(ValueError, match=r"y must have shape \(T, B, K\) = \(4, 2, 3\), got \(4, 2, 1\)"):
        rnnlib.squared_error(o, np.zeros((4, 2, 1)))
    with pytest.raises(ValueError, match=r"y must hold labels in 0..2 \(K = 3\), got values in 0..3"):
        rnnlib.softmax_cross_entropy(o, np.array([[0, 3]] * 4))
    with pytest.raises(TypeError, match=r"y must be an array of integer class labels, got dtype float64"):
        rnnlib.softmax_cross_entropy(o, np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"y must have shape \(T, B\) = \(4, 2\), got \(4,\)"):
        rnnlib.softmax_cross_entropy(o, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"mask must have shape \(T,\) = \(4,\), got \(3,\)"):
        rnnlib.squared_error(o, o, mask=np.ones(3))
    with pytest.raises(ValueError, match=r"mask must contain only 0 and 1"):
        rnnlib.squared_error(o, o, mask=np.full(4, 0.5))
    o[1, 1, 1] = np.inf
    with pytest.raises(ValueError, match=r"o must be finite"):
        rnnlib.softmax_cross_entropy(o, np.zeros((4, 2), dtype=int))


def test_gradcheck_errors():
    x = np.ones(3)
    with pytest.raises(TypeError, match=r"f must be callable"):
        rnnlib.numerical_gradient(3.0, x)
    with pytest.raises(TypeError, match=r"x must be a C-contiguous float numpy.ndarray"):
        rnnlib.numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match=r"x must be a C-contiguous float"):
        rnnlib.numerical_gradient(lambda: 0.0, np.ones((3, 3))[:, 0])
    with pytest.raises(ValueError, match=r"eps must be a finite number > 0, got 0.0"):
        rnnlib.numerical_gradient(lambda: 0.0, x, eps=0)
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(2,\) and \(3,\)"):
        rnnlib.relative_error(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match=r"f returned a non-finite value"):
        rnnlib.numerical_gradient(lambda: float("nan"), x)


def test_spectral_radius_errors():
    with pytest.raises(ValueError, match=r"W must be a square matrix \(H, H\) with H >= 1, got shape \(2, 3\)"):
        rnnlib.spectral_radius(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"W must be 2-D"):
        rnnlib.spectral_radius(np.zeros(3))
    with pytest.raises(ValueError, match=r"W must be finite"):
        rnnlib.spectral_radius(np.full((2, 2), np.nan))


def test_finiteness_check_is_exact_when_the_sum_overflows_or_cancels():
    """all_finite tests the sum first: a finite array whose sum overflows must pass, and
    infinities of both signs (whose sum is NaN) or a lone NaN must not."""
    from rnnlib._validation import all_finite
    assert all_finite(np.array([1e308, 1e308, -1e308]))
    assert all_finite(np.zeros((0, 3)))
    for bad in ([np.inf, -np.inf], [1.0, np.nan], [-np.inf, 2.0]):
        assert not all_finite(np.array(bad))
    # through the public API: a gradient whose sum overflows is still finite
    assert rnnlib.global_norm({"g": np.array([1e308, 1e308])}) > 1e308
    with pytest.raises(FloatingPointError, match="1 non-finite"):
        rnnlib.global_norm({"g": np.array([1e308, np.inf, -1e308])})
    with pytest.raises(ValueError, match="2 non-finite"):
        rnnlib.forward(make_problem(2, 1, 1, 2, 1)[0], np.array([[[np.inf]], [[-np.inf]]]))
