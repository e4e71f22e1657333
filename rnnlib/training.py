"""A small training loop that records losses, gradient norms, clipping and divergence.

:func:`rnnlib.train` runs plain (optionally momentum) gradient descent on the vanilla RNN
of ``rnnlib.core`` and records, for every step, what a chapter on training needs to
show: the loss, the global gradient norm *before* clipping, and whether clipping
changed the gradient.

What "diverged" means
---------------------
A run diverges at step ``k`` when one of these happens, and it stops there:

* ``"non-finite"``: the forward pass, the loss, the backward pass or the gradient norm
  overflows to inf or NaN. :func:`rnnlib.backward` and the clipping functions raise
  ``FloatingPointError`` in that case; :func:`rnnlib.train` catches it and records the step
  instead of passing NaN along;
* ``"loss blow-up"``: the loss exceeds ``max_loss_ratio`` times the loss of step 0.
  With tanh units the hidden states stay in (-1, 1), so a loss that large means an
  update has thrown the weights far out of the region where training made progress;
  the remaining steps would only measure how the overflow unfolds;
* ``"non-finite parameters"``: an update produced inf or NaN parameters.

After a divergence the losses and norms of the steps not taken are NaN, and the
returned parameters are those in force when the run stopped (before the failing step).
"""

from __future__ import annotations

import numbers

import numpy as np

from ._validation import (
    _describe,
    check_int,
    check_params,
    check_positive,
    check_rng,
)
from .clipping import _norm, clip_grad_norm, clip_grad_value, global_norm
from .core import _check_activation, backward, forward
from .losses import softmax_cross_entropy, squared_error
from .progressbar import progress

__all__ = ["train", "CLIP_MODES", "LOSSES"]

#: Clipping rules that :func:`rnnlib.train` accepts as ``clip=(mode, threshold)``.
#:
#: ``"norm"`` clips by the global L2 norm (Pascanu et al., 2013), ``"per_parameter"``
#: each array by its own norm, ``"value"`` element-wise (Mikolov, 2012).
CLIP_MODES = ("norm", "per_parameter", "value")

#: Names of the losses that :func:`rnnlib.train` accepts as ``loss=...``.
#:
#: They stand for :func:`rnnlib.squared_error` and :func:`rnnlib.softmax_cross_entropy`.
LOSSES = ("squared_error", "softmax_cross_entropy")
_LOSS_FUNCTIONS = {"squared_error": squared_error, "softmax_cross_entropy": softmax_cross_entropy}

_PARAM_NAMES = ("U", "W", "V", "b", "c")


def _check_clip(clip):
    if clip is None:
        return None
    if not isinstance(clip, tuple) or len(clip) != 2:
        raise TypeError("clip must be None or a tuple (mode, threshold) with mode in "
                        f"{list(CLIP_MODES)}, got {_describe(clip)}")
    mode, threshold = clip
    if mode not in CLIP_MODES:
        raise ValueError(f"clip mode must be one of {list(CLIP_MODES)}, got {mode!r}")
    return mode, check_positive("clip threshold", threshold)


def _check_loss(loss):
    if callable(loss):
        return loss
    if isinstance(loss, str) and loss in _LOSS_FUNCTIONS:
        return _LOSS_FUNCTIONS[loss]
    raise ValueError(f"loss must be one of {list(LOSSES)} or a callable "
                     f"loss(o, y, mask) -> (loss, dloss_do), got {_describe(loss)}")


def _check_data(data, rng):
    """Return a function ``step_rng -> (x, y, mask)`` for a task or a fixed batch."""
    if callable(data):
        if rng is None:
            raise TypeError("rng must be a numpy.random.Generator when data is a task "
                            "(a callable that draws batches), got None")
        return data
    if not isinstance(data, tuple) or len(data) not in (2, 3):
        raise TypeError("data must be a callable data(rng) -> (x, y, mask) or a fixed batch "
                        f"(x, y) or (x, y, mask), got {_describe(data)}")
    batch = data if len(data) == 3 else (data[0], data[1], None)
    return lambda _rng: batch


def _clip(grads, clip):
    """Return the global norm before clipping, the clipped gradients, and whether they changed.

    Raises ``FloatingPointError`` (from the clipping functions) if a gradient is not finite.
    """
    if clip is not None and clip[0] == "norm":
        clipped, total = clip_grad_norm(grads, clip[1])
        return total, clipped, total > clip[1]
    total = global_norm(grads)
    if clip is None:
        return total, grads, False
    mode, threshold = clip
    if mode == "per_parameter":
        clipped, _ = clip_grad_norm(grads, threshold, per_parameter=True)
        return total, clipped, any(_norm([g]) > threshold for g in grads.values())
    clipped = clip_grad_value(grads, threshold)
    return total, clipped, any(bool(np.any(np.abs(g) > threshold)) for g in grads.values())


def train(params, data, *, steps, lr, clip=None, loss="squared_error", rng=None,
          momentum=0.0, truncate=None, activation="tanh", max_loss_ratio=1e3, desc=None):
    """Train an RNN by gradient descent, with optional clipping, and record every step.

    Each step draws a batch, runs :func:`rnnlib.forward`, the loss and
    :func:`rnnlib.backward`, records the global norm of the parameter gradient, clips
    it if asked, and updates ``theta <- theta - lr * g`` (with ``momentum > 0`` the
    heavy-ball update ``m <- momentum * m - lr * g``, ``theta <- theta + m``). The
    gradient with respect to the initial state ``h0`` is not used. A run that diverges
    (see the module notes: non-finite values, or the loss above ``max_loss_ratio``
    times its step-0 value) stops at that step and says so in the result.

    Parameters
    ----------
    params : dict of numpy.ndarray
        Initial parameters ``U`` (H, D), ``W`` (H, H), ``V`` (K, H), ``b`` (H,),
        ``c`` (K,). Copied, never modified.
    data : callable or tuple
        Either a task ``data(rng) -> (x, y, mask)`` called once per step with ``rng``
        (e.g. ``lambda r: rnnlib.adding_problem(30, 32, rng=r)``), or a fixed batch
        ``(x, y)`` or ``(x, y, mask)`` used at every step. ``x`` has shape (T, B, D),
        ``y`` and ``mask`` are what the loss expects.
    steps : int
        Number of updates (>= 1).
    lr : float
        Learning rate (> 0).
    clip : None or tuple, default None
        ``("norm", v)``: rescale g to norm v when ``||g|| > v`` (global norm over all
        parameters); ``("per_parameter", v)``: the same for each array separately;
        ``("value", c)``: clip every entry to ``[-c, c]``.
    loss : str or callable, default "squared_error"
        ``"squared_error"``, ``"softmax_cross_entropy"`` or a callable
        ``loss(o, y, mask) -> (loss, dloss_do)``.
    rng : numpy.random.Generator, optional
        Passed to ``data`` at every step; required when ``data`` is callable.
    momentum : float, default 0.0
        Heavy-ball momentum in [0, 1).
    truncate : int, optional
        Truncation length passed to :func:`rnnlib.backward`.
    activation : {"tanh", "linear"}, default "tanh"
        Hidden nonlinearity passed to :func:`rnnlib.forward`.
    max_loss_ratio : float, default 1e3
        The run diverges when the loss exceeds this multiple of the step-0 loss.
    desc : str, optional
        Label of the progress bar (see :func:`rnnlib.progress`).

    Returns
    -------
    dict
        ``"loss"`` : numpy.ndarray, shape (steps,)
            The loss at each step, before its update (NaN for steps not taken).
        ``"grad_norm"`` : numpy.ndarray, shape (steps,)
            Global L2 norm of the parameter gradient before clipping (inf at a step
            whose gradient overflowed, NaN for steps not taken).
        ``"clipped"`` : numpy.ndarray of bool, shape (steps,)
            Whether clipping changed the gradient at that step.
        ``"diverged"`` : bool
            Whether the run diverged.
        ``"diverged_at"`` : int or None
            The step at which it diverged.
        ``"reason"`` : str or None
            ``"non-finite"``, ``"loss blow-up"`` or ``"non-finite parameters"``.
        ``"params"`` : dict of numpy.ndarray
            The parameters when the run ended.

    Raises
    ------
    TypeError
        If ``params``, ``data``, ``clip`` or ``rng`` has the wrong type.
    ValueError
        If ``steps < 1``, ``lr`` or a threshold is not a finite number > 0,
        ``momentum`` is outside [0, 1), the clip mode or loss name is unknown, or a
        batch does not match the parameters.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(2, 8, 1, rng=rng)
    >>> task = lambda r: rnnlib.adding_problem(10, 16, rng=r)
    >>> run = rnnlib.train(p, task, steps=50, lr=0.1, clip=("norm", 1.0), rng=rng)
    >>> run["loss"].shape, run["diverged"]
    ((50,), False)
    >>> bool(run["loss"][-10:].mean() < run["loss"][:10].mean())
    True
    """
    params, _ = check_params(params)
    params = {k: v.copy() for k, v in params.items()}
    steps = check_int("steps", steps, minimum=1)
    lr = check_positive("lr", lr)
    clip = _check_clip(clip)
    loss_fn = _check_loss(loss)
    if rng is not None:
        check_rng(rng)
    batch_fn = _check_data(data, rng)
    if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real):
        raise TypeError(f"momentum must be a real number, got {_describe(momentum)}")
    momentum = float(momentum)
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
    truncate = check_int("truncate", truncate, minimum=1, allow_none=True)
    activation = _check_activation(activation)
    max_loss_ratio = check_positive("max_loss_ratio", max_loss_ratio)

    losses = np.full(steps, np.nan)
    norms = np.full(steps, np.nan)
    clipped = np.zeros(steps, dtype=bool)
    velocity = {k: np.zeros_like(v) for k, v in params.items()}
    result = {"loss": losses, "grad_norm": norms, "clipped": clipped, "diverged": False,
              "diverged_at": None, "reason": None, "params": params}

    for k in progress(range(steps), desc=desc):
        reason = _step(k, params, velocity, batch_fn, rng, loss_fn, clip, lr, momentum,
                       truncate, activation, max_loss_ratio, losses, norms, clipped)
        if reason is not None:
            result.update(diverged=True, diverged_at=k, reason=reason)
            break
    return result


def _step(k, params, velocity, batch_fn, rng, loss_fn, clip, lr, momentum, truncate,
          activation, max_loss_ratio, losses, norms, clipped):
    """One update of ``train``, in place; returns a divergence reason or None."""
    batch = batch_fn(rng)
    if not isinstance(batch, tuple) or len(batch) != 3:
        raise TypeError("data(rng) must return a tuple (x, y, mask), got "
                        f"{_describe(batch)}")
    x, y, mask = batch
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            o, cache = forward(params, x, activation=activation)
            if not np.all(np.isfinite(o)):
                raise FloatingPointError("the outputs o overflowed")
            value, do = loss_fn(o, y, mask)
            if not np.isfinite(value):
                raise FloatingPointError("the loss overflowed")
        losses[k] = value
        grads = backward(params, cache, do, truncate=truncate)
        grads = {name: grads[name] for name in _PARAM_NAMES}
        norms[k], grads, clipped[k] = _clip(grads, clip)
    except FloatingPointError:
        norms[k] = np.inf
        return "non-finite"
    if losses[0] > 0 and value > max_loss_ratio * losses[0]:
        return "loss blow-up"
    with np.errstate(over="ignore", invalid="ignore"):
        new = {}
        for name in _PARAM_NAMES:
            velocity[name] = momentum * velocity[name] - lr * grads[name]
            new[name] = params[name] + velocity[name]
    if not all(np.all(np.isfinite(v)) for v in new.values()):
        return "non-finite parameters"
    params.update(new)
    return None
