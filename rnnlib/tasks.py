"""Synthetic sequence tasks with long-range dependencies.

Every task returns a time-major batch ``(x, y, mask)`` ready for :func:`rnnlib.forward`
and a loss of :mod:`rnnlib.losses`:

* ``x`` has shape ``(T, B, D)``, the inputs;
* ``y`` holds the targets, ``(T, B, K)`` for regression, ``(T, B)`` integer labels for
  classification;
* ``mask`` has shape ``(T,)`` with 1 where a step is scored and 0 where it is not.

Every random draw comes from the ``numpy.random.Generator`` passed as ``rng``, so a
batch is reproduced exactly by re-seeding the generator.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_int, check_rng

__all__ = ["adding_problem", "copy_memory", "last_step_mask", "ADDING_BASELINE_MSE"]

#: Mean squared error of the best constant prediction on :func:`rnnlib.adding_problem`.
#:
#: The target is the sum of two independent U[0, 1] values, with mean 1 and variance
#: 2/12 = 1/6, so predicting 1 gives this error; a network must beat it to have learnt.
ADDING_BASELINE_MSE = 1.0 / 6.0


def last_step_mask(T):
    """The loss mask that scores only the last of ``T`` steps: ``[0, ..., 0, 1]``.

    Parameters
    ----------
    T : int
        Sequence length (>= 1).

    Returns
    -------
    numpy.ndarray, shape (T,)
        Float64 zeros with ``mask[-1] = 1``.

    Raises
    ------
    TypeError
        If ``T`` is not an integer.
    ValueError
        If ``T < 1``.

    Examples
    --------
    >>> import rnnlib
    >>> rnnlib.last_step_mask(4)
    array([0., 0., 0., 1.])
    """
    T = check_int("T", T, minimum=1)
    mask = np.zeros(T)
    mask[-1] = 1.0
    return mask


def adding_problem(T, B, *, rng):
    """A batch of the adding problem (Hochreiter & Schmidhuber, 1997).

    Each sequence has two input channels: channel 0 holds values drawn uniformly from
    [0, 1), channel 1 is a marker channel with exactly two ones and zeros elsewhere.
    The first marker is at a uniformly drawn step of the first half (``0 <= t1 <
    T // 2``), the second in the second half (``T // 2 <= t2 < T``), the variant of
    Arjovsky et al. (2016). The target, scored at the last step
    only, is the sum of the two marked values. Predicting the constant 1 (the mean of
    the target) gives a mean squared error of 1/6 (``rnnlib.ADDING_BASELINE_MSE``), the
    level a network must beat to have learnt anything.

    Parameters
    ----------
    T : int
        Sequence length (>= 2, so that each half holds a marker).
    B : int
        Batch size (>= 1).
    rng : numpy.random.Generator
        The source of every random draw.

    Returns
    -------
    x : numpy.ndarray, shape (T, B, 2)
        ``x[:, :, 0]`` the values, ``x[:, :, 1]`` the markers.
    y : numpy.ndarray, shape (T, B, 1)
        The target sum at the last step, ``y[-1, :, 0]``; zeros at the other steps.
    mask : numpy.ndarray, shape (T,)
        :func:`last_step_mask` of ``T``: only the last step is scored.

    Raises
    ------
    TypeError
        If ``T`` or ``B`` is not an integer or ``rng`` is not a Generator.
    ValueError
        If ``T < 2`` or ``B < 1``.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> x, y, mask = rnnlib.adding_problem(10, 4, rng=np.random.default_rng(0))
    >>> x.shape, y.shape, mask.shape
    ((10, 4, 2), (10, 4, 1), (10,))
    >>> x[:, :, 1].sum(axis=0)
    array([2., 2., 2., 2.])
    >>> bool(np.allclose(y[-1, :, 0], (x[:, :, 0] * x[:, :, 1]).sum(axis=0)))
    True
    """
    T = check_int("T", T, minimum=2)
    B = check_int("B", B, minimum=1)
    rng = check_rng(rng)
    half = T // 2
    values = rng.random((T, B))
    first = rng.integers(0, half, size=B)
    second = rng.integers(half, T, size=B)
    markers = np.zeros((T, B))
    cols = np.arange(B)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    x = np.stack([values, markers], axis=-1)
    y = np.zeros((T, B, 1))
    y[-1, :, 0] = values[first, cols] + values[second, cols]
    return x, y, last_step_mask(T)


def copy_memory(n_symbols, lag, B, *, rng, n_categories=8):
    """A batch of the copy-memory task (Hochreiter & Schmidhuber, 1997; Arjovsky et al., 2016).

    A sequence shows ``n_symbols`` symbols drawn uniformly from ``n_categories``
    categories, then ``lag - 1`` blank steps, then a delimiter; during the last
    ``n_symbols`` steps the network must output the symbols in the order it saw them.
    The sequence length is ``T = 2 * n_symbols + lag``. Inputs are one-hot over
    ``n_categories + 2`` classes (the categories, ``blank = n_categories`` and
    ``delimiter = n_categories + 1``); the targets are class labels for
    :func:`rnnlib.softmax_cross_entropy` with ``K = n_categories + 2``, blank wherever
    nothing is to be recalled. Guessing uniformly among the categories during recall
    gives a cross-entropy of ``log(n_categories)`` per scored step.

    Parameters
    ----------
    n_symbols : int
        How many symbols to memorise (>= 1).
    lag : int
        Steps between the last symbol and the delimiter (>= 1); the gap that gradients
        must bridge.
    B : int
        Batch size (>= 1).
    rng : numpy.random.Generator
        The source of every random draw.
    n_categories : int, default 8
        Number of symbol categories (>= 2).

    Returns
    -------
    x : numpy.ndarray, shape (T, B, n_categories + 2)
        One-hot inputs, ``T = 2 * n_symbols + lag``.
    y : numpy.ndarray of int, shape (T, B)
        Target labels: the symbols during the last ``n_symbols`` steps, blank elsewhere.
    mask : numpy.ndarray, shape (T,)
        1 on the last ``n_symbols`` steps (the recall), 0 elsewhere.

    Raises
    ------
    TypeError
        If an argument is not an integer or ``rng`` is not a Generator.
    ValueError
        If ``n_symbols``, ``lag`` or ``B`` is below 1 or ``n_categories`` below 2.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> x, y, mask = rnnlib.copy_memory(3, 5, 2, rng=np.random.default_rng(0))
    >>> x.shape, y.shape, int(mask.sum())
    ((11, 2, 10), (11, 2), 3)
    >>> bool(np.array_equal(y[-3:], x[:3].argmax(axis=2)))
    True
    """
    n_symbols = check_int("n_symbols", n_symbols, minimum=1)
    lag = check_int("lag", lag, minimum=1)
    B = check_int("B", B, minimum=1)
    n_categories = check_int("n_categories", n_categories, minimum=2)
    rng = check_rng(rng)
    blank, delimiter = n_categories, n_categories + 1
    T = 2 * n_symbols + lag
    symbols = rng.integers(0, n_categories, size=(n_symbols, B))
    labels_in = np.full((T, B), blank, dtype=np.int64)
    labels_in[:n_symbols] = symbols
    labels_in[n_symbols + lag - 1] = delimiter
    x = np.zeros((T, B, n_categories + 2))
    np.put_along_axis(x, labels_in[:, :, None], 1.0, axis=2)
    y = np.full((T, B), blank, dtype=np.int64)
    y[-n_symbols:] = symbols
    mask = np.zeros(T)
    mask[-n_symbols:] = 1.0
    return x, y, mask
