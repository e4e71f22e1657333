"""The vanilla RNN of Goodfellow et al. (2016, eq. 10.8): parameters, forward pass, BPTT.

The model, in the book's column-vector convention, for t = 1, ..., T::

    a(t) = b + W h(t-1) + U x(t)
    h(t) = tanh(a(t))
    o(t) = c + V h(t)

In code a batch stores one sequence per row, so ``h[t]`` has shape ``(B, H)`` and the
column-vector product ``W h`` becomes ``h @ W.T``. Arrays are time-major: ``x`` is
``(T, B, D)`` and the hidden states ``h`` are ``(T+1, B, H)`` with ``h[0] = h(0)``.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    all_finite,
    as_float_array,
    check_int,
    check_params,
    check_positive,
    check_rng,
    check_sequence,
    check_shape,
)

__all__ = ["init_params", "forward", "backward", "state_gradients", "ACTIVATIONS"]

#: The hidden nonlinearities :func:`rnnlib.forward` supports. ``"linear"`` (identity) turns the
#: network into the linear recurrence of the eigenvalue analysis.
ACTIVATIONS = ("tanh", "linear")


def _check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}, got {activation!r}")
    return activation


def _derivative(h_after, activation, out):
    """f'(a(t)) expressed through h(t) = f(a(t)): 1 - h^2 for tanh, 1 for linear.

    The result is written into ``out`` (an array of the shape of ``h_after``) and returned,
    so that the loops over time allocate nothing per step.
    """
    if activation == "tanh":
        np.square(h_after, out=out)
        return np.subtract(1.0, out, out=out)            # 1 - h(t)^2
    out.fill(1.0)
    return out


def _tanh_inplace(a, scratch):
    """Overwrite ``a`` with ``tanh(a)``, using ``scratch`` (same shape) as work space.

    Computes ``tanh(a) = 2 / (1 + exp(-2 a)) - 1``, which equals ``np.tanh(a)`` to within
    2 units in the last place of 1 (absolute error below 4.5e-16 in float64, also for
    ``a = +-inf``, where ``exp`` overflows harmlessly to ``inf``) and is about twice as
    fast on CPUs whose numpy has no vectorised float64 ``tanh`` (x86 without AVX-512),
    where ``tanh`` is the single most expensive operation of the forward pass.
    """
    np.multiply(a, -2.0, out=scratch)
    np.exp(scratch, out=scratch)
    scratch += 1.0
    np.divide(2.0, scratch, out=a)
    a -= 1.0
    return a


def init_params(n_in, n_hidden, n_out, *, rng, w_scale=1.0, spectral_radius=None,
                dtype=np.float64):
    """Draw the parameters of a vanilla RNN.

    ``U``, ``W`` and ``V`` are Gaussian with variance ``1 / fan_in`` (``W`` additionally
    multiplied by ``w_scale``); the biases ``b`` and ``c`` start at zero. For a Gaussian
    ``W`` with variance ``1/H`` the spectral radius is close to 1 for large ``H``
    (the circular law); pass ``spectral_radius`` to rescale ``W`` to an exact value.

    Parameters
    ----------
    n_in : int
        Input size D (>= 1).
    n_hidden : int
        Hidden size H (>= 1).
    n_out : int
        Output size K (>= 1).
    rng : numpy.random.Generator
        The source of every random draw.
    w_scale : float, default 1.0
        Factor applied to the Gaussian ``W``; ignored when ``spectral_radius`` is given.
    spectral_radius : float, optional
        If given (>= 0), ``W`` is rescaled so that ``max |eig(W)|`` equals it.
    dtype : numpy.dtype, default float64
        Floating dtype of every array.

    Returns
    -------
    params : dict of numpy.ndarray
        ``U`` (H, D), ``W`` (H, H), ``V`` (K, H), ``b`` (H,), ``c`` (K,).

    Raises
    ------
    TypeError
        If a size is not an integer or ``rng`` is not a ``numpy.random.Generator``.
    ValueError
        If a size is below 1 or a scale is negative or not finite.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> p = rnnlib.init_params(3, 5, 2, rng=np.random.default_rng(0), spectral_radius=0.9)
    >>> {k: v.shape for k, v in p.items()}
    {'U': (5, 3), 'W': (5, 5), 'V': (2, 5), 'b': (5,), 'c': (2,)}
    >>> round(rnnlib.spectral_radius(p["W"]), 12)
    0.9
    """
    D = check_int("n_in", n_in, minimum=1)
    H = check_int("n_hidden", n_hidden, minimum=1)
    K = check_int("n_out", n_out, minimum=1)
    rng = check_rng(rng)
    w_scale = check_positive("w_scale", w_scale, allow_zero=True)
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.floating):
        raise TypeError(f"dtype must be a floating dtype, got {dtype}")
    U = rng.standard_normal((H, D)) / np.sqrt(D)
    W = rng.standard_normal((H, H)) / np.sqrt(H)
    V = rng.standard_normal((K, H)) / np.sqrt(H)
    if spectral_radius is not None:
        target = check_positive("spectral_radius", spectral_radius, allow_zero=True)
        rho = float(np.max(np.abs(np.linalg.eigvals(W))))
        W = W * (target / rho)
    else:
        W = W * w_scale
    return {
        "U": U.astype(dtype),
        "W": W.astype(dtype),
        "V": V.astype(dtype),
        "b": np.zeros(H, dtype=dtype),
        "c": np.zeros(K, dtype=dtype),
    }


def forward(params, x, h0=None, *, activation="tanh"):
    """Run the RNN over a batch of sequences.

    Implements ``a(t) = b + W h(t-1) + U x(t)``, ``h(t) = tanh(a(t))``,
    ``o(t) = c + V h(t)`` for ``t = 1..T``. The input projections ``U x(t)`` of all
    steps and the outputs ``V h(t)`` are computed as one matrix product each; only the
    recurrence itself loops over time, because ``h(t)`` needs ``h(t-1)``.

    Parameters
    ----------
    params : dict of numpy.ndarray
        ``U`` (H, D), ``W`` (H, H), ``V`` (K, H), ``b`` (H,), ``c`` (K,).
    x : array_like, shape (T, B, D)
        Inputs, time-major, ``T >= 1`` and ``B >= 1``.
    h0 : array_like, shape (B, H), optional
        Initial hidden state h(0); zeros if omitted.
    activation : {"tanh", "linear"}, default "tanh"
        The hidden nonlinearity; ``"linear"`` gives ``h(t) = a(t)``.

    Returns
    -------
    o : numpy.ndarray, shape (T, B, K)
        Outputs o(1..T).
    cache : dict
        What :func:`backward` needs: ``"x"`` (T, B, D), ``"h"`` (T+1, B, H), the
        hidden states h(0..T) with ``cache["h"][0] = h(0)``, and ``"activation"``.

    Raises
    ------
    TypeError
        If ``params`` is not a dict or an array holds non-real values.
    ValueError
        If a shape does not match (``x`` against ``U``, ``h0`` against ``W``), the
        sequence is empty, an input is NaN or infinite, or ``activation`` is unknown.
    FloatingPointError
        If the linear recurrence overflows to inf or NaN.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(3, 4, 2, rng=rng)
    >>> o, cache = rnnlib.forward(p, rng.standard_normal((7, 5, 3)))
    >>> o.shape, cache["h"].shape
    ((7, 5, 2), (8, 5, 4))
    """
    params, (D, H, K) = check_params(params)
    x = check_sequence("x", x, dtype=params["W"].dtype, last=D)
    activation = _check_activation(activation)
    T, B, _ = x.shape
    h = np.empty((T + 1, B, H), dtype=x.dtype)
    if h0 is None:
        h[0] = 0.0
    else:
        h0 = as_float_array("h0", h0, ndim=2, dtype=x.dtype)
        check_shape("h0", h0, (B, H), ("B", "H"))
        h[0] = h0
    U, W, V = params["U"], params["W"], params["V"]
    # b + U x(t) for every t at once, (T*B, D) @ (D, H), written straight into h[1:]
    # (a view, since h is contiguous): the loop then adds W h(t-1) and applies the
    # nonlinearity in place. Working in place spares two (T, B, H) temporaries.
    np.matmul(x.reshape(T * B, D), U.T, out=h[1:].reshape(T * B, H))
    h[1:] += params["b"]
    WT = W.T
    buf = np.empty((B, H), dtype=x.dtype)                 # scratch space for one step
    with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported below
        for t in range(T):
            # a(t) = b + U x(t) + W h(t-1); rows are sequences, hence h @ W^T.
            h[t + 1] += np.matmul(h[t], WT, out=buf)
            if activation == "tanh":
                _tanh_inplace(h[t + 1], buf)              # h(t) = tanh(a(t))
    _require_finite("the hidden states h", h)
    o = (h[1:].reshape(T * B, H) @ V.T).reshape(T, B, K)
    o += params["c"]
    return o, {"x": x, "h": h, "activation": activation}


def _require_finite(what, arr):
    """Raise FloatingPointError if a computed array overflowed (never pass NaN along)."""
    if not all_finite(arr):
        raise FloatingPointError(
            f"{what} overflowed to inf or NaN; the recurrence is unstable at this scale "
            "(lower the spectral radius of W, the sequence length T, or the learning rate)")


def _check_cache(cache, D, H, dtype):
    if not isinstance(cache, dict) or "x" not in cache or "h" not in cache:
        raise TypeError("cache must be the dict returned by rnnlib.forward, with keys 'x' and 'h'")
    x = check_sequence("cache['x']", cache["x"], dtype=dtype, last=D)
    h = as_float_array("cache['h']", cache["h"], ndim=3, dtype=dtype)
    T, B, _ = x.shape
    check_shape("cache['h']", h, (T + 1, B, H), ("T+1", "B", "H"))
    activation = _check_activation(cache.get("activation", "tanh"))
    return x, h, activation


def backward(params, cache, do, *, truncate=None):
    """Backpropagation through time for an upstream gradient on the outputs.

    With ``do[t-1] = dL/do(t)`` and the cache of :func:`forward`, the recursion runs
    backwards from ``t = T``::

        dL/dh(t) = V^T dL/do(t) + W^T dL/da(t+1)        (the second term is 0 at t = T)
        dL/da(t) = (1 - h(t)**2) * dL/dh(t)
        dL/dW = sum_t dL/da(t) h(t-1)^T,  dL/dU = sum_t dL/da(t) x(t)^T,
        dL/db = sum_t dL/da(t),  dL/dV = sum_t dL/do(t) h(t)^T,  dL/dc = sum_t dL/do(t)

    summed over the batch as well. With ``truncate=k`` each per-step loss L(t) is
    backpropagated through at most ``k`` steps of the recurrence: it reaches
    a(t), ..., a(t-k+1) and the state h(t-k), which is treated as a constant input (so
    ``truncate=1`` keeps only the direct, one-step dependence of L(t) on the parameters,
    and any ``k >= T`` gives the full gradient).

    Parameters
    ----------
    params : dict of numpy.ndarray
        The parameters used by :func:`forward`.
    cache : dict
        The cache returned by :func:`forward`: ``"x"`` (T, B, D), ``"h"`` (T+1, B, H).
    do : array_like, shape (T, B, K)
        Gradient of the total loss with respect to the outputs o(1..T).
    truncate : int, optional
        Truncation length k >= 1; ``None`` (default) for full BPTT.

    Returns
    -------
    grads : dict of numpy.ndarray
        ``U`` (H, D), ``W`` (H, H), ``V`` (K, H), ``b`` (H,), ``c`` (K,) and ``h0``
        (B, H), the gradient with respect to the initial state.

    Raises
    ------
    TypeError
        If ``cache`` is not a forward cache or ``truncate`` is not an integer.
    ValueError
        If ``do`` does not have the shape of the outputs, an input is not finite, or
        ``truncate < 1``.
    FloatingPointError
        If a gradient overflows to inf or NaN (an exploding gradient beyond float range).

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(3, 4, 2, rng=rng)
    >>> o, cache = rnnlib.forward(p, rng.standard_normal((7, 5, 3)))
    >>> g = rnnlib.backward(p, cache, np.ones_like(o), truncate=3)
    >>> sorted((k, v.shape) for k, v in g.items())
    [('U', (4, 3)), ('V', (2, 4)), ('W', (4, 4)), ('b', (4,)), ('c', (2,)), ('h0', (5, 4))]
    """
    params, (D, H, K) = check_params(params)
    x, h, activation = _check_cache(cache, D, H, params["W"].dtype)
    T, B, _ = x.shape
    do = as_float_array("do", do, ndim=3, dtype=x.dtype)
    check_shape("do", do, (T, B, K), ("T", "B", "K"))
    k = check_int("truncate", truncate, minimum=1, allow_none=True)

    with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported below
        grads = _bptt(params, x, h, do, k, activation)
    for name, g in grads.items():
        _require_finite(f"the gradient grads[{name!r}]", g)
    return grads


#: Steps per block of the backward sweep: :func:`_bptt` holds dL/da(t) for at most this many
#: steps at a time, so its memory beyond the forward cache does not grow with T.
_BLOCK = 32


def _bptt(params, x, h, do, k, activation):
    """The BPTT sweep of :func:`backward` on validated arrays.

    The sweep runs from t = T down to 1 in blocks of at most ``_BLOCK`` steps. Within a
    block, ``da`` holds dL/da(t) of the block's steps; the gradients of U, W and b, sums
    over t, then receive the block's share as one matrix product each. The result is the
    same as with one (T, B, H) array for all steps, in O(_BLOCK B H) memory for any T, and
    a fixed-size buffer is faster to reuse than a large new array is to allocate.
    """
    T, B, D = x.shape
    H, K = h.shape[2], do.shape[2]
    W, V = params["W"], params["V"]
    gU, gW, gb = np.zeros((H, D), x.dtype), np.zeros((H, H), x.dtype), np.zeros(H, x.dtype)
    buffer = np.empty((min(T, _BLOCK), B, H), dtype=x.dtype)
    fprime = np.empty((B, H), dtype=x.dtype)                 # f'(a(t)) of one step
    full = k is None or k >= T
    if full:
        carry = np.zeros((B, H), dtype=x.dtype)              # W^T dL/da(t+1)
    else:
        # window[j] holds the gradient reaching h(t) from the loss j steps later, L(t+j).
        window = np.zeros((k, B, H), dtype=x.dtype)
        moved = np.empty_like(window)                        # window @ W, one step earlier
    for stop in range(T, 0, -len(buffer)):
        start = max(stop - len(buffer), 0)
        # da[t - start] starts as V^T dL/do(t), the part of dL/dh(t) that comes through
        # o(t), for the block's steps at once; the loop turns it into dL/da(t) in place.
        da = buffer[:stop - start]
        np.matmul(do[start:stop].reshape(-1, K), V, out=da.reshape(-1, H))
        for t in range(stop - 1, start - 1, -1):
            if full:
                da[t - start] += carry                                   # dL/dh(t)
                da[t - start] *= _derivative(h[t + 1], activation, fprime)   # dL/da(t)
                np.matmul(da[t - start], W, out=carry)   # carry = da[t - start] @ W
            else:
                window[1:] = window[:-1]
                window[0] = da[t - start]                    # still V^T dL/do(t) here
                window *= _derivative(h[t + 1], activation, fprime)   # now dL(t+j)/da(t)
                window.sum(axis=0, out=da[t - start])
                # On to h(t-1). The entry j = k-1 has now made its k-th step: h(t-1) is
                # its leaf, and the shift at the next step drops it.
                np.matmul(window, W, out=moved)
                window, moved = moved, window
        rows = da.reshape(-1, H)               # dL/da(t), one row per step and sequence
        gU += rows.T @ x[start:stop].reshape(-1, D)
        gW += rows.T @ h[start:stop].reshape(-1, H)           # h(t-1): shifted by one step
        gb += rows.sum(axis=0)
    return {
        "U": gU,
        "W": gW,
        "V": do.reshape(T * B, K).T @ h[1:].reshape(T * B, H),
        "b": gb,
        "c": do.sum(axis=(0, 1)),
        "h0": carry if full else window.sum(axis=0),          # h(0) is the leaf of every window
    }


def state_gradients(params, cache, dh_last):
    """Backpropagate a gradient on the last state h(T) to every earlier state.

    For a loss that depends on h(T) only, returns ``dL/dh(t)`` for ``t = 0..T`` using
    ``dL/dh(t-1) = W^T (f'(a(t)) * dL/dh(t))``: the quantity whose norm, as a function
    of the lag ``T - t``, shows vanishing or exploding gradients.

    Parameters
    ----------
    params : dict of numpy.ndarray
        The parameters used by :func:`forward`.
    cache : dict
        The cache returned by :func:`forward`.
    dh_last : array_like, shape (B, H)
        ``dL/dh(T)``.

    Returns
    -------
    numpy.ndarray, shape (T+1, B, H)
        ``out[t] = dL/dh(t)``; ``out[T]`` is ``dh_last``.

    Raises
    ------
    ValueError
        If ``dh_last`` does not have shape (B, H) or is not finite.
    FloatingPointError
        If the backpropagated gradient overflows.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(1, 4, 1, rng=rng)
    >>> _, cache = rnnlib.forward(p, rng.standard_normal((6, 2, 1)))
    >>> rnnlib.state_gradients(p, cache, np.ones((2, 4))).shape
    (7, 2, 4)
    """
    params, (D, H, K) = check_params(params)
    x, h, activation = _check_cache(cache, D, H, params["W"].dtype)
    T, B, _ = x.shape
    dh_last = as_float_array("dh_last", dh_last, ndim=2, dtype=x.dtype)
    check_shape("dh_last", dh_last, (B, H), ("B", "H"))
    out = np.empty((T + 1, B, H), dtype=x.dtype)
    out[T] = dh_last
    W = params["W"]
    fprime = np.empty((B, H), dtype=x.dtype)
    with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported below
        for t in range(T, 0, -1):
            out[t - 1] = (out[t] * _derivative(h[t], activation, fprime)) @ W
    _require_finite("the state gradients dL/dh(t)", out)
    return out
