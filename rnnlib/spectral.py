"""Spectral tools: eigenvalues, singular values and matrices with a prescribed spectrum."""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array

__all__ = ["spectral_radius"]


def _square(name, W):
    W = as_float_array(name, W, ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise ValueError(f"{name} must be a square matrix (H, H) with H >= 1, got shape {W.shape}")
    return W


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
