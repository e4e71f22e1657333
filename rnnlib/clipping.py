"""Gradient clipping: by the global L2 norm, per parameter, or element-wise.

Decisions, documented once here and in each docstring:

* The input dict is never modified; a new dict of new arrays is returned.
* Zero gradients stay zero (a zero norm is below any positive threshold).
* A gradient with a NaN or inf raises ``FloatingPointError`` naming the entry. Scaling
  by ``v / ||g||`` would turn an infinite norm into zeros and NaNs and hide the failure;
  a training loop should catch the error and decide (skip the step, stop the run).
* The norm is computed with scaling by the largest magnitude, so finite gradients whose
  squares would overflow (entries near 1e200) still get a finite, correct norm.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_grads, check_positive

__all__ = ["global_norm", "clip_grad_norm", "clip_grad_value"]


def _norm(arrays) -> float:
    """L2 norm of the concatenation of ``arrays``, safe against overflow of the squares."""
    scale = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    if scale == 0.0:
        return 0.0
    total = sum(float(np.sum((a / scale) ** 2)) for a in arrays)
    return scale * float(np.sqrt(total))


def global_norm(grads):
    """The L2 norm of all gradient arrays taken together, ``sqrt(sum_i ||g_i||^2)``.

    Parameters
    ----------
    grads : dict of array_like
        Gradient arrays of any shapes.

    Returns
    -------
    float
        The global norm.

    Raises
    ------
    FloatingPointError
        If an array holds a NaN or inf.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rnnlib.global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
    5.0
    """
    return _norm(list(check_grads(grads).values()))


def clip_grad_norm(grads, max_norm, *, per_parameter=False):
    """Rescale gradients whose L2 norm exceeds ``max_norm``: if ||g|| > v, g <- g v / ||g||.

    By default the norm is the global one over all arrays together (Pascanu et al.,
    2013), so the direction of the full update is kept. With ``per_parameter=True``
    each array is clipped by its own norm, which changes the direction whenever only
    some arrays are clipped.

    Parameters
    ----------
    grads : dict of array_like
        Gradients, e.g. from :func:`rnnlib.backward`. Not modified.
    max_norm : float
        The threshold v > 0.
    per_parameter : bool, default False
        Clip each array by its own norm instead of the global norm.

    Returns
    -------
    clipped : dict of numpy.ndarray
        New arrays with the same keys and shapes.
    total_norm : float
        The global norm before clipping (with ``per_parameter`` too).

    Raises
    ------
    TypeError
        If ``grads`` is not a dict of real arrays or ``max_norm`` is not a number.
    ValueError
        If ``max_norm`` is not a finite number > 0 or ``grads`` is empty.
    FloatingPointError
        If a gradient holds a NaN or inf (see the module notes).

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> clipped, norm = rnnlib.clip_grad_norm({"W": np.array([3.0, 4.0])}, 1.0)
    >>> norm, clipped["W"]
    (5.0, array([0.6, 0.8]))
    """
    grads = check_grads(grads)
    max_norm = check_positive("max_norm", max_norm)
    total = _norm(list(grads.values()))
    if per_parameter:
        out = {}
        for key, g in grads.items():
            n = _norm([g])
            out[key] = g * (max_norm / n) if n > max_norm else g.copy()
        return out, total
    if total > max_norm:
        factor = max_norm / total
        return {key: g * factor for key, g in grads.items()}, total
    return {key: g.copy() for key, g in grads.items()}, total


def clip_grad_value(grads, clip_value):
    """Clip every gradient entry to ``[-clip_value, clip_value]`` (element-wise clipping).

    Unlike norm clipping this changes the direction of the update whenever some but not
    all entries are clipped.

    Parameters
    ----------
    grads : dict of array_like
        Gradients. Not modified.
    clip_value : float
        The bound c > 0.

    Returns
    -------
    clipped : dict of numpy.ndarray
        New arrays with entries in ``[-c, c]``.

    Raises
    ------
    ValueError
        If ``clip_value`` is not a finite number > 0 or ``grads`` is empty.
    FloatingPointError
        If a gradient holds a NaN or inf.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rnnlib.clip_grad_value({"W": np.array([-3.0, 0.5, 4.0])}, 1.0)["W"]
    array([-1. ,  0.5,  1. ])
    """
    grads = check_grads(grads)
    clip_value = check_positive("clip_value", clip_value)
    return {key: np.clip(g, -clip_value, clip_value) for key, g in grads.items()}
