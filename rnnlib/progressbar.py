"""Progress bars for long-running cells that never leak into stored outputs.

A reader running a notebook sees a tqdm progress bar. When the book is built, a notebook
is executed for committing (``tools/execute.py``) or nbval re-runs it, the environment
variable ``RNNLIB_PROGRESS=0`` is set and the bar is not drawn at all: its text (elapsed
seconds, iterations per second) changes from run to run and would make the stored
outputs differ from a fresh run.
"""

from __future__ import annotations

import os

__all__ = ["progress", "progress_enabled"]


def progress_enabled():
    """Whether :func:`rnnlib.progress` draws a bar (``RNNLIB_PROGRESS`` is not ``"0"``).

    Returns
    -------
    bool

    Examples
    --------
    >>> import os, rnnlib
    >>> os.environ["RNNLIB_PROGRESS"] = "0"
    >>> rnnlib.progress_enabled()
    False
    """
    return os.environ.get("RNNLIB_PROGRESS", "1") != "0"


def progress(iterable, *, desc=None, total=None):
    """Wrap ``iterable`` in a tqdm progress bar when progress is enabled.

    Parameters
    ----------
    iterable : iterable
        What to iterate over.
    desc : str, optional
        Label of the bar.
    total : int, optional
        Number of items, if ``iterable`` has no ``len``.

    Returns
    -------
    iterable
        ``tqdm.auto.tqdm(iterable)``, or ``iterable`` itself when disabled.

    Examples
    --------
    >>> import os, rnnlib
    >>> os.environ["RNNLIB_PROGRESS"] = "0"
    >>> list(rnnlib.progress(range(3), desc="seeds"))
    [0, 1, 2]
    """
    if not progress_enabled():
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, desc=desc, total=total, leave=False)
