"""Spectral tools: invariants (hypothesis), exact small cases and rejected input."""

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnnlib

seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(1, 8)
moduli = st.floats(0.05, 1.5, allow_nan=False)
angles = st.floats(0.05, np.pi - 0.05, allow_nan=False)
reals = st.floats(-1.5, 1.5, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@st.composite
def spectra(draw, min_size=1, max_size=8):
    """Eigenvalues of a real matrix: reals and complex-conjugate pairs, shuffled."""
    n_real = draw(st.integers(0, max_size))
    n_pairs = draw(st.integers(0, (max_size - n_real) // 2))
    if n_real + 2 * n_pairs < min_size:
        n_real = min_size
    lam = [complex(draw(reals)) for _ in range(n_real)]
    for _ in range(n_pairs):
        z = draw(moduli) * np.exp(1j * draw(angles))
        lam += [z, np.conj(z)]
    order = draw(st.permutations(range(len(lam))))
    return np.array([lam[i] for i in order])


def same_multiset(a, b, tol):
    """Every element of a matched to a distinct element of b within tol (greedy)."""
    b = list(np.asarray(b, dtype=complex))
    for z in np.asarray(a, dtype=complex):
        j = int(np.argmin([abs(z - w) for w in b]))
        if abs(z - b[j]) > tol:
            return False
        b.pop(j)
    return not b


# --- random_orthogonal -------------------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(sizes, seeds)
def test_random_orthogonal_is_orthogonal(n, seed):
    Q = rnnlib.random_orthogonal(n, rng=np.random.default_rng(seed))
    assert Q.shape == (n, n)
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(Q @ Q.T, np.eye(n), atol=1e-12)


def test_random_orthogonal_is_reproducible_and_uses_the_generator():
    a = rnnlib.random_orthogonal(5, rng=np.random.default_rng(3))
    b = rnnlib.random_orthogonal(5, rng=np.random.default_rng(3))
    c = rnnlib.random_orthogonal(5, rng=np.random.default_rng(4))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_random_orthogonal_is_haar_on_average():
    """For Haar Q, E[Q] = 0 and E[Q_ij^2] = 1/n; the sign fix is what makes this hold."""
    rng = np.random.default_rng(0)
    Qs = np.array([rnnlib.random_orthogonal(3, rng=rng) for _ in range(4000)])
    assert np.abs(Qs.mean(axis=0)).max() < 0.05
    np.testing.assert_allclose((Qs ** 2).mean(axis=0), 1 / 3, atol=0.03)


# --- matrix_with_spectrum ----------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(reals, min_size=1, max_size=8), seeds)
def test_symmetric_has_the_prescribed_real_spectrum(lam, seed):
    W = rnnlib.matrix_with_spectrum(lam, rng=np.random.default_rng(seed), kind="symmetric")
    assert np.array_equal(W, W.T)
    np.testing.assert_allclose(np.linalg.eigvalsh(W), np.sort(lam), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(spectra(), seeds)
def test_normal_has_the_prescribed_spectrum_and_norms(lam, seed):
    W = rnnlib.matrix_with_spectrum(lam, rng=np.random.default_rng(seed), kind="normal")
    assert W.dtype == np.float64 and W.shape == (lam.size, lam.size)
    np.testing.assert_allclose(W @ W.T, W.T @ W, atol=1e-12)
    assert same_multiset(np.linalg.eigvals(W), lam, tol=1e-9)
    # normal: singular values are |lambda|, and ||W^t|| = rho^t
    np.testing.assert_allclose(rnnlib.singular_values(W), np.sort(np.abs(lam))[::-1], atol=1e-12)
    rho = np.abs(lam).max()
    np.testing.assert_allclose(rnnlib.power_norms(W, 6), rho ** np.arange(7), rtol=1e-10)
    assert rnnlib.departure_from_normality(W) < 1e-6


@settings(max_examples=60, deadline=None)
@given(spectra(min_size=3), st.floats(0.1, 5.0), seeds)
def test_nonnormal_keeps_the_spectrum_and_sets_the_departure(lam, d, seed):
    W = rnnlib.matrix_with_spectrum(lam, rng=np.random.default_rng(seed), kind="nonnormal",
                                    departure=d)
    # traces of powers are power sums of the eigenvalues (well conditioned, unlike eig)
    for k in (1, 2, 3):
        expected = np.sum(lam ** k).real
        scale = 1 + np.sum(np.abs(lam) ** k) + (np.linalg.norm(W) ** k)
        assert abs(np.trace(np.linalg.matrix_power(W, k)) - expected) < 1e-10 * scale
    # Henrici: ||W||_F^2 = sum |lambda|^2 + departure^2, exactly by construction
    np.testing.assert_allclose(np.sum(W * W), np.sum(np.abs(lam) ** 2) + d ** 2, rtol=1e-10)


def test_nonnormal_eigenvalues_and_departure_directly():
    lam = np.array([0.9, 0.5 + 0.3j, 0.5 - 0.3j, -0.4, 0.1])
    W = rnnlib.matrix_with_spectrum(lam, rng=np.random.default_rng(1), kind="nonnormal",
                                    departure=2.0)
    assert same_multiset(rnnlib.sorted_eigenvalues(W), lam, tol=1e-8)
    assert rnnlib.departure_from_normality(W) == pytest.approx(2.0, rel=1e-8)
    assert not np.allclose(W @ W.T, W.T @ W)
    assert rnnlib.singular_values(W)[0] > rnnlib.spectral_radius(W)


def test_nonnormal_shows_transient_growth():
    W = rnnlib.matrix_with_spectrum(np.linspace(0.9, 0.5, 8), rng=np.random.default_rng(3),
                                    kind="nonnormal", departure=10.0)
    p = rnnlib.power_norms(W, 300)
    assert rnnlib.spectral_radius(W) == pytest.approx(0.9, abs=1e-8)
    assert p.max() > 100 and p[-1] < 1e-3


def test_complex_pair_gives_a_scaled_rotation():
    r, theta = 0.8, 0.7
    W = rnnlib.matrix_with_spectrum([r * np.exp(1j * theta), r * np.exp(-1j * theta)],
                                    rng=np.random.default_rng(0))
    h = np.array([1.0, 0.0])
    Wh = W @ h
    assert np.linalg.norm(Wh) == pytest.approx(r)
    assert np.arccos(Wh @ h / np.linalg.norm(Wh)) == pytest.approx(theta)


def test_matrix_with_spectrum_accepts_eigvals_output():
    W0 = rnnlib.init_params(1, 7, 1, rng=np.random.default_rng(2))["W"]
    lam = np.linalg.eigvals(W0)
    W = rnnlib.matrix_with_spectrum(lam, rng=np.random.default_rng(0))
    assert same_multiset(np.linalg.eigvals(W), lam, tol=1e-9)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"lam": [0.5 + 0.1j, 0.3]}, ValueError, "conjugate pairs"),
    ({"lam": [0.5 + 0.1j, 0.5 - 0.2j]}, ValueError, "conjugate pairs"),
    ({"lam": []}, ValueError, "non-empty 1-D"),
    ({"lam": [[0.5, 0.1]]}, ValueError, "non-empty 1-D"),
    ({"lam": [0.5, np.nan]}, ValueError, "finite"),
    ({"lam": [True, False]}, TypeError, "real or complex"),
    ({"lam": ["a", "b"]}, TypeError, "real or complex"),
    ({"lam": [0.5], "kind": "orthogonal"}, ValueError, "kind must be one of"),
    ({"lam": [0.5j, -0.5j], "kind": "symmetric"}, ValueError, "needs real eigenvalues"),
    ({"lam": [0.5, 0.2], "kind": "nonnormal"}, ValueError, "needs departure"),
    ({"lam": [0.5, 0.2], "departure": 1.0}, ValueError, "only to kind='nonnormal'"),
    ({"lam": [0.5, 0.2], "kind": "nonnormal", "departure": -1.0}, ValueError, "departure"),
    ({"lam": [0.5j, -0.5j], "kind": "nonnormal", "departure": 1.0}, ValueError,
     "at least two diagonal blocks"),
])
def test_matrix_with_spectrum_rejects_bad_input(kwargs, exc, match):
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(exc, match=match):
        rnnlib.matrix_with_spectrum(**kwargs)


def test_matrix_with_spectrum_needs_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        rnnlib.matrix_with_spectrum([0.5], rng=0)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        rnnlib.random_orthogonal(3, rng=np.random.RandomState(0))


# --- eigenvalues, singular values, departure ---------------------------------------------

@settings(max_examples=50, deadline=None)
@given(sizes, seeds)
def test_transpose_has_the_same_spectrum_and_singular_values(n, seed):
    W = np.random.default_rng(seed).standard_normal((n, n))
    np.testing.assert_allclose(rnnlib.sorted_eigenvalues(W), rnnlib.sorted_eigenvalues(W.T),
                               atol=1e-9)
    np.testing.assert_allclose(rnnlib.singular_values(W), rnnlib.singular_values(W.T),
                               rtol=1e-12, atol=1e-14)
    assert rnnlib.spectral_radius(W) <= rnnlib.singular_values(W)[0] * (1 + 1e-12)


def test_sorted_eigenvalues_order():
    W = np.diag([0.3, -2.0, 1.0])
    W = np.block([[W, np.zeros((3, 2))], [np.zeros((2, 3)), np.array([[0.0, -1.0], [1.0, 0.0]])]])
    lam = rnnlib.sorted_eigenvalues(W)
    assert lam.dtype == complex
    np.testing.assert_allclose(lam, [-2.0, 1.0, 1j, -1j, 0.3], atol=1e-15)


def test_singular_values_rectangular_and_invariant():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 5))
    s = rnnlib.singular_values(A)
    assert s.shape == (3,) and np.all(np.diff(s) <= 0)
    np.testing.assert_allclose(s ** 2, np.sort(np.linalg.eigvalsh(A @ A.T))[::-1], rtol=1e-12)
    Q = rnnlib.random_orthogonal(3, rng=rng)
    np.testing.assert_allclose(rnnlib.singular_values(Q @ A), s, rtol=1e-12)


@pytest.mark.parametrize("func", [rnnlib.spectral_radius, rnnlib.sorted_eigenvalues,
                                  rnnlib.departure_from_normality])
def test_square_functions_reject_bad_matrices(func):
    with pytest.raises(ValueError, match="square"):
        func(np.ones((2, 3)))
    with pytest.raises(ValueError, match="2-D"):
        func(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        func(np.array([[1.0, np.inf], [0.0, 1.0]]))
    with pytest.raises(TypeError, match="real numbers"):
        func(np.eye(2) * 1j)


def test_singular_values_rejects_empty_and_complex():
    with pytest.raises(ValueError, match="at least one row"):
        rnnlib.singular_values(np.ones((0, 3)))
    with pytest.raises(TypeError):
        rnnlib.singular_values(np.eye(2, dtype=complex))


def test_departure_from_normality_of_a_jordan_block():
    J = rnnlib.jordan_block(0.7, 4, coupling=2.0)
    assert rnnlib.departure_from_normality(J) == pytest.approx(np.sqrt(3) * 2.0, rel=1e-6)
    assert rnnlib.departure_from_normality(np.eye(3)) == 0.0


# --- jordan_block ------------------------------------------------------------------------

@settings(max_examples=40, deadline=None)
@given(st.floats(-1.2, 1.2), st.integers(1, 6), st.integers(0, 40))
def test_jordan_block_powers(lam, n, t):
    J = rnnlib.jordan_block(lam, n)
    N = J - lam * np.eye(n)
    np.testing.assert_array_equal(np.linalg.matrix_power(N, n), np.zeros((n, n)))
    if n >= 2 and t >= n - 1:
        corner = np.linalg.matrix_power(J, t)[0, -1]
        expected = comb(t, n - 1) * lam ** (t - n + 1)
        assert corner == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_jordan_block_has_one_eigenvector():
    J = rnnlib.jordan_block(0.5, 5, coupling=0.1)
    assert np.linalg.matrix_rank(J - 0.5 * np.eye(5)) == 4
    assert np.array_equal(rnnlib.jordan_block(0.5, 1), np.array([[0.5]]))


@pytest.mark.parametrize("args, kwargs, exc", [
    ((0.5, 0), {}, ValueError),
    ((0.5, 2.0), {}, TypeError),
    ((np.nan, 3), {}, ValueError),
    ((1j, 3), {}, TypeError),
    ((True, 3), {}, TypeError),
    ((0.5, 3), {"coupling": np.inf}, ValueError),
    ((0.5, 3), {"coupling": "1"}, TypeError),
])
def test_jordan_block_rejects_bad_input(args, kwargs, exc):
    with pytest.raises(exc):
        rnnlib.jordan_block(*args, **kwargs)


# --- power_norms -------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), seeds, st.floats(0.1, 2.0))
def test_power_norms_bounds_and_submultiplicativity(n, seed, scale):
    W = scale * np.random.default_rng(seed).standard_normal((n, n)) / np.sqrt(n)
    t_max = 25
    p = rnnlib.power_norms(W, t_max)
    rho, sigma = rnnlib.spectral_radius(W), rnnlib.singular_values(W)[0]
    t = np.arange(t_max + 1)
    assert p[0] == 1.0 and p[1] == pytest.approx(sigma, rel=1e-12)
    tiny = 1e-300
    log_p = np.log(p[1:] + tiny)
    assert np.all(t[1:] * np.log(rho + tiny) <= log_p + 1e-8)        # rho^t <= ||W^t||
    assert np.all(log_p <= t[1:] * np.log(sigma + tiny) + 1e-8)      # ||W^t|| <= sigma^t
    for a in range(1, 6):
        for b in range(1, 6):
            assert p[a + b] <= p[a] * p[b] * (1 + 1e-9) + 1e-300


def test_power_norms_match_matrix_power():
    W = np.random.default_rng(1).standard_normal((4, 4))
    p = rnnlib.power_norms(W, 8)
    for t in range(9):
        assert p[t] == pytest.approx(np.linalg.norm(np.linalg.matrix_power(W, t), 2), rel=1e-10)
    np.testing.assert_allclose(rnnlib.power_norms(W.T, 8), p, rtol=1e-10)


def test_power_norms_gelfand():
    J = rnnlib.jordan_block(0.9, 3)
    p = rnnlib.power_norms(J, 2000)
    roots = p[1:] ** (1 / np.arange(1, 2001))
    assert abs(roots[-1] - 0.9) < 0.01 and abs(roots[-1] - 0.9) < abs(roots[99] - 0.9)


def test_power_norms_overflow_and_validation():
    with pytest.raises(FloatingPointError, match="overflowed"):
        rnnlib.power_norms(np.array([[1e10]]), 40)
    with pytest.raises(ValueError, match="t_max"):
        rnnlib.power_norms(np.eye(2), -1)
    with pytest.raises(TypeError, match="t_max"):
        rnnlib.power_norms(np.eye(2), 2.5)
    with pytest.raises(ValueError, match="square"):
        rnnlib.power_norms(np.ones((2, 3)), 2)
    assert rnnlib.power_norms(np.eye(3), 0).tolist() == [1.0]


# --- gradient_norms_by_lag ---------------------------------------------------------------

def test_gradient_norms_by_lag_linear_is_a_matrix_power():
    rng = np.random.default_rng(0)
    p = rnnlib.init_params(2, 5, 1, rng=rng, spectral_radius=1.1)
    x = rng.standard_normal((20, 3, 2))
    g = rng.standard_normal((3, 5))
    out = rnnlib.gradient_norms_by_lag(p, x, g, activation="linear")
    assert out.shape == (21, 3)
    for k in range(21):
        expected = np.linalg.norm(g @ np.linalg.matrix_power(p["W"], k), axis=1)   # (W^T)^k g
        np.testing.assert_allclose(out[k], expected, rtol=1e-10)


@settings(max_examples=30, deadline=None)
@given(seeds, st.floats(0.2, 2.5), st.floats(0.0, 3.0))
def test_gradient_norms_by_lag_obey_the_pascanu_bound(seed, rho, scale):
    rng = np.random.default_rng(seed)
    p = rnnlib.init_params(1, 6, 1, rng=rng, spectral_radius=rho)
    x = scale * rng.standard_normal((15, 2, 1))
    g = rng.standard_normal((2, 6))
    out = rnnlib.gradient_norms_by_lag(p, x, g, h0=0.3 * rng.standard_normal((2, 6)))
    sigma = rnnlib.singular_values(p["W"])[0]
    bound = np.linalg.norm(g, axis=1) * sigma ** np.arange(16)[:, None]   # gamma = 1 for tanh
    assert np.all(out <= bound * (1 + 1e-9))


def test_gradient_norms_by_lag_validates():
    rng = np.random.default_rng(0)
    p = rnnlib.init_params(1, 4, 1, rng=rng)
    x = rng.standard_normal((5, 2, 1))
    with pytest.raises(ValueError, match="dh_last"):
        rnnlib.gradient_norms_by_lag(p, x, np.ones((3, 4)))
    with pytest.raises(ValueError, match="activation"):
        rnnlib.gradient_norms_by_lag(p, x, np.ones((2, 4)), activation="relu")
    with pytest.raises(FloatingPointError):
        big = dict(p, W=p["W"] * (1e3 / rnnlib.spectral_radius(p["W"])))
        rnnlib.gradient_norms_by_lag(big, np.ones((200, 2, 1)), np.ones((2, 4)),
                                     activation="linear")
