"""The unfolded graph (structure and drawings) and the 1-D convolution over time."""

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def gids(ax, prefix):
    artists = list(ax.patches) + list(ax.texts)
    return [a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix)]


# --- unfolded_graph: the structure as data -----------------------------------------------

@pytest.mark.parametrize("T", [1, 2, 5, 40])
@pytest.mark.parametrize("loss,targets,per_step", [(True, True, 5), (True, False, 4),
                                                   (False, True, 3), (False, False, 3)])
def test_unfolded_graph_counts(T, loss, targets, per_step):
    g = rnnlib.unfolded_graph(T, loss=loss, targets=targets)
    assert len(g["nodes"]) == 1 + per_step * T
    assert len(g["edges"]) == per_step * T
    names = [n["name"] for n in g["nodes"]]
    assert len(set(names)) == len(names)
    for e in g["edges"]:
        assert e["source"] in names and e["target"] in names


@pytest.mark.parametrize("T", [1, 3, 12])
def test_unfolded_graph_shares_three_matrices(T):
    g = rnnlib.unfolded_graph(T)
    by_weight = {w: [e for e in g["edges"] if e["weight"] == w] for w in ("U", "W", "V")}
    assert {e["weight"] for e in g["edges"]} == {"U", "W", "V", None}
    for w, edges in by_weight.items():
        assert len(edges) == T, w                       # one use per step, same matrix
    assert [(e["source"], e["target"]) for e in by_weight["W"]] == [
        (f"h({t - 1})", f"h({t})") for t in range(1, T + 1)]
    assert all(e["target"] == f"h({e['step']})" for e in by_weight["U"])
    assert all(e["source"] == f"h({e['step']})" for e in by_weight["V"])


def test_unfolded_graph_is_a_chain_through_the_hidden_states():
    """Every path from x(s) reaches h(t) for all t >= s: the state carries the prefix."""
    T = 6
    g = rnnlib.unfolded_graph(T, loss=False)
    succ = {}
    for e in g["edges"]:
        succ.setdefault(e["source"], []).append(e["target"])

    def reach(node):
        seen, stack = set(), [node]
        while stack:
            for nxt in succ.get(stack.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    for s in range(1, T + 1):
        hs = {n for n in reach(f"x({s})") if n.startswith("h(")}
        assert hs == {f"h({t})" for t in range(s, T + 1)}


def test_unfolded_graph_positions_and_labels():
    g = rnnlib.unfolded_graph(3)
    pos = {n["name"]: n["xy"] for n in g["nodes"]}
    assert pos["h(0)"] == (0.0, 1.0) and pos["x(2)"] == (2.0, 0.0) and pos["y(3)"] == (3.0, 4.0)
    labels = {n["name"]: n["label"] for n in g["nodes"]}
    assert labels["h(0)"] == "h\u207d\u2070\u207e" and labels["x(3)"] == "x\u207d\u00b3\u207e"


@pytest.mark.parametrize("bad", [0, -1])
def test_unfolded_graph_rejects_bad_T_values(bad):
    with pytest.raises(ValueError, match="T must be >= 1"):
        rnnlib.unfolded_graph(bad)


@pytest.mark.parametrize("bad", [2.5, "3", None, True, np.float64(3.0)])
def test_unfolded_graph_rejects_bad_T_types(bad):
    with pytest.raises(TypeError, match="T must be an integer"):
        rnnlib.unfolded_graph(bad)


def test_unfolded_graph_accepts_numpy_integers():
    assert len(rnnlib.unfolded_graph(np.int64(2))["edges"]) == 10


def test_unfolded_graph_rejects_non_bool_options():
    with pytest.raises(TypeError, match="loss must be True or False"):
        rnnlib.unfolded_graph(2, loss="yes")


# --- draw_unfolded_graph ------------------------------------------------------------------

@pytest.mark.parametrize("T", [1, 4, 10])
def test_draw_unfolded_graph_draws_every_node_and_edge(T):
    ax = rnnlib.draw_unfolded_graph(T)
    g = rnnlib.unfolded_graph(T)
    assert sorted(gids(ax, "node:")) == sorted(f"node:{n['name']}" for n in g["nodes"])
    assert sorted(gids(ax, "edge:")) == sorted(f"edge:{e['source']}->{e['target']}"
                                               for e in g["edges"])
    labels = [t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label:")]
    assert sorted(labels) == sorted(["U", "W", "V"] * T)
    texts = {t.get_text() for t in ax.texts}
    assert {n["label"] for n in g["nodes"]} <= texts
    assert not ax.axison


def test_draw_unfolded_graph_uses_given_axes_and_returns_it():
    fig, ax = plt.subplots()
    assert rnnlib.draw_unfolded_graph(3, ax, loss=False) is ax
    assert len(gids(ax, "node:")) == 1 + 3 * 3
    assert ax.get_xlim() == (-0.5, 3.5)


def test_draw_unfolded_graph_active_step_fades_the_future():
    ax = rnnlib.draw_unfolded_graph(5, loss=False, active=2)
    alpha = {p.get_gid(): p.get_alpha() for p in ax.patches}
    assert alpha["node:h(1)"] == 1.0 and alpha["node:h(2)"] == 1.0
    assert alpha["node:h(3)"] < 1.0 and alpha["edge:h(2)->h(3)"] < 1.0
    width = {p.get_gid(): p.get_linewidth() for p in ax.patches}
    assert width["node:h(2)"] > width["node:h(1)"]      # the current step is highlighted


@pytest.mark.parametrize("T,exc,match", [
    (0, ValueError, "T must be >= 1"),
    (-3, ValueError, "T must be >= 1"),
    (31, ValueError, "T must be <= 30"),
    (2.0, TypeError, "T must be an integer"),
    ("4", TypeError, "T must be an integer"),
])
def test_draw_unfolded_graph_rejects_bad_T(T, exc, match):
    with pytest.raises(exc, match=match):
        rnnlib.draw_unfolded_graph(T)


@pytest.mark.parametrize("active,exc", [(-1, ValueError), (4, ValueError), (1.5, TypeError)])
def test_draw_unfolded_graph_rejects_bad_active(active, exc):
    with pytest.raises(exc, match="active"):
        rnnlib.draw_unfolded_graph(3, active=active)


# --- draw_folded_graph --------------------------------------------------------------------

@pytest.mark.parametrize("loss,targets,n", [(True, True, 5), (True, False, 4), (False, True, 3)])
def test_draw_folded_graph(loss, targets, n):
    ax = rnnlib.draw_folded_graph(loss=loss, targets=targets)
    assert len(gids(ax, "node:")) == n
    assert "edge:h->h" in gids(ax, "edge:") and "delay" in [p.get_gid() for p in ax.patches]
    labels = sorted(t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("label:"))
    assert labels == ["U", "V", "W"]


def test_draw_folded_graph_rejects_non_bool():
    with pytest.raises(TypeError, match="targets"):
        rnnlib.draw_folded_graph(targets=1)


# --- draw_unrolling -----------------------------------------------------------------------

def _run(T=6, B=2, H=5, seed=0):
    rng = np.random.default_rng(seed)
    p = rnnlib.init_params(2, H, 1, rng=rng)
    x = rng.standard_normal((T, B, 2))
    _, cache = rnnlib.forward(p, x)
    return x, cache["h"]


@pytest.mark.parametrize("step", [0, 3, 6])
def test_draw_unrolling_shows_the_first_steps(step):
    x, h = _run()
    fig = plt.figure(figsize=(7, 5.2))
    ax_graph, ax_states = rnnlib.draw_unrolling(fig, x, h, step, sequence=1, units=[0, 2])
    fig.canvas.draw()                                     # applies the equal aspect
    assert len(ax_states.lines) == 3
    inp, u0, u2 = ax_states.lines
    np.testing.assert_array_equal(inp.get_xdata(), np.arange(1, step + 1))
    np.testing.assert_array_equal(inp.get_ydata(), x[:step, 1, 0])
    np.testing.assert_array_equal(u2.get_ydata(), h[:step + 1, 1, 2])
    drawn = set(gids(ax_graph, "node:"))
    assert drawn == {"node:h(0)"} | {f"node:{v}({t})" for v in "xho" for t in range(1, step + 1)}
    assert ax_graph.get_xlim() == ax_states.get_xlim()    # columns line up with the ticks
    # Equal aspect and a graph as wide as the plot: column t sits above tick t.
    assert ax_graph.get_position().width == pytest.approx(ax_states.get_position().width)


def test_draw_unrolling_can_fade_the_future():
    x, h = _run()
    ax_graph, _ = rnnlib.draw_unrolling(plt.figure(figsize=(7, 4.6)), x, h, 2, future="faded")
    alpha = {p.get_gid(): p.get_alpha() for p in ax_graph.patches}
    assert all(alpha[f"node:h({t})"] == 1.0 for t in range(3))
    assert all(alpha[f"node:h({t})"] < 1.0 for t in range(3, 7))


def test_draw_unfolded_graph_hidden_future():
    ax = rnnlib.draw_unfolded_graph(5, active=2, future="hidden")
    assert len(gids(ax, "node:")) == 1 + 5 * 2
    assert ax.get_xlim() == (-0.5, 5.5)
    with pytest.raises(ValueError, match="future must be"):
        rnnlib.draw_unfolded_graph(5, active=2, future="gone")


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"step": 7}, ValueError, "step must be in 0..T"),
    ({"step": -1}, ValueError, "step must be >= 0"),
    ({"step": 1.0}, TypeError, "step must be an integer"),
    ({"step": 1, "sequence": 2}, ValueError, "sequence must be in"),
    ({"step": 1, "units": [5]}, ValueError, "units must be"),
    ({"step": 1, "units": []}, ValueError, "units must be"),
    ({"step": 1, "future": "none"}, ValueError, "future must be"),
])
def test_draw_unrolling_rejects_bad_arguments(kwargs, exc, match):
    x, h = _run()
    with pytest.raises(exc, match=match):
        rnnlib.draw_unrolling(plt.figure(), x, h, **kwargs)


def test_draw_unrolling_rejects_mismatched_states():
    x, h = _run()
    with pytest.raises(ValueError, match=r"h must have shape \(T\+1, B, H\)"):
        rnnlib.draw_unrolling(plt.figure(), x, h[1:], 2)


# --- conv1d -------------------------------------------------------------------------------

def test_conv1d_matches_numpy_convolve():
    rng = np.random.default_rng(1)
    x = rng.standard_normal(9)
    w = rng.standard_normal(4)
    out = rnnlib.conv1d(x.reshape(9, 1, 1), w.reshape(4, 1, 1), np.array([0.5]))
    np.testing.assert_allclose(out[:, 0, 0], np.convolve(x, w)[:9] + 0.5, rtol=0, atol=1e-14)
    valid = rnnlib.conv1d(x.reshape(9, 1, 1), w.reshape(4, 1, 1), padding="valid")
    np.testing.assert_allclose(valid[:, 0, 0], np.convolve(x, w, mode="valid"), atol=1e-14)


def test_conv1d_shapes_and_matrix_kernel():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((7, 3, 2))
    K = rng.standard_normal((3, 4, 2))
    out = rnnlib.conv1d(x, K)
    assert out.shape == (7, 3, 4)
    t = 5  # z(t+1) = sum_j K_j x(t+1-j)
    expected = sum(x[t - j] @ K[j].T for j in range(3))
    np.testing.assert_allclose(out[t], expected, atol=1e-13)
    assert rnnlib.conv1d(x, K, padding="valid").shape == (5, 3, 4)


@settings(max_examples=40, deadline=None)
@given(T=st.integers(1, 12), k=st.integers(1, 5), s=st.integers(0, 11),
       seed=st.integers(0, 2 ** 16))
def test_conv1d_sees_exactly_a_window_of_k_steps(T, k, s, seed):
    """Changing x(s+1) changes z(t+1) iff s <= t < s + k: the fixed window."""
    s = s % T
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, 1, 2))
    K = rng.standard_normal((k, 3, 2))
    y = x.copy()
    y[s] += 1.0 + rng.random((1, 2))
    diff = np.abs(rnnlib.conv1d(x, K) - rnnlib.conv1d(y, K)).max(axis=(1, 2))
    for t in range(T):
        if s <= t < s + k:
            assert diff[t] > 0
        else:
            assert diff[t] == 0.0


@settings(max_examples=30, deadline=None)
@given(T=st.integers(2, 10), k=st.integers(1, 4), shift=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_conv1d_is_shift_equivariant(T, k, shift, seed):
    """Delaying the input by `shift` steps delays the output: one kernel for every position."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((T, 2, 1))
    K = rng.standard_normal((k, 2, 1))
    delayed = np.concatenate([np.zeros((shift, 2, 1)), x])
    np.testing.assert_allclose(rnnlib.conv1d(delayed, K)[shift:], rnnlib.conv1d(x, K),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("kwargs,exc,match", [
    ({"kernel": np.ones((2, 1, 3))}, ValueError, r"kernel must have shape \(k, C, D\)"),
    ({"kernel": np.ones((2, 1))}, ValueError, "kernel must be 3-D"),
    ({"kernel": np.ones((0, 1, 2))}, ValueError, "k >= 1"),
    ({"kernel": np.ones((2, 1, 2)), "bias": np.ones(2)}, ValueError, r"bias must have shape"),
    ({"kernel": np.ones((2, 1, 2)), "padding": "same"}, ValueError, "padding must be"),
    ({"kernel": np.ones((5, 1, 2)), "padding": "valid"}, ValueError, "needs T >= k"),
    ({"kernel": np.full((2, 1, 2), np.nan)}, ValueError, "kernel must be finite"),
    ({"kernel": np.ones((2, 1, 2), dtype=complex)}, TypeError, "kernel must hold real"),
])
def test_conv1d_rejects_bad_input(kwargs, exc, match):
    x = np.ones((4, 1, 2))
    with pytest.raises(exc, match=match):
        rnnlib.conv1d(x, **kwargs)


def test_conv1d_rejects_bad_x():
    with pytest.raises(ValueError, match="x must be 3-D"):
        rnnlib.conv1d(np.ones((4, 2)), np.ones((2, 1, 2)))
