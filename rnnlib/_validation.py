"""Input validation shared by every public function of :mod:`rnnlib`.

Every check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind,
wrong shape, range or content) with a message that names the argument, says what was
expected and what was received. Nothing here broadcasts, reshapes or silently repairs
its input; the caller gets either a float array it can trust or an error.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np

#: Names and shape templates of the RNN parameters (Goodfellow et al., ch. 10).
PARAM_SHAPES = {
    "U": ("H", "D"),
    "W": ("H", "H"),
    "V": ("K", "H"),
    "b": ("H",),
    "c": ("K",),
}
PARAM_NAMES = tuple(PARAM_SHAPES)


def _describe(value) -> str:
    """A short description of ``value`` for error messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}" if np.isscalar(value) else type(value).__name__


def all_finite(arr: np.ndarray) -> bool:
    """True if no entry of the float array ``arr`` is NaN or infinite.

    A finite sum proves it without the boolean temporary of ``np.isfinite(arr).all()``,
    which is an eighth of the array's size (a single NaN or inf makes the sum NaN or inf);
    only a sum that overflows although every entry is finite needs the element-wise test.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(arr).all())


def as_float_array(name: str, value, *, ndim: int | None = None, dtype=None,
                   finite: bool = True) -> np.ndarray:
    """Return ``value`` as a floating-point ndarray after checking it.

    Booleans, complex numbers and objects are refused rather than converted: a complex
    gradient or an object array is always a bug upstream.
    """
    if isinstance(value, Mapping) or value is None:
        raise TypeError(f"{name} must be an array of real numbers, got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists and the like
        raise TypeError(f"{name} must be an array of real numbers, got {_describe(value)}") from exc
    kind = arr.dtype.kind            # "f" floating, "i"/"u" integer; "b" bool, "c" complex...
    if kind not in "fiu":
        raise TypeError(
            f"{name} must hold real numbers (a float or integer dtype), got dtype {arr.dtype}")
    target = np.dtype(dtype) if dtype is not None else (
        arr.dtype if kind == "f" else np.dtype(np.float64))
    arr = arr.astype(target, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got {arr.ndim}-D array of shape {arr.shape}")
    if finite and not all_finite(arr):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} must be finite, got {bad} non-finite value(s) (NaN or inf) "
            f"in an array of shape {arr.shape}")
    return arr


def check_shape(name: str, arr: np.ndarray, expected: tuple, labels: tuple | None = None) -> None:
    """Raise ``ValueError`` unless ``arr.shape == expected``.

    ``labels`` names the axes in the message, e.g. ``("T", "B", "D")``.
    """
    if arr.shape != tuple(expected):
        what = f"{tuple(expected)}"
        if labels is not None:
            names = f"({labels[0]},)" if len(labels) == 1 else f"({', '.join(labels)})"
            what = f"{names} = {tuple(expected)}"
        raise ValueError(f"{name} must have shape {what}, got {arr.shape}")


def check_params(params) -> tuple[dict, tuple[int, int, int]]:
    """Validate a parameter dict and return it (as float arrays) with ``(D, H, K)``.

    The dict must have exactly the keys ``U, W, V, b, c`` with consistent shapes; all
    arrays are brought to the floating dtype of ``W``.
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict with keys {list(PARAM_NAMES)}, got {_describe(params)}")
    keys = set(params)
    missing = [k for k in PARAM_NAMES if k not in keys]
    extra = sorted(str(k) for k in keys - set(PARAM_NAMES))
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if extra:
            parts.append(f"unexpected {extra}")
        raise ValueError(
            f"params must have exactly the keys {list(PARAM_NAMES)}; {' and '.join(parts)}")
    W = as_float_array("params['W']", params["W"], ndim=2)
    if W.shape[0] != W.shape[1] or W.shape[0] == 0:
        raise ValueError(f"params['W'] must be square (H, H) with H >= 1, got shape {W.shape}")
    H = W.shape[0]
    U = as_float_array("params['U']", params["U"], ndim=2, dtype=W.dtype)
    V = as_float_array("params['V']", params["V"], ndim=2, dtype=W.dtype)
    b = as_float_array("params['b']", params["b"], ndim=1, dtype=W.dtype)
    c = as_float_array("params['c']", params["c"], ndim=1, dtype=W.dtype)
    D, K = U.shape[1], V.shape[0]
    check_shape("params['U']", U, (H, D), ("H", "D"))
    check_shape("params['V']", V, (K, H), ("K", "H"))
    check_shape("params['b']", b, (H,), ("H",))
    check_shape("params['c']", c, (K,), ("K",))
    if D == 0 or K == 0:
        raise ValueError(f"params['U'] and params['V'] need D >= 1 and K >= 1, got D={D}, K={K}")
    return {"U": U, "W": W, "V": V, "b": b, "c": c}, (D, H, K)


def check_sequence(name: str, x, *, dtype=None, last: int | None = None,
                   last_label: str = "D") -> np.ndarray:
    """Validate a time-major batch of shape ``(T, B, last)`` with ``T, B >= 1``."""
    arr = as_float_array(name, x, ndim=3, dtype=dtype)
    T, B = arr.shape[:2]
    if T == 0:
        raise ValueError(f"{name} must hold at least one time step (T >= 1), got shape {arr.shape}")
    if B == 0:
        raise ValueError(f"{name} must hold at least one sequence (B >= 1), got shape {arr.shape}")
    if last is not None and arr.shape[2] != last:
        raise ValueError(
            f"{name} must have shape (T, B, {last_label}) with {last_label} = {last}, "
            f"got {arr.shape}")
    return arr


def check_int(name: str, value, *, minimum: int | None = None, allow_none: bool = False):
    """Return ``value`` as a Python int after checking type and lower bound."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def check_positive(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is a finite number > 0 (or >= 0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not (np.isfinite(value) and ok):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return value


def check_rng(rng) -> np.random.Generator:
    """Require a seeded ``numpy.random.Generator``: no global random state anywhere."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), "
            f"got {_describe(rng)}")
    return rng


def check_grads(grads, name: str = "grads", *, finite: bool = True) -> dict:
    """Validate a gradient dict: a non-empty mapping of names to real arrays.

    With ``finite=True`` any NaN or inf raises ``FloatingPointError`` naming the entry;
    a non-finite gradient means the step is already lost and must not be scaled quietly.
    """
    if not isinstance(grads, Mapping):
        raise TypeError(f"{name} must be a dict of arrays, got {_describe(grads)}")
    if len(grads) == 0:
        raise ValueError(f"{name} must hold at least one array, got an empty dict")
    out = {}
    for key, value in grads.items():
        arr = as_float_array(f"{name}[{key!r}]", value, finite=False)
        if finite and not all_finite(arr):
            bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
            raise FloatingPointError(
                f"{name}[{key!r}] has {bad} non-finite value(s) (NaN or inf) in an array of "
                f"shape {arr.shape}; clipping cannot repair a gradient that has already "
                "overflowed. Skip the step, lower the learning rate, or restart from a checkpoint.")
        out[key] = arr
    return out
