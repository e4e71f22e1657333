"""Random RNN problems shared by the rnnlib tests (a plain module: import it by name).

Kept out of conftest.py so that test files can import it unambiguously even when another
conftest.py (tests/site/) is on the path.
"""

import numpy as np

import rnnlib


def make_problem(T, B, D, H, K, seed=0, w_scale=1.0):
    """A random RNN problem: params, inputs, initial state and regression targets."""
    rng = np.random.default_rng(seed)
    params = rnnlib.init_params(D, H, K, rng=rng, w_scale=w_scale)
    params["b"] = 0.1 * rng.standard_normal(H)
    params["c"] = 0.1 * rng.standard_normal(K)
    x = rng.standard_normal((T, B, D))
    h0 = 0.5 * rng.standard_normal((B, H))
    y = rng.standard_normal((T, B, K))
    return params, x, h0, y
