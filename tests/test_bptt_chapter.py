"""The code cells of the BPTT chapter that other code relies on.

``benchmarks/bptt.py`` extracts the cell tagged ``naive-bptt`` from ``book/bptt.ipynb`` and
executes it on its own, and the interactive figure's drawing function lives in the cell
tagged ``bptt-lag-figure``. These tests run both cells outside the notebook, as a
benchmark would, so a renamed tag, a hidden dependency on an earlier cell, or a naive
implementation that drifts from ``rnnlib.backward`` fails here with a clear message.
"""

import json
import pathlib

import matplotlib
import numpy as np
import pytest

import rnnlib
from problems import make_problem

matplotlib.use("Agg")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "book" / "bptt.ipynb"


def tagged_source(tag):
    cells = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
             if c["cell_type"] == "code" and tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{NOTEBOOK.name}: expected one code cell tagged {tag!r}, got {len(cells)}"
    return "".join(cells[0]["source"])


@pytest.fixture(scope="module")
def bptt_naive():
    namespace = {"__name__": "naive_bptt_cell"}       # nothing pre-imported: the cell is standalone
    exec(compile(tagged_source("naive-bptt"), "naive-bptt", "exec"), namespace)
    assert callable(namespace.get("bptt_naive")), "the naive-bptt cell must define bptt_naive"
    return namespace["bptt_naive"]


@pytest.mark.parametrize("shape", [(1, 1, 1, 1, 1), (1, 3, 2, 4, 2), (5, 1, 3, 4, 2),
                                   (7, 2, 3, 5, 3)],
                         ids=lambda s: "T{}B{}D{}H{}K{}".format(*s))
def test_naive_cell_matches_rnnlib(bptt_naive, shape):
    params, x, h0, y = make_problem(*shape, seed=sum(shape))
    o, cache = rnnlib.forward(params, x, h0)
    _, do = rnnlib.squared_error(o, y)
    expected = rnnlib.backward(params, cache, do)
    got = bptt_naive(params, x, h0, do)
    assert set(got) == set(expected)
    for name in expected:
        assert got[name].shape == expected[name].shape, name
        assert rnnlib.relative_error(got[name], expected[name]) < 1e-12, name


def test_naive_cell_does_not_modify_its_inputs(bptt_naive):
    params, x, h0, y = make_problem(4, 2, 3, 4, 2, seed=3)
    before = {k: v.copy() for k, v in params.items()}
    x0, h00 = x.copy(), h0.copy()
    bptt_naive(params, x, h0, np.ones((4, 2, 2)))
    for k in before:
        np.testing.assert_array_equal(params[k], before[k])
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(h0, h00)


def test_lag_figure_cell_is_standalone():
    import matplotlib.pyplot as plt

    namespace = {"__name__": "bptt_lag_figure_cell"}
    exec(compile(tagged_source("bptt-lag-figure"), "bptt-lag-figure", "exec"), namespace)
    draw = namespace["draw_gradient_by_lag"]
    profile, h_max = namespace["gradient_norm_by_lag"](1.5, 1e-8)
    assert profile.shape == (namespace["LAG_T"] + 1,) and h_max < 1e-3
    assert profile[0] == pytest.approx(1.0)                 # unit gradient on h(T)
    for rho in namespace["LAG_RHOS"]:
        for scale in namespace["LAG_SCALES"]:
            assert (rho, scale) in namespace["LAG_PROFILES"]
    fig = plt.figure()
    draw(fig, rho=namespace["LAG_RHOS"][0], input_scale=namespace["LAG_SCALES"][0])
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == len(namespace["LAG_RHOS"]) + 1
    plt.close(fig)
