"""BPTT against central finite differences and against independent references."""

import numpy as np
import pytest

import rnnlib
from problems import make_problem

SHAPES = [  # (T, B, D, H, K)
    (1, 1, 1, 1, 1),
    (1, 3, 2, 4, 2),
    (5, 1, 3, 4, 2),
    (7, 2, 3, 5, 3),
    (12, 4, 2, 6, 2),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "T{}B{}D{}H{}K{}".format(*s))
def test_bptt_matches_finite_differences_squared_error(shape):
    params, x, h0, y = make_problem(*shape, seed=sum(shape))
    errors = rnnlib.check_gradients(params, x, lambda o: rnnlib.squared_error(o, y), h0=h0)
    assert set(errors) == {"U", "W", "V", "b", "c", "h0"}
    assert max(errors.values()) < 1e-7, errors


@pytest.mark.parametrize("shape", SHAPES[1:], ids=lambda s: "T{}B{}D{}H{}K{}".format(*s))
def test_bptt_matches_finite_differences_cross_entropy(shape):
    T, B, D, H, K = shape
    params, x, h0, _ = make_problem(*shape, seed=7 + sum(shape))
    labels = np.random.default_rng(1).integers(0, K, size=(T, B))
    errors = rnnlib.check_gradients(
        params, x, lambda o: rnnlib.softmax_cross_entropy(o, labels), h0=h0)
    assert max(errors.values()) < 1e-7, errors


def test_bptt_with_mask_and_large_weights():
    # A saturating network (||W|| large) and a loss only at the last step.
    params, x, h0, y = make_problem(9, 2, 3, 4, 2, seed=3, w_scale=2.5)
    mask = np.zeros(9)
    mask[-1] = 1
    errors = rnnlib.check_gradients(params, x, lambda o: rnnlib.squared_error(o, y, mask), h0=h0)
    assert max(errors.values()) < 1e-7, errors


def test_gradient_check_can_fail():
    """The checker must notice a wrong gradient (a test that cannot fail proves nothing)."""
    params, x, h0, y = make_problem(4, 2, 3, 4, 2, seed=5)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    g = rnnlib.backward(params, cache, do)
    p = {k: v.copy() for k, v in params.items()}

    def loss():
        return rnnlib.squared_error(rnnlib.forward(p, x, h0)[0], y)[0]

    num = rnnlib.numerical_gradient(loss, p["W"])
    assert rnnlib.relative_error(g["W"], num) < 1e-7
    assert rnnlib.relative_error(g["W"].T, num) > 1e-3
    assert rnnlib.relative_error(1.001 * g["W"], num) > 1e-4


def naive_truncated(params, x, h0, do, k):
    """Independent reference: backpropagate each L(t) separately through k steps."""
    U, W, V = params["U"], params["W"], params["V"]
    h = rnnlib.forward(params, x, h0)[1]["h"]
    T, B, _ = x.shape
    g = {n: np.zeros_like(v) for n, v in params.items()}
    g["h0"] = np.zeros_like(h0)
    for t in range(1, T + 1):            # the loss L(t) (1-based time)
        g["V"] += do[t - 1].T @ h[t]
        g["c"] += do[t - 1].sum(0)
        dh = do[t - 1] @ V
        for s in range(t, max(t - k, 0), -1):   # a(t), ..., a(t-k+1)
            da = dh * (1 - h[s] ** 2)
            g["W"] += da.T @ h[s - 1]
            g["U"] += da.T @ x[s - 1]
            g["b"] += da.sum(0)
            dh = da @ W
            if s == 1:
                g["h0"] += dh
    return g


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8, 20])
def test_truncated_matches_naive_reference(k):
    params, x, h0, y = make_problem(8, 3, 2, 4, 2, seed=11)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    fast = rnnlib.backward(params, cache, do, truncate=k)
    ref = naive_truncated(params, x, h0, do, k)
    for name in ref:
        np.testing.assert_allclose(fast[name], ref[name], rtol=1e-12, atol=1e-13, err_msg=name)


def truncated_loss(params, x, h_fixed, y, k):
    """The loss whose exact gradient truncated BPTT computes: each L(t) is evaluated on a
    window of k steps started from the *fixed* (detached) state h(t-k)."""
    T = x.shape[0]
    total = 0.0
    for t in range(1, T + 1):
        start = max(t - k, 0)
        o, _ = rnnlib.forward(params, x[start:t], h_fixed[start])
        total += rnnlib.squared_error(o[-1:], y[t - 1:t])[0]
    return total


@pytest.mark.parametrize("k", [1, 2, 4])
def test_truncated_matches_finite_differences_of_detached_loss(k):
    params, x, h0, y = make_problem(6, 2, 2, 3, 2, seed=13)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    g = rnnlib.backward(params, cache, do, truncate=k)
    h_fixed = cache["h"].copy()
    p = {n: v.copy() for n, v in params.items()}
    for name in ("U", "W", "V", "b", "c"):
        num = rnnlib.numerical_gradient(lambda: truncated_loss(p, x, h_fixed, y, k), p[name])
        assert rnnlib.relative_error(g[name], num) < 1e-7, name


@pytest.mark.parametrize("T", [1, 4, 9])
def test_truncate_at_least_T_equals_full(T):
    params, x, h0, y = make_problem(T, 2, 3, 4, 2, seed=T)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    full = rnnlib.backward(params, cache, do)
    for k in (T, T + 1, 10 * T):
        trunc = rnnlib.backward(params, cache, do, truncate=k)
        for name in full:
            np.testing.assert_array_equal(trunc[name], full[name])


def test_truncate_one_is_the_one_step_gradient():
    params, x, h0, y = make_problem(7, 3, 2, 4, 2, seed=17)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    g = rnnlib.backward(params, cache, do, truncate=1)
    h = cache["h"]
    # One-step gradient: dL(t)/da(t) = (V^T dL/do(t)) * tanh'(a(t)), no flow through W.
    da = (do @ params["V"]) * (1 - h[1:] ** 2)
    np.testing.assert_allclose(g["W"], np.einsum("tbi,tbj->ij", da, h[:-1]), rtol=1e-12)
    np.testing.assert_allclose(g["U"], np.einsum("tbi,tbj->ij", da, x), rtol=1e-12)
    np.testing.assert_allclose(g["b"], da.sum((0, 1)), rtol=1e-12)
    np.testing.assert_allclose(g["h0"], da[0] @ params["W"], rtol=1e-12)
    full = rnnlib.backward(params, cache, do)
    assert rnnlib.relative_error(g["W"], full["W"]) > 1e-3   # truncation does change it


def test_truncation_error_shrinks_to_zero_as_k_grows():
    params, x, h0, y = make_problem(10, 2, 2, 4, 2, seed=19, w_scale=0.8)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    full = rnnlib.backward(params, cache, do)
    errs = [rnnlib.relative_error(rnnlib.backward(params, cache, do, truncate=k)["W"], full["W"])
            for k in range(1, 11)]
    assert errs[-1] == 0.0
    assert errs[0] > errs[4] > 0


def test_forward_matches_explicit_loop(problem):
    params, x, h0, _ = problem
    o, cache = rnnlib.forward(params, x, h0)
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(params["b"] + h @ params["W"].T + x[t] @ params["U"].T)
        np.testing.assert_allclose(cache["h"][t + 1], h, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(o[t], params["c"] + h @ params["V"].T, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(cache["h"][0], h0)


def test_forward_does_not_modify_inputs(problem):
    params, x, h0, y = problem
    before = {k: v.copy() for k, v in params.items()}
    x0, h00 = x.copy(), h0.copy()
    o, cache = rnnlib.forward(params, x, h0)
    rnnlib.backward(params, cache, np.ones_like(o), truncate=2)
    for k in before:
        np.testing.assert_array_equal(params[k], before[k])
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(h0, h00)


def test_float64_by_default_and_float32_kept():
    rng = np.random.default_rng(0)
    p64 = rnnlib.init_params(2, 3, 1, rng=rng)
    assert all(v.dtype == np.float64 for v in p64.values())
    p32 = rnnlib.init_params(2, 3, 1, rng=rng, dtype=np.float32)
    o, cache = rnnlib.forward(p32, np.ones((2, 1, 2), dtype=np.float32))
    assert o.dtype == np.float32 and cache["h"].dtype == np.float32


def test_init_params_deterministic_and_spectral_radius():
    a = rnnlib.init_params(3, 8, 2, rng=np.random.default_rng(42), spectral_radius=1.3)
    b = rnnlib.init_params(3, 8, 2, rng=np.random.default_rng(42), spectral_radius=1.3)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
    assert abs(rnnlib.spectral_radius(a["W"]) - 1.3) < 1e-12
    c = rnnlib.init_params(3, 8, 2, rng=np.random.default_rng(42), w_scale=0.0)
    assert not c["W"].any()


@pytest.mark.parametrize("shape", [(1, 1, 1, 1, 1), (6, 3, 2, 4, 2)])
def test_linear_activation_matches_finite_differences(shape):
    params, x, h0, y = make_problem(*shape, seed=23)
    o, cache = rnnlib.forward(params, x, h0, activation="linear")
    _, do = rnnlib.squared_error(o, y)
    g = rnnlib.backward(params, cache, do)
    p = {k: v.copy() for k, v in params.items()}
    for name in ("U", "W", "V", "b", "c"):
        num = rnnlib.numerical_gradient(
            lambda: rnnlib.squared_error(rnnlib.forward(p, x, h0, activation="linear")[0], y)[0],
            p[name])
        assert rnnlib.relative_error(g[name], num) < 1e-7, name


def test_linear_forward_is_the_affine_recurrence(problem):
    params, x, h0, _ = problem
    _, cache = rnnlib.forward(params, x, h0, activation="linear")
    h = h0
    for t in range(x.shape[0]):
        h = params["b"] + h @ params["W"].T + x[t] @ params["U"].T
    np.testing.assert_allclose(cache["h"][-1], h, rtol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "linear"])
def test_state_gradients_agree_with_backward(activation):
    params, x, h0, y = make_problem(8, 2, 3, 4, 2, seed=29)
    o, cache = rnnlib.forward(params, x, h0, activation=activation)
    do = np.zeros_like(o)
    do[-1] = y[-1]                         # a loss on the last output only
    g = rnnlib.backward(params, cache, do)
    sg = rnnlib.state_gradients(params, cache, do[-1] @ params["V"])
    np.testing.assert_allclose(sg[0], g["h0"], rtol=1e-12, atol=1e-15)
    assert sg.shape == (9, 2, 4)


def test_overflow_raises_instead_of_returning_inf():
    rng = np.random.default_rng(0)
    params = rnnlib.init_params(1, 4, 1, rng=rng, spectral_radius=50.0)
    x = np.ones((400, 1, 1))
    with pytest.raises(FloatingPointError, match="overflowed"):
        rnnlib.forward(params, x, activation="linear")
    # With zero input the states stay at 0, where tanh' = 1: the backward pass is then
    # multiplied by W at every step and grows like 50^t, far past float range.
    o, cache = rnnlib.forward(params, np.zeros((200, 1, 1)))
    with pytest.raises(FloatingPointError, match="overflowed"):
        rnnlib.state_gradients(params, cache, np.ones((1, 4)))


def test_backward_blocks_are_invisible(monkeypatch):
    """The sweep runs in blocks of rnnlib.core._BLOCK steps (its memory bound); the block
    size, and a T that leaves a partial last block, must not change the gradients."""
    T = 2 * rnnlib.core._BLOCK + 5                    # two full blocks and a partial one
    params, x, h0, y = make_problem(T, 3, 2, 4, 2, seed=19)
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    full, trunc = rnnlib.backward(params, cache, do), rnnlib.backward(params, cache, do, truncate=7)
    ref = naive_truncated(params, x, h0, do, 7)
    for name in ref:
        np.testing.assert_allclose(trunc[name], ref[name], rtol=1e-12, atol=1e-13, err_msg=name)
    for block in (1, 2, 3, T - 1, T, T + 1):
        monkeypatch.setattr(rnnlib.core, "_BLOCK", block)
        for k, expected in ((None, full), (7, trunc)):
            got = rnnlib.backward(params, cache, do, truncate=k)
            for name in expected:
                np.testing.assert_allclose(got[name], expected[name], rtol=1e-12, atol=1e-14,
                                           err_msg=f"block {block}, truncate {k}, {name}")


def test_bptt_matches_finite_differences_over_several_blocks():
    T = rnnlib.core._BLOCK + 9
    params, x, h0, y = make_problem(T, 2, 2, 3, 2, seed=23)
    errors = rnnlib.check_gradients(params, x, lambda o: rnnlib.squared_error(o, y), h0=h0)
    assert max(errors.values()) < 1e-7, errors


def test_forward_tanh_equals_numpy_tanh_to_two_units_in_the_last_place():
    """forward computes tanh as 2 / (1 + exp(-2a)) - 1 (twice as fast as np.tanh where
    numpy's float64 tanh is not vectorised); it must stay within 2 ulp of 1 of np.tanh."""
    rng = np.random.default_rng(29)
    a = np.concatenate([scale * rng.standard_normal(20_000)
                        for scale in (1e-12, 1e-4, 0.1, 1.0, 5.0, 50.0, 1e3)]
                       + [np.array([0.0, -0.0, 354.0, -354.0, 356.0, -356.0, 1e308, -1e308,
                                    np.inf, -np.inf])])
    got, scratch = a.copy(), np.empty_like(a)
    with np.errstate(over="ignore"):
        rnnlib.core._tanh_inplace(got, scratch)
    assert np.max(np.abs(got - np.tanh(a))) <= 2 * np.finfo(float).eps
    # and through forward: h(t) of a linear read-out equals the np.tanh recurrence
    params, x, h0, _ = make_problem(20, 3, 2, 5, 2, seed=31, w_scale=3.0)
    h = rnnlib.forward(params, x, h0)[1]["h"]
    ref = [h0]
    for t in range(20):
        ref.append(np.tanh(params["b"] + ref[-1] @ params["W"].T + x[t] @ params["U"].T))
    np.testing.assert_allclose(h, np.array(ref), rtol=0, atol=1e-14)
