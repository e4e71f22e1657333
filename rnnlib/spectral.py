"""Spectral tools: eigenvalues, singular values and matrices with a prescribed spectrum.

The eigenvalue analysis of vanishing and exploding gradients needs a few matrices with a
known spectrum and a way to watch the powers ``W^t`` grow or shrink:

* :func:`spectral_radius`, :func:`sorted_eigenvalues`, :func:`singular_values` and
  :func:`departure_from_normality` describe a given matrix;
* :func:`random_orthogonal`, :func:`matrix_with_spectrum` and :func:`jordan_block` build
  real matrices with prescribed eigenvalues: symmetric, normal (complex-conjugate pairs
  as real rotation-scaling blocks), non-normal, or not diagonalisable at all;
* :func:`power_norms` returns ``||W^t||_2`` for ``t = 0..t_max`` and
  :func:`gradient_norms_by_lag` measures, on an RNN of :mod:`rnnlib.core`, how the norm of
  ``dL/dh(t)`` for a loss on ``h(T)`` depends on the lag ``T - t``.

Every random draw comes from the ``numpy.random.Generator`` passed in; nothing here
touches global random state.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import as_float_array, check_int, check_positive, check_rng
from .core import forward, state_gradients

__all__ = [
    "spectral_radius",
    "sorted_eigenvalues",
    "singular_values",
    "departure_from_normality",
    "random_orthogonal",
    "matrix_with_spectrum",
    "jordan_block",
    "power_norms",
    "gradient_norms_by_lag",
]

#: The kinds of matrix :func:`matrix_with_spectrum` builds.
_KINDS = ("symmetric", "normal", "nonnormal")


def _square(name, W):
    W = as_float_array(name, W, ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix (H, H) with H >= 1, got shape {W.shape}")
    return W


def _real_scalar(name, value):
    """A finite real number as a Python float (booleans, complex and arrays refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    return float(as_float_array(name, value, ndim=0))


def spectral_radius(W):
    """The spectral radius ``rho(W) = max_i |lambda_i(W)|``.

    ``W`` and ``W^T`` have the same eigenvalues, so this is also the spectral radius of
    the transposed recurrence ``h(t) = W^T h(t-1)`` of Goodfellow et al. (eq. 10.36).

    Parameters
    ----------
    W : array_like, shape (H, H)
        A square real matrix.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``W`` is not square or holds non-finite values.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> round(rnnlib.spectral_radius(np.array([[0.0, 2.0], [-2.0, 0.0]])), 12)
    2.0
    """
    W = _square("W", W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def sorted_eigenvalues(W):
    """The eigenvalues of ``W`` in a deterministic order, largest modulus first.

    ``numpy.linalg.eigvals`` returns eigenvalues in whatever order LAPACK produces them.
    Here they are sorted by decreasing modulus, then decreasing real part, then
    decreasing imaginary part, so a complex-conjugate pair appears as ``a + ib, a - ib``
    with ``b > 0`` first. Eigenvalues of a strongly non-normal matrix are ill-conditioned
    (tiny changes of ``W`` move them a lot), so print them with few digits.

    Parameters
    ----------
    W : array_like, shape (H, H)
        A square real matrix.

    Returns
    -------
    numpy.ndarray of complex, shape (H,)
        The eigenvalues, always as a complex array (imaginary part 0 for real ones).

    Raises
    ------
    TypeError
        If ``W`` does not hold real numbers.
    ValueError
        If ``W`` is not square or holds non-finite values.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> W = np.array([[0.5, 0.0, 0.0],
    ...               [0.0, 0.0, -2.0],
    ...               [0.0, 2.0, 0.0]])
    >>> np.round(rnnlib.sorted_eigenvalues(W), 6)
    array([0. +2.j, 0. -2.j, 0.5+0.j])
    """
    W = _square("W", W)
    lam = np.linalg.eigvals(W).astype(complex)
    order = np.lexsort((-lam.imag, -lam.real, -np.abs(lam)))
    return lam[order]


def singular_values(W):
    """The singular values of ``W``, largest first.

    ``sigma_max(W) = ||W||_2`` bounds the growth of one step, ``||W h|| <= sigma_max ||h||``;
    ``W`` and ``W^T`` have the same singular values.

    Parameters
    ----------
    W : array_like, shape (M, N)
        A real matrix with ``M, N >= 1`` (it need not be square).

    Returns
    -------
    numpy.ndarray, shape (min(M, N),)
        ``sigma_1 >= sigma_2 >= ... >= 0``.

    Raises
    ------
    TypeError
        If ``W`` does not hold real numbers.
    ValueError
        If ``W`` is not 2-D, is empty or holds non-finite values.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rnnlib.singular_values(np.array([[0.0, 2.0], [-0.5, 0.0]]))
    array([2. , 0.5])
    """
    W = as_float_array("W", W, ndim=2)
    if 0 in W.shape:
        raise ValueError(f"W must have at least one row and one column, got shape {W.shape}")
    return np.linalg.svd(W, compute_uv=False)


def departure_from_normality(W):
    """Henrici's departure from normality, ``sqrt(||W||_F^2 - sum_i |lambda_i|^2)``.

    It is 0 exactly when ``W`` is normal (``W W^T = W^T W``), and for the matrices of
    :func:`matrix_with_spectrum` with ``kind="nonnormal"`` it equals the ``departure``
    that was asked for: the Frobenius norm of the strictly upper part of the real Schur
    form (Trefethen and Embree, 2005, ch. 48). The eigenvalues of a strongly non-normal
    matrix are computed with large relative errors, and so is this number.

    Parameters
    ----------
    W : array_like, shape (H, H)
        A square real matrix.

    Returns
    -------
    float
        A number ``>= 0`` (rounding below zero is clipped to 0).

    Raises
    ------
    TypeError
        If ``W`` does not hold real numbers.
    ValueError
        If ``W`` is not square or holds non-finite values.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> round(rnnlib.departure_from_normality(np.array([[0.5, 3.0], [0.0, 0.5]])), 12)
    3.0
    >>> round(rnnlib.departure_from_normality(np.array([[0.0, -1.0], [1.0, 0.0]])), 12)
    0.0
    """
    W = _square("W", W)
    lam = np.linalg.eigvals(W)
    gap = float(np.sum(W * W) - np.sum(np.abs(lam) ** 2))
    return float(np.sqrt(max(gap, 0.0)))


def random_orthogonal(n, *, rng):
    """A random orthogonal matrix, uniformly (Haar) distributed.

    The QR factorisation of a Gaussian matrix, with the signs of ``R``'s diagonal moved
    into ``Q`` so that the distribution is exactly uniform on the orthogonal group.

    Parameters
    ----------
    n : int
        Size (>= 1).
    rng : numpy.random.Generator
        The source of the random draw.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        ``Q`` with ``Q^T Q = Q Q^T = I``.

    Raises
    ------
    TypeError
        If ``n`` is not an integer or ``rng`` is not a ``numpy.random.Generator``.
    ValueError
        If ``n < 1``.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> Q = rnnlib.random_orthogonal(4, rng=np.random.default_rng(0))
    >>> bool(np.allclose(Q.T @ Q, np.eye(4)))
    True
    """
    n = check_int("n", n, minimum=1)
    rng = check_rng(rng)
    Q, R = np.linalg.qr(rng.standard_normal((n, n)))
    signs = np.sign(np.diag(R))
    signs[signs == 0] = 1.0
    return Q * signs


def _check_spectrum(values):
    """Validate ``lam``, the eigenvalues of a real matrix; return its real Schur blocks.

    Returns a list of ``("real", a)`` and ``("pair", a, b)`` (``b > 0``, the pair
    ``a +- ib``) in the order of the input (a pair at the position of its first member).
    """
    try:
        lam = np.asarray(values)
    except Exception as exc:
        raise TypeError("lam (the eigenvalues) must be a 1-D array of real or complex "
                        f"numbers, got {type(values).__name__}") from exc
    if lam.dtype == bool or not (np.issubdtype(lam.dtype, np.number)):
        raise TypeError(
            f"lam (the eigenvalues) must hold real or complex numbers, got dtype {lam.dtype}")
    if lam.ndim != 1 or lam.size == 0:
        raise ValueError(
            f"lam (the eigenvalues) must be a non-empty 1-D array, got shape {lam.shape}")
    lam = lam.astype(complex)
    if not np.all(np.isfinite(lam)):
        raise ValueError(f"lam (the eigenvalues) must be finite, got {lam.tolist()}")
    blocks, used = [], np.zeros(lam.size, dtype=bool)
    for i, z in enumerate(lam):
        if used[i]:
            continue
        used[i] = True
        if z.imag == 0.0:
            blocks.append(("real", float(z.real)))
            continue
        # Find the partner: the unused eigenvalue closest to conj(z), within rounding.
        free = np.flatnonzero(~used)
        dist = np.abs(lam[free] - np.conj(z)) if free.size else np.array([])
        tol = 1e-10 * max(1.0, abs(z))
        if dist.size == 0 or dist.min() > tol:
            raise ValueError(
                "the eigenvalues of a real matrix come in complex-conjugate pairs, but "
                f"{z} (entry {i}) has no partner {np.conj(z)} in lam")
        j = free[int(np.argmin(dist))]
        used[j] = True
        a = 0.5 * (z.real + lam[j].real)
        b = 0.5 * (abs(z.imag) + abs(lam[j].imag))
        blocks.append(("pair", float(a), float(b)))
    return blocks


def matrix_with_spectrum(lam, *, rng, kind="normal", departure=None):
    """A random real matrix with exactly the prescribed eigenvalues.

    The matrix is ``W = Q S Q^T`` with ``Q`` from :func:`random_orthogonal` and ``S`` in
    real Schur form: a real eigenvalue ``a`` becomes a 1x1 block, a complex-conjugate
    pair ``a +- ib`` the rotation-scaling block ``[[a, -b], [b, a]]`` (a rotation by
    ``arg(a + ib)`` times the scale ``|a + ib|``). The three kinds differ in what sits
    above the diagonal blocks of ``S``:

    ``"symmetric"``
        nothing; all eigenvalues must be real, and ``W = Q Lambda Q^T`` is symmetric.
    ``"normal"``
        nothing; ``W`` is normal (``W W^T = W^T W``), so its singular values are the
        moduli ``|lambda_i|`` and ``||W^t||_2 = rho(W)^t`` for every ``t``.
    ``"nonnormal"``
        a random Gaussian strictly block-upper-triangular part ``N`` scaled to the
        Frobenius norm ``departure``. The eigenvalues do not change, but
        ``||W^t||`` can grow far above ``rho(W)^t`` before it decays (transient growth),
        and :func:`departure_from_normality` of ``W`` equals ``departure``.

    Parameters
    ----------
    lam : array_like, shape (n,)
        The eigenvalues ``lambda_1, ..., lambda_n``: real or complex numbers; complex
        ones must come in conjugate pairs (a real matrix has no other kind). Their
        order sets the order of the Schur blocks.
    rng : numpy.random.Generator
        The source of every random draw (``Q`` and, for ``"nonnormal"``, ``N``).
    kind : {"normal", "symmetric", "nonnormal"}, default "normal"
        Which kind of matrix to build (see above).
    departure : float, optional
        Required for, and only allowed with, ``kind="nonnormal"``: the Frobenius norm
        (> 0) of the part above the diagonal blocks, Henrici's departure from normality.

    Returns
    -------
    numpy.ndarray, shape (n, n)
        The real matrix ``W``.

    Raises
    ------
    TypeError
        If ``lam`` holds non-numbers or ``rng`` is not a ``numpy.random.Generator``.
    ValueError
        If ``lam`` is empty, not 1-D, not finite or not closed under complex
        conjugation; if ``kind`` is unknown; if ``kind="symmetric"`` gets a complex
        eigenvalue; if ``departure`` is missing for ``"nonnormal"`` (or given for another
        kind), or ``"nonnormal"`` is asked for a single block, which has no room above
        the diagonal.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> lam = [0.9 * np.exp(0.3j), 0.9 * np.exp(-0.3j), 0.5]
    >>> W = rnnlib.matrix_with_spectrum(lam, rng=rng)
    >>> np.round(rnnlib.sorted_eigenvalues(W), 6)
    array([0.859803+0.265968j, 0.859803-0.265968j, 0.5     +0.j      ])
    >>> bool(np.allclose(W @ W.T, W.T @ W))
    True
    >>> S = rnnlib.matrix_with_spectrum([0.9, 0.5], rng=rng, kind="symmetric")
    >>> bool(np.allclose(S, S.T))
    True
    >>> N = rnnlib.matrix_with_spectrum([0.9, 0.5], rng=rng, kind="nonnormal", departure=10.0)
    >>> round(rnnlib.departure_from_normality(N), 6)
    10.0
    """
    blocks = _check_spectrum(lam)
    rng = check_rng(rng)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {list(_KINDS)}, got {kind!r}")
    if kind == "nonnormal":
        if departure is None:
            raise ValueError("kind='nonnormal' needs departure, the Frobenius norm (> 0) of "
                             "the part above the diagonal blocks, e.g. departure=5.0")
        departure = check_positive("departure", departure)
    elif departure is not None:
        raise ValueError(f"departure applies only to kind='nonnormal', got kind={kind!r}")
    if kind == "symmetric" and any(blk[0] == "pair" for blk in blocks):
        raise ValueError("kind='symmetric' needs real eigenvalues (a real symmetric matrix "
                         "has no complex ones); use kind='normal' for complex-conjugate pairs")

    n = sum(1 if blk[0] == "real" else 2 for blk in blocks)
    S = np.zeros((n, n))
    block_of = np.empty(n, dtype=int)
    i = 0
    for k, blk in enumerate(blocks):
        if blk[0] == "real":
            S[i, i] = blk[1]
            block_of[i] = k
            i += 1
        else:
            a, b = blk[1], blk[2]
            S[i:i + 2, i:i + 2] = [[a, -b], [b, a]]
            block_of[i:i + 2] = k
            i += 2
    if kind == "nonnormal":
        upper = block_of[:, None] < block_of[None, :]
        if not upper.any():
            raise ValueError("kind='nonnormal' needs at least two diagonal blocks (two real "
                             "eigenvalues, or a real one and a pair, ...); a single real "
                             "eigenvalue or a single conjugate pair is always normal")
        N = np.zeros((n, n))
        N[upper] = rng.standard_normal(int(upper.sum()))
        S += N * (departure / np.linalg.norm(N))
    Q = random_orthogonal(n, rng=rng)
    W = Q @ S @ Q.T
    if kind == "symmetric":
        W = 0.5 * (W + W.T)            # exactly symmetric, not just up to rounding
    return W


def jordan_block(eigenvalue, size, *, coupling=1.0):
    """The Jordan block ``lambda I + c N`` with ``N`` the ones on the superdiagonal.

    For ``size >= 2`` and ``coupling != 0`` it is not diagonalisable: ``lambda`` is its
    only eigenvalue, with algebraic multiplicity ``size`` but a single eigenvector. Its
    powers are ``J^t = sum_k C(t, k) lambda^(t-k) c^k N^k``, so ``||J^t||`` behaves like
    ``t^(size-1) |lambda|^t``: polynomial growth on top of the geometric factor.

    Parameters
    ----------
    eigenvalue : float
        The real eigenvalue ``lambda``.
    size : int
        The size n (>= 1).
    coupling : float, default 1.0
        The superdiagonal entry ``c`` (the classical Jordan block has ``c = 1``; any
        ``c != 0`` gives a similar matrix).

    Returns
    -------
    numpy.ndarray, shape (size, size)

    Raises
    ------
    TypeError
        If ``eigenvalue`` or ``coupling`` is not a real number, or ``size`` not an integer.
    ValueError
        If a number is not finite or ``size < 1``.

    Examples
    --------
    >>> import rnnlib
    >>> rnnlib.jordan_block(0.5, 3)
    array([[0.5, 1. , 0. ],
           [0. , 0.5, 1. ],
           [0. , 0. , 0.5]])
    """
    lam = _real_scalar("eigenvalue", eigenvalue)
    n = check_int("size", size, minimum=1)
    c = _real_scalar("coupling", coupling)
    return lam * np.eye(n) + c * np.eye(n, k=1)


def power_norms(W, t_max):
    """The spectral norms ``||W^t||_2`` for ``t = 0, 1, ..., t_max``.

    By Gelfand's formula ``||W^t||^(1/t) -> rho(W)`` as ``t -> inf``, and for every
    ``t >= 1``, ``rho(W)^t <= ||W^t||_2 <= sigma_max(W)^t``. For a normal ``W`` the lower
    bound is attained at every ``t``; a non-normal ``W`` can sit far above it for many
    steps. ``W^T`` has the same power norms, since ``(W^T)^t = (W^t)^T``.

    Parameters
    ----------
    W : array_like, shape (H, H)
        A square real matrix.
    t_max : int
        The largest power (>= 0).

    Returns
    -------
    numpy.ndarray, shape (t_max + 1,)
        ``out[t] = ||W^t||_2``; ``out[0] = 1``.

    Raises
    ------
    TypeError
        If ``W`` does not hold real numbers or ``t_max`` is not an integer.
    ValueError
        If ``W`` is not square or not finite, or ``t_max < 0``.
    FloatingPointError
        If a power overflows to inf (lower ``t_max``).

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> np.round(rnnlib.power_norms(np.array([[0.5, 1.0], [0.0, 0.5]]), 3), 4)
    array([1.    , 1.2071, 1.059 , 0.7703])
    """
    W = _square("W", W)
    t_max = check_int("t_max", t_max, minimum=0)
    out = np.empty(t_max + 1)
    P = np.eye(W.shape[0])
    out[0] = 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, t_max + 1):
            P = P @ W
            if not np.all(np.isfinite(P)):
                raise FloatingPointError(
                    f"W^{t} overflowed to inf or NaN; ||W^t|| grows too fast for t_max = "
                    f"{t_max} (sigma_max(W) = {np.linalg.norm(W, 2):.3g}); lower t_max")
            out[t] = np.linalg.norm(P, 2)
    return out


def gradient_norms_by_lag(params, x, dh_last, *, h0=None, activation="tanh"):
    """How the gradient of a loss on the last state shrinks or grows with the lag.

    Runs :func:`rnnlib.forward` and :func:`rnnlib.state_gradients` for a loss ``L`` that
    depends on ``h(T)`` only, with ``dL/dh(T) = dh_last``, and returns the norm of
    ``dL/dh(T - k)`` for every lag ``k = 0..T`` and every sequence of the batch. In the
    book's convention ``dL/dh(t-1) = W^T diag(f'(a(t))) dL/dh(t)``; for
    ``activation="linear"`` this is ``(W^T)^k dL/dh(T)``.

    Parameters
    ----------
    params : dict of numpy.ndarray
        ``U`` (H, D), ``W`` (H, H), ``V`` (K, H), ``b`` (H,), ``c`` (K,).
    x : array_like, shape (T, B, D)
        Inputs, time-major.
    dh_last : array_like, shape (B, H)
        ``dL/dh(T)``, one row per sequence.
    h0 : array_like, shape (B, H), optional
        Initial state; zeros if omitted.
    activation : {"tanh", "linear"}, default "tanh"
        The hidden nonlinearity.

    Returns
    -------
    numpy.ndarray, shape (T+1, B)
        ``out[k, i] = ||dL/dh(T-k)||_2`` for sequence ``i``; ``out[0] = ||dh_last||``
        row by row.

    Raises
    ------
    TypeError
        If ``params`` is not a parameter dict or an array holds non-real values.
    ValueError
        If a shape does not match or an input is not finite.
    FloatingPointError
        If the forward pass or the backpropagated gradient overflows.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(1, 4, 1, rng=rng, spectral_radius=0.5)
    >>> g = np.zeros((2, 4)); g[:, 0] = 1.0
    >>> norms = rnnlib.gradient_norms_by_lag(p, np.zeros((30, 2, 1)), g, activation="linear")
    >>> norms.shape
    (31, 2)
    >>> bool(norms[30, 0] < 1e-6)
    True
    """
    _, cache = forward(params, x, h0, activation=activation)
    grads = state_gradients(params, cache, dh_last)
    return np.linalg.norm(grads[::-1], axis=2)
