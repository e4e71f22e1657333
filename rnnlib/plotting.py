"""Plotting helpers shared by the chapters.

One palette and one set of line styles for the whole book: the Okabe-Ito colours
(distinguishable with the common colour-vision deficiencies) paired with distinct line
styles and markers, so that curves stay apart in greyscale print too. Figures are sized
for a laptop screen (at most 7.5 inches wide) and every axis gets a label.
"""

from __future__ import annotations

import itertools

import numpy as np

from ._validation import as_float_array

__all__ = ["PALETTE", "LINESTYLES", "MARKERS", "series_style", "use_book_style",
           "plot_hidden_states"]

#: Okabe & Ito (2008) colour-blind-safe palette, without yellow (too light on white).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000")
#: Line styles cycled with the colours, so curves differ in greyscale as well.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)))
#: Markers cycled with the colours, for sparse series.
MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def series_style(i):
    """Colour, line style and marker of the ``i``-th series, as ``plot`` keyword arguments.

    Parameters
    ----------
    i : int
        Index of the series (wraps around after seven).

    Returns
    -------
    dict
        ``{"color": ..., "linestyle": ..., "marker": ...}``.

    Examples
    --------
    >>> import rnnlib
    >>> rnnlib.series_style(1)["color"]
    '#D55E00'
    """
    j = int(i) % len(PALETTE)
    return {"color": PALETTE[j], "linestyle": LINESTYLES[j], "marker": MARKERS[j]}


def use_book_style():
    """Apply the book's matplotlib settings (size, fonts, palette) for this session.

    Returns
    -------
    None

    Examples
    --------
    >>> import rnnlib
    >>> rnnlib.use_book_style()
    """
    import matplotlib as mpl
    from cycler import cycler

    mpl.rcParams.update({
        "figure.figsize": (7.0, 3.6),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.frameon": False,
        "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(LINESTYLES)),
        "image.cmap": "cividis",
        "figure.constrained_layout.use": True,
    })


def plot_hidden_states(h, *, sequence=0, units=None, ax=None, title=None):
    """Plot hidden-state trajectories ``h(t)`` of one sequence against time.

    Parameters
    ----------
    h : array_like, shape (T+1, B, H)
        Hidden states, e.g. ``cache["h"]`` from :func:`rnnlib.forward`.
    sequence : int, default 0
        Which sequence of the batch to draw.
    units : sequence of int, optional
        Which hidden units to draw; the first (at most) four by default.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``h`` is not 3-D, or ``sequence`` or a unit index is out of range.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(1, 3, 1, rng=rng)
    >>> _, cache = rnnlib.forward(p, rng.standard_normal((10, 1, 1)))
    >>> ax = rnnlib.plot_hidden_states(cache["h"])
    >>> len(ax.lines)
    3
    """
    import matplotlib.pyplot as plt

    h = as_float_array("h", h, ndim=3)
    T1, B, H = h.shape
    if not 0 <= int(sequence) < B:
        raise ValueError(f"sequence must be in 0..{B - 1} (B = {B}), got {sequence}")
    units = list(range(min(H, 4))) if units is None else [int(u) for u in units]
    if any(not 0 <= u < H for u in units):
        raise ValueError(f"units must be in 0..{H - 1} (H = {H}), got {units}")
    if ax is None:
        _, ax = plt.subplots()
    t = np.arange(T1)
    for i, u in zip(itertools.count(), units):
        style = series_style(i)
        ax.plot(t, h[:, int(sequence), u], label=f"unit {u + 1}", color=style["color"],
                linestyle=style["linestyle"], marker=style["marker"], markersize=3)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("hidden state $h_i^{(t)}$ (unitless)")
    ax.set_ylim(-1.05, 1.05)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", ncols=min(len(units), 4), fontsize=8)
    return ax
