"""The training loop: updates against a hand-written step, clipping, divergence, validation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib

PARAMS = ("U", "W", "V", "b", "c")


def small_problem(seed=0, T=6, B=4, H=5, rho=0.9):
    rng = np.random.default_rng(seed)
    params = rnnlib.init_params(2, H, 1, rng=rng, spectral_radius=rho)
    batch = rnnlib.adding_problem(T, B, rng=rng)
    return params, batch


def manual_grads(params, batch):
    x, y, mask = batch
    o, cache = rnnlib.forward(params, x)
    loss, do = rnnlib.squared_error(o, y, mask)
    g = rnnlib.backward(params, cache, do)
    return loss, {k: g[k] for k in PARAMS}


def test_one_step_matches_a_hand_written_update():
    params, batch = small_problem()
    loss, g = manual_grads(params, batch)
    run = rnnlib.train(params, batch, steps=1, lr=0.1)
    assert run["loss"][0] == loss
    assert run["grad_norm"][0] == pytest.approx(rnnlib.global_norm(g), rel=1e-14)
    for k in PARAMS:
        np.testing.assert_allclose(run["params"][k], params[k] - 0.1 * g[k], rtol=1e-14, atol=1e-15)
    assert not run["diverged"] and run["diverged_at"] is None and run["reason"] is None


def test_clipped_step_matches_clip_grad_norm():
    params, batch = small_problem(1)
    _, g = manual_grads(params, batch)
    v = 0.5 * rnnlib.global_norm(g)
    clipped, _ = rnnlib.clip_grad_norm(g, v)
    run = rnnlib.train(params, batch, steps=1, lr=0.2, clip=("norm", v))
    assert run["clipped"][0]
    for k in PARAMS:
        np.testing.assert_allclose(run["params"][k], params[k] - 0.2 * clipped[k], rtol=1e-14, atol=1e-15)


def test_momentum_matches_heavy_ball():
    params, batch = small_problem(2)
    lr, mu = 0.1, 0.9
    p = {k: v.copy() for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    for _ in range(3):
        _, g = manual_grads(p, batch)
        for k in PARAMS:
            m[k] = mu * m[k] - lr * g[k]
            p[k] = p[k] + m[k]
    run = rnnlib.train(params, batch, steps=3, lr=lr, momentum=mu)
    for k in PARAMS:
        np.testing.assert_allclose(run["params"][k], p[k], rtol=1e-12, atol=1e-14)


def test_full_batch_descent_lowers_the_loss_and_input_is_not_mutated():
    params, batch = small_problem(3)
    before = {k: v.copy() for k, v in params.items()}
    run = rnnlib.train(params, batch, steps=200, lr=0.05)
    assert run["loss"][-1] < 0.5 * run["loss"][0]
    for k in PARAMS:
        np.testing.assert_array_equal(params[k], before[k])


def test_a_task_is_sampled_with_the_generator_and_runs_reproduce():
    params, _ = small_problem(4)

    def task(r):
        return rnnlib.adding_problem(8, 4, rng=r)

    a = rnnlib.train(params, task, steps=20, lr=0.1, rng=np.random.default_rng(9))
    b = rnnlib.train(params, task, steps=20, lr=0.1, rng=np.random.default_rng(9))
    c = rnnlib.train(params, task, steps=20, lr=0.1, rng=np.random.default_rng(10))
    np.testing.assert_array_equal(a["loss"], b["loss"])
    assert not np.array_equal(a["loss"], c["loss"])


def test_clipped_flags_follow_the_recorded_norms():
    params, _ = small_problem(5, rho=1.5)
    v = 0.3
    run = rnnlib.train(params, lambda r: rnnlib.adding_problem(10, 8, rng=r), steps=60,
                       lr=0.1, clip=("norm", v), rng=np.random.default_rng(0))
    np.testing.assert_array_equal(run["clipped"], run["grad_norm"] > v)
    assert run["clipped"].any() and not run["clipped"].all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), v=st.floats(1e-3, 10.0), lr=st.floats(1e-3, 1.0),
       mode=st.sampled_from(["norm", "per_parameter", "value"]))
def test_a_clipped_step_is_bounded(seed, v, lr, mode):
    """||Delta theta|| <= lr v (global), per array <= lr v, per entry <= lr c (value)."""
    params, batch = small_problem(seed, rho=2.0)
    run = rnnlib.train(params, batch, steps=1, lr=lr, clip=(mode, v))
    delta = {k: run["params"][k] - params[k] for k in PARAMS}
    tol = 1 + 1e-9
    if mode == "norm":
        assert rnnlib.global_norm(delta) <= lr * v * tol
    elif mode == "per_parameter":
        assert all(np.linalg.norm(d) <= lr * v * tol for d in delta.values())
    else:
        assert all(np.max(np.abs(d)) <= lr * v * tol for d in delta.values())


def test_value_clipping_flag():
    params, batch = small_problem(6)
    _, g = manual_grads(params, batch)
    biggest = max(float(np.max(np.abs(a))) for a in g.values())
    assert rnnlib.train(params, batch, steps=1, lr=0.1, clip=("value", 0.5 * biggest))["clipped"][0]
    assert not rnnlib.train(params, batch, steps=1, lr=0.1, clip=("value", 2 * biggest))["clipped"][0]


def test_overflow_is_recorded_as_divergence_not_raised():
    rng = np.random.default_rng(0)
    params = rnnlib.init_params(1, 4, 1, rng=rng, spectral_radius=3.0)
    x = rng.standard_normal((800, 2, 1))      # 3**800 overflows float64 in a linear RNN
    run = rnnlib.train(params, (x, np.zeros((800, 2, 1))), steps=5, lr=0.1, activation="linear")
    assert run["diverged"] and run["diverged_at"] == 0 and run["reason"] == "non-finite"
    assert np.isnan(run["loss"]).all() and run["grad_norm"][0] == np.inf
    for k in PARAMS:                           # the parameters in force when it stopped
        np.testing.assert_array_equal(run["params"][k], params[k])


def test_loss_blow_up_stops_the_run():
    params, _ = small_problem(7, rho=1.5)
    run = rnnlib.train(params, lambda r: rnnlib.adding_problem(10, 8, rng=r), steps=100,
                       lr=5.0, rng=np.random.default_rng(0), max_loss_ratio=100.0)
    assert run["diverged"] and run["reason"] == "loss blow-up"
    k = run["diverged_at"]
    assert run["loss"][k] > 100 * run["loss"][0]
    assert np.all(np.isfinite(run["loss"][:k + 1])) and np.all(np.isnan(run["loss"][k + 1:]))
    assert np.all(np.isfinite(run["grad_norm"][:k + 1])) and np.all(np.isnan(run["grad_norm"][k + 1:]))


def test_clipping_keeps_the_same_run_from_blowing_up():
    params, _ = small_problem(7, rho=1.5)
    run = rnnlib.train(params, lambda r: rnnlib.adding_problem(10, 8, rng=r), steps=100,
                       lr=5.0, rng=np.random.default_rng(0), max_loss_ratio=100.0,
                       clip=("norm", 0.01))
    assert not run["diverged"]


def test_cross_entropy_on_the_copy_task():
    rng = np.random.default_rng(0)
    params = rnnlib.init_params(10, 8, 10, rng=rng)
    run = rnnlib.train(params, lambda r: rnnlib.copy_memory(2, 3, 4, rng=r), steps=5, lr=0.1,
                       loss="softmax_cross_entropy", rng=rng)
    assert np.all(np.isfinite(run["loss"]))


def test_custom_loss_callable_and_truncation():
    params, batch = small_problem(8)
    calls = []

    def loss(o, y, mask):
        calls.append(o.shape)
        return rnnlib.squared_error(o, y, mask)

    run = rnnlib.train(params, batch, steps=2, lr=0.1, loss=loss, truncate=2)
    assert calls == [batch[0].shape[:2] + (1,)] * 2 and np.all(np.isfinite(run["loss"]))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"steps": 0}, ValueError, "steps must be >= 1"),
    ({"lr": -0.1}, ValueError, "lr must be a finite number > 0"),
    ({"clip": "norm"}, TypeError, "clip must be None or a tuple"),
    ({"clip": ("l1", 1.0)}, ValueError, "clip mode must be one of"),
    ({"clip": ("norm", 0.0)}, ValueError, "clip threshold must be a finite number > 0"),
    ({"loss": "hinge"}, ValueError, "loss must be one of"),
    ({"momentum": 1.0}, ValueError, r"momentum must be in \[0, 1\)"),
    ({"momentum": "0.9"}, TypeError, "momentum must be a real number"),
    ({"truncate": 0}, ValueError, "truncate must be >= 1"),
    ({"activation": "relu"}, ValueError, "activation must be one of"),
    ({"max_loss_ratio": np.inf}, ValueError, "max_loss_ratio must be a finite number > 0"),
    ({"rng": 3}, TypeError, "rng must be a numpy.random.Generator"),
])
def test_bad_arguments_are_rejected(kwargs, error, message):
    params, batch = small_problem()
    args = {"steps": 2, "lr": 0.1} | kwargs
    with pytest.raises(error, match=message):
        rnnlib.train(params, batch, **args)


def test_bad_data_is_rejected():
    params, batch = small_problem()
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator when data is a task"):
        rnnlib.train(params, lambda r: batch, steps=1, lr=0.1)
    with pytest.raises(TypeError, match="data must be a callable"):
        rnnlib.train(params, [batch], steps=1, lr=0.1)
    with pytest.raises(TypeError, match=r"data\(rng\) must return a tuple \(x, y, mask\)"):
        rnnlib.train(params, lambda r: batch[:2], steps=1, lr=0.1, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="x must have shape"):
        rnnlib.train(params, (np.zeros((5, 2, 3)), np.zeros((5, 2, 1))), steps=1, lr=0.1)


def test_an_update_that_overflows_the_parameters_is_a_divergence():
    params, (x, y, mask) = small_problem(9)
    run = rnnlib.train(params, (x, 1e3 + y, mask), steps=3, lr=1e308)
    assert run["diverged"] and run["diverged_at"] == 0 and run["reason"] == "non-finite parameters"
    assert np.isfinite(run["loss"][0]) and np.isfinite(run["grad_norm"][0])
    for k in PARAMS:
        np.testing.assert_array_equal(run["params"][k], params[k])
