"""Per-step losses summed over time, each step averaged over the batch.

Every loss returns ``(loss, dloss_do)`` where ``loss = sum_t L(t)`` and
``L(t) = (1/B) sum_b l(o_b(t), y_b(t))``, and ``dloss_do`` has the shape of the outputs
``o`` (T, B, K), ready to be passed to :func:`rnnlib.backward`. An optional ``mask``
of shape (T,) or (T, B) with entries 0 or 1 drops steps from the sum (a task that is
scored only at its last step uses ``mask[-1] = 1`` and zeros elsewhere); the batch
average still divides by B.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_sequence, check_shape

__all__ = ["squared_error", "softmax_cross_entropy"]


def _check_mask(mask, T, B, dtype):
    if mask is None:
        return None
    m = as_float_array("mask", mask, dtype=dtype)
    if m.ndim == 1:
        check_shape("mask", m, (T,), ("T",))
        m = np.broadcast_to(m[:, None], (T, B))
    elif m.ndim == 2:
        check_shape("mask", m, (T, B), ("T", "B"))
    else:
        raise ValueError(f"mask must have shape (T,) = ({T},) or (T, B) = ({T}, {B}), got {m.shape}")
    if not np.all((m == 0) | (m == 1)):
        raise ValueError("mask must contain only 0 and 1 (drop or keep a step)")
    return m


def squared_error(o, y, mask=None):
    """Squared error ``L(t) = (1/B) sum_b 0.5 ||o_b(t) - y_b(t)||^2``, summed over t.

    Parameters
    ----------
    o : array_like, shape (T, B, K)
        Outputs of :func:`rnnlib.forward`.
    y : array_like, shape (T, B, K)
        Targets.
    mask : array_like, shape (T,) or (T, B), optional
        1 keeps a step, 0 drops it from the loss.

    Returns
    -------
    loss : float
        ``sum_t L(t)``.
    dloss_do : numpy.ndarray, shape (T, B, K)
        ``(o - y) / B``, zero where masked.

    Raises
    ------
    ValueError
        If ``y`` or ``mask`` does not match ``o``, or an input is not finite.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> loss, d = rnnlib.squared_error(np.ones((2, 4, 1)), np.zeros((2, 4, 1)))
    >>> loss, d.shape
    (1.0, (2, 4, 1))
    """
    o = check_sequence("o", o, last=None)
    T, B, K = o.shape
    y = as_float_array("y", y, ndim=3, dtype=o.dtype)
    check_shape("y", y, o.shape, ("T", "B", "K"))
    m = _check_mask(mask, T, B, o.dtype)
    diff = o - y
    if m is not None:
        diff = diff * m[:, :, None]
    loss = 0.5 * float(np.sum(diff * diff)) / B
    return loss, diff / B


def softmax_cross_entropy(o, y, mask=None):
    """Softmax cross-entropy ``L(t) = -(1/B) sum_b log softmax(o_b(t))[y_b(t)]``, summed over t.

    The log-softmax is computed with the max subtracted, so large logits do not overflow.

    Parameters
    ----------
    o : array_like, shape (T, B, K)
        Logits from :func:`rnnlib.forward`.
    y : array_like of int, shape (T, B)
        Class labels in ``0..K-1``.
    mask : array_like, shape (T,) or (T, B), optional
        1 keeps a step, 0 drops it from the loss.

    Returns
    -------
    loss : float
        ``sum_t L(t)``.
    dloss_do : numpy.ndarray, shape (T, B, K)
        ``(softmax(o) - onehot(y)) / B``, zero where masked.

    Raises
    ------
    TypeError
        If ``y`` is not an integer array.
    ValueError
        If ``y`` does not have shape (T, B), a label is outside ``0..K-1``, or ``o`` is
        not finite.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> loss, d = rnnlib.softmax_cross_entropy(np.zeros((3, 2, 4)), np.zeros((3, 2), dtype=int))
    >>> bool(np.isclose(loss, 3 * np.log(4))), d.shape
    (True, (3, 2, 4))
    """
    o = check_sequence("o", o, last=None)
    T, B, K = o.shape
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.integer) or y.dtype == bool:
        raise TypeError(f"y must be an array of integer class labels, got dtype {y.dtype}")
    check_shape("y", y, (T, B), ("T", "B"))
    if y.size and (y.min() < 0 or y.max() >= K):
        raise ValueError(f"y must hold labels in 0..{K - 1} (K = {K}), got values in "
                         f"{int(y.min())}..{int(y.max())}")
    m = _check_mask(mask, T, B, o.dtype)
    shifted = o - o.max(axis=2, keepdims=True)
    logz = np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    logp = shifted - logz
    picked = np.take_along_axis(logp, y[:, :, None], axis=2)[:, :, 0]
    grad = np.exp(logp)
    np.put_along_axis(grad, y[:, :, None],
                      np.take_along_axis(grad, y[:, :, None], axis=2) - 1.0, axis=2)
    if m is not None:
        picked = picked * m
        grad = grad * m[:, :, None]
    return -float(picked.sum()) / B, grad / B
