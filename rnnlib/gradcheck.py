"""Numerical gradient checking by central differences.

``numerical_gradient`` perturbs one entry at a time,
``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``, whose truncation error is O(eps^2);
with eps = 1e-6 in float64 the round-off error, about 1e-16 / eps, dominates and the
relative error of a correct analytic gradient is typically 1e-9 to 1e-11.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_params, check_positive, check_sequence
from .core import backward, forward

__all__ = ["numerical_gradient", "relative_error", "check_gradients"]


def numerical_gradient(f, x, *, eps=1e-6):
    """Central-difference gradient of a scalar function ``f`` at the array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored exactly afterwards.

    Parameters
    ----------
    f : callable
        ``f()`` returns a float and reads ``x`` (a closure over it).
    x : numpy.ndarray
        A float array, modified temporarily.
    eps : float, default 1e-6
        The step, > 0.

    Returns
    -------
    numpy.ndarray
        The gradient, shape of ``x``.

    Raises
    ------
    TypeError
        If ``x`` is not a float ndarray (it must be perturbed in place) or ``f`` is not
        callable.
    ValueError
        If ``eps`` is not a finite number > 0, or ``f`` returns a non-finite value.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> x = np.array([1.0, 2.0])
    >>> np.round(rnnlib.numerical_gradient(lambda: float(np.sum(x ** 2)), x), 6)
    array([2., 4.])
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    if (not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating)
            or not x.flags.c_contiguous):
        raise TypeError("x must be a C-contiguous float numpy.ndarray that f reads (it is "
                        f"perturbed in place), got {type(x).__name__}")
    eps = check_positive("eps", eps)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)   # views, thanks to C order
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        fp = f()
        flat[i] = old - eps
        fm = f()
        flat[i] = old
        if not (np.isfinite(fp) and np.isfinite(fm)):
            raise ValueError(f"f returned a non-finite value when entry {i} of x was perturbed")
        gflat[i] = (fp - fm) / (2.0 * eps)
    return grad


def relative_error(a, b):
    """Relative error ``||a - b|| / max(||a||, ||b||)`` in the L2 norm (0 if both are 0).

    A norm-wise measure: unlike the entry-wise maximum it is not inflated by entries
    that are zero up to round-off.

    Parameters
    ----------
    a, b : array_like
        Arrays of the same shape.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the shapes differ or an entry is not finite.

    Examples
    --------
    >>> import rnnlib
    >>> rnnlib.relative_error([1.0, 0.0], [1.0, 1e-9]) < 1e-8
    True
    """
    a = as_float_array("a", a)
    b = as_float_array("b", b)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = max(float(np.linalg.norm(a)), float(np.linalg.norm(b)))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b)) / scale


def check_gradients(params, x, loss_fn, *, h0=None, truncate=None, eps=1e-6):
    """Compare :func:`rnnlib.backward` with central differences of the full loss.

    Parameters
    ----------
    params : dict of numpy.ndarray
        RNN parameters (copied, never modified).
    x : array_like, shape (T, B, D)
        Inputs.
    loss_fn : callable
        ``loss_fn(o) -> (loss, dloss_do)``, e.g. ``lambda o: rnnlib.squared_error(o, y)``.
    h0 : array_like, shape (B, H), optional
        Initial state; zeros if omitted. Its gradient is checked too.
    truncate : int, optional
        Passed to :func:`rnnlib.backward`. A truncated gradient is *not* the gradient
        of the loss, so expect large errors for ``truncate < T``.
    eps : float, default 1e-6
        Finite-difference step.

    Returns
    -------
    dict of float
        Relative error (see :func:`relative_error`) for each of ``U, W, V, b, c, h0``.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(2, 3, 2, rng=rng)
    >>> x, y = rng.standard_normal((4, 2, 2)), rng.standard_normal((4, 2, 2))
    >>> errs = rnnlib.check_gradients(p, x, lambda o: rnnlib.squared_error(o, y))
    >>> max(errs.values()) < 1e-7
    True
    """
    params, (D, H, K) = check_params(params)
    params = {k: v.copy() for k, v in params.items()}
    x = check_sequence("x", x, dtype=params["W"].dtype, last=D)
    B = x.shape[1]
    h0 = np.zeros((B, H)) if h0 is None else as_float_array("h0", h0, ndim=2).copy()
    if not callable(loss_fn):
        raise TypeError(f"loss_fn must be callable, got {type(loss_fn).__name__}")

    o, cache = forward(params, x, h0)
    _, do = loss_fn(o)
    analytic = backward(params, cache, do, truncate=truncate)

    def total_loss():
        return loss_fn(forward(params, x, h0)[0])[0]

    errors = {}
    for name in ("U", "W", "V", "b", "c"):
        errors[name] = relative_error(analytic[name],
                                      numerical_gradient(total_loss, params[name], eps=eps))
    errors["h0"] = relative_error(analytic["h0"], numerical_gradient(total_loss, h0, eps=eps))
    return errors
