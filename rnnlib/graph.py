"""The unfolded computational graph (chapter "Unfolding the computational graph").

The recurrence ``h(t) = f(h(t-1), x(t); theta)`` is one small graph with a loop. Unfolding
it for ``T`` steps gives a chain of ``T`` copies of the same computation, every copy using
the same parameters ``U``, ``W``, ``V`` (Goodfellow et al., 2016, sec. 10.1). This module
describes that graph as data (:func:`~rnnlib.unfolded_graph`), draws it folded
(:func:`~rnnlib.draw_folded_graph`) and unfolded (:func:`~rnnlib.draw_unfolded_graph`),
draws one frame of the step-by-step unrolling of a forward pass
(:func:`~rnnlib.draw_unrolling`), and provides the 1-D convolution over time
(:func:`~rnnlib.conv1d`) that the chapter compares with the recurrence.

Drawing needs matplotlib, imported only inside the drawing functions. Every node patch,
edge arrow and edge label carries a ``gid`` (``"node:h(1)"``, ``"edge:h(0)->h(1)"``,
``"label:h(0)->h(1)"``) so that tests and readers can find it on the Axes.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_int, check_sequence, check_shape

__all__ = ["unfolded_graph", "draw_unfolded_graph", "draw_folded_graph", "draw_unrolling",
           "conv1d"]

#: Largest ``T`` the drawing functions accept: beyond it the labels no longer fit.
MAX_DRAWN_STEPS = 30

# Row of each kind of node in the drawing (inputs at the bottom, as in the textbook).
_ROWS = {"input": 0.0, "hidden": 1.0, "output": 2.0, "loss": 3.0, "target": 4.0}
_SYMBOL = {"input": "x", "hidden": "h", "output": "o", "loss": "L", "target": "y"}
# Fill colour of each kind: light tints that stay distinct in greyscale.
_FILL = {"input": "#FFFFFF", "hidden": "#D6E9F5", "output": "#FFFFFF", "loss": "#E6E6E6",
         "target": "#FFFFFF"}
_RADIUS = 0.3


def _check_bool(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def _check_steps(T, *, maximum=None):
    T = check_int("T", T, minimum=1)
    if maximum is not None and T > maximum:
        raise ValueError(
            f"T must be <= {maximum} to be drawn legibly, got {T}; draw a shorter "
            "unfolding (the structure repeats identically at every step)")
    return T


_SUBSCRIPT = str.maketrans("0123456789", "".join(chr(0x2080 + i) for i in range(10)))
_SUPERSCRIPT = str.maketrans("0123456789()", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077"
                              "\u2078\u2079\u207d\u207e")


def _node(kind, step):
    # Labels use Unicode superscripts, h⁽³⁾, rather than mathtext: a figure with dozens of
    # distinct mathtext labels overflows matplotlib's parse cache and renders ~10x slower.
    name = f"{_SYMBOL[kind]}({step})"
    return {"name": name, "kind": kind, "step": step, "xy": (float(step), _ROWS[kind]),
            "label": _SYMBOL[kind] + f"({step})".translate(_SUPERSCRIPT)}


def unfolded_graph(T, *, loss=True, targets=True):
    """The nodes and edges of the RNN's computational graph unfolded for ``T`` steps.

    Nodes are ``h(0)`` and, for every step ``t = 1..T``, ``x(t)``, ``h(t)``, ``o(t)``
    and (with ``loss``) ``L(t)`` and (with ``targets``) ``y(t)``. Edges follow the
    computation of eq. 10.8 of Goodfellow et al.: ``x(t) -> h(t)`` through ``U``,
    ``h(t-1) -> h(t)`` through ``W``, ``h(t) -> o(t)`` through ``V``, and
    ``o(t) -> L(t)``, ``y(t) -> L(t)`` through the loss (no parameter).

    Parameters
    ----------
    T : int
        Number of unfolded steps, ``T >= 1``.
    loss : bool, default True
        Include the per-step losses ``L(t)``.
    targets : bool, default True
        Include the targets ``y(t)`` (only used when ``loss`` is True).

    Returns
    -------
    graph : dict
        ``"nodes"``: list of dicts with keys ``name`` (e.g. ``"h(3)"``), ``kind``
        (``"input"``, ``"hidden"``, ``"output"``, ``"loss"`` or ``"target"``), ``step``
        (int), ``xy`` (drawing position: column ``step``, one row per kind) and
        ``label`` (plain text with Unicode superscripts, e.g. ``"h⁽³⁾"``).
        ``"edges"``: list of dicts with keys ``source``, ``target``, ``step`` (the step
        of the target node) and ``weight`` (``"U"``, ``"W"``, ``"V"`` or ``None`` for
        the loss edges). The node count is
        ``1 + 3T`` plus ``T`` for the losses and ``T`` for the targets; the edge count
        is ``3T`` plus ``T`` for each of the two options.

    Raises
    ------
    TypeError
        If ``T`` is not an integer or an option is not a bool.
    ValueError
        If ``T < 1``.

    Examples
    --------
    >>> import rnnlib
    >>> g = rnnlib.unfolded_graph(3)
    >>> len(g["nodes"]), len(g["edges"])
    (16, 15)
    >>> sorted({e["weight"] for e in g["edges"] if e["weight"]})
    ['U', 'V', 'W']
    >>> [e["source"] for e in g["edges"] if e["weight"] == "W"]
    ['h(0)', 'h(1)', 'h(2)']
    """
    T = _check_steps(T)
    loss = _check_bool("loss", loss)
    targets = _check_bool("targets", targets) and loss
    nodes = [_node("hidden", 0)]
    edges = []
    for t in range(1, T + 1):
        kinds = ["input", "hidden", "output"] + (["loss"] if loss else []) + (
            ["target"] if targets else [])
        nodes.extend(_node(kind, t) for kind in kinds)
        edges.append({"source": f"x({t})", "target": f"h({t})", "step": t, "weight": "U"})
        edges.append({"source": f"h({t - 1})", "target": f"h({t})", "step": t, "weight": "W"})
        edges.append({"source": f"h({t})", "target": f"o({t})", "step": t, "weight": "V"})
        if loss:
            edges.append({"source": f"o({t})", "target": f"L({t})", "step": t, "weight": None})
        if targets:
            edges.append({"source": f"y({t})", "target": f"L({t})", "step": t, "weight": None})
    return {"nodes": nodes, "edges": edges}


def _new_axes(ax, figsize):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def _draw_node(ax, node, *, fontsize, alpha=1.0, edgecolor="black", linewidth=1.0,
               linestyle="-"):
    from matplotlib.patches import Circle

    circle = Circle(node["xy"], _RADIUS, facecolor=_FILL[node["kind"]], edgecolor=edgecolor,
                    linewidth=linewidth, linestyle=linestyle, alpha=alpha, zorder=3)
    circle.set_gid(f"node:{node['name']}")
    circle.set_in_layout(False)
    ax.add_artist(circle)      # add_artist: no autoscaling, the limits are set below
    text = ax.text(*node["xy"], node["label"], ha="center", va="center", fontsize=fontsize,
                   fontstyle="italic", alpha=alpha, zorder=4)
    text.set_gid(f"text:{node['name']}")
    text.set_in_layout(False)        # inside the axes; keeps constrained layout fast


def _draw_edge(ax, start, end, gid, *, label=None, fontsize, alpha=1.0, linestyle="-",
               color="black", connectionstyle="arc3"):
    """An arrow between two node centres, clipped at the circles, with a weight label."""
    from matplotlib.patches import FancyArrowPatch

    start, end = np.asarray(start, float), np.asarray(end, float)
    u = (end - start) / np.linalg.norm(end - start)
    a, b = start + _RADIUS * u, end - _RADIUS * u
    arrow = FancyArrowPatch(tuple(a), tuple(b), arrowstyle="-|>", mutation_scale=9,
                            linewidth=1.0, linestyle=linestyle, color=color, alpha=alpha,
                            shrinkA=0, shrinkB=0, connectionstyle=connectionstyle, zorder=2)
    arrow.set_gid(f"edge:{gid}")
    arrow.set_in_layout(False)
    ax.add_artist(arrow)
    if label is not None:
        mid = (a + b) / 2
        if abs(u[0]) > abs(u[1]):      # horizontal edge: label above
            xy, ha, va = (mid[0], mid[1] + 0.06), "center", "bottom"
        else:                          # vertical edge: label to the left
            xy, ha, va = (mid[0] - 0.07, mid[1]), "right", "center"
        text = ax.text(*xy, label, ha=ha, va=va, fontsize=fontsize, fontstyle="italic",
                       alpha=alpha, color=color, zorder=4)
        text.set_gid(f"label:{gid}")
        text.set_in_layout(False)


def _finish(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()


def draw_unfolded_graph(T, ax=None, *, loss=True, targets=True, active=None, future="faded",
                        fontsize=10):
    """Draw the computational graph of the RNN unfolded for ``T`` steps.

    One column per time step: ``x(t)`` at the bottom, then ``h(t)``, ``o(t)``, ``L(t)``
    and ``y(t)``; ``h(0)`` starts the chain on the left. Every arrow into ``h(t)`` from
    the left is labelled ``W``, from below ``U``; every arrow into ``o(t)`` is labelled
    ``V``: the same three matrices at every step.

    Parameters
    ----------
    T : int
        Number of unfolded steps, ``1 <= T <= 30``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    loss : bool, default True
        Draw the per-step losses ``L(t)``.
    targets : bool, default True
        Draw the targets ``y(t)`` (only when ``loss`` is True).
    active : int, optional
        If given (``0 <= active <= T``), the steps ``1..active`` are drawn as computed
        and the step ``active`` highlighted; later steps are faded with dashed outlines
        or left out (see ``future``): the unrolling of a forward pass up to ``active``.
    future : {"faded", "hidden"}, default "faded"
        With ``active``: draw the steps after ``active`` faded, or leave them out (the
        drawing area still spans all ``T`` steps, so frames line up).
    fontsize : float, default 10
        Size of node and edge labels in points.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, with axis lines off and equal aspect; node circles, arrows and edge
        labels carry the ``gid`` values ``"node:NAME"``, ``"edge:SRC->DST"`` and
        ``"label:SRC->DST"``.

    Raises
    ------
    TypeError
        If ``T`` or ``active`` is not an integer.
    ValueError
        If ``T`` is outside ``1..30``, ``active`` outside ``0..T``, or ``future`` unknown.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import rnnlib
    >>> ax = rnnlib.draw_unfolded_graph(4, loss=False)
    >>> len([p for p in ax.patches if p.get_gid().startswith("node:")])
    13
    >>> sorted({t.get_text() for t in ax.texts if t.get_gid().startswith("label:")})
    ['U', 'V', 'W']
    """
    from .plotting import PALETTE

    T = _check_steps(T, maximum=MAX_DRAWN_STEPS)
    active = check_int("active", active, minimum=0, allow_none=True)
    if active is not None and active > T:
        raise ValueError(f"active must be in 0..T = 0..{T}, got {active}")
    if future not in ("faded", "hidden"):
        raise ValueError(f"future must be 'faded' or 'hidden', got {future!r}")
    graph = unfolded_graph(T, loss=loss, targets=targets)
    if active is not None and future == "hidden":
        graph = {"nodes": [n for n in graph["nodes"] if n["step"] <= active],
                 "edges": [e for e in graph["edges"] if e["step"] <= active]}
    ax = _new_axes(ax, (min(7.0, 1.2 + 1.1 * T), 3.6 if loss else 2.4))
    where = {n["name"]: n["xy"] for n in graph["nodes"]}
    highlight = PALETTE[0]

    def style(step):
        if active is None or step < active:
            return {"alpha": 1.0}
        if step == active:
            return {"alpha": 1.0, "current": True}
        return {"alpha": 0.3, "linestyle": "--"}

    for node in graph["nodes"]:
        s = style(node["step"])
        _draw_node(ax, node, fontsize=fontsize, alpha=s["alpha"],
                   linestyle=s.get("linestyle", "-"),
                   edgecolor=highlight if s.get("current") else "black",
                   linewidth=2.0 if s.get("current") else 1.0)
    for edge in graph["edges"]:
        s = style(edge["step"])
        _draw_edge(ax, where[edge["source"]], where[edge["target"]],
                   f"{edge['source']}->{edge['target']}", label=edge["weight"],
                   fontsize=fontsize, alpha=s["alpha"], linestyle=s.get("linestyle", "-"),
                   color=highlight if s.get("current") else "black")
    top = max(xy[1] for xy in where.values())
    _finish(ax, (-0.5, T + 0.5), (-0.5, top + 0.5))
    return ax


def draw_folded_graph(ax=None, *, loss=True, targets=True, fontsize=10):
    """Draw the folded (rolled) graph of the RNN: one copy of each node and a loop.

    The recurrent edge leaves ``h`` and returns to it through a black square, the
    one-step delay of Goodfellow et al. (2016, fig. 10.3): the value that arrives is
    the state of the previous step, multiplied by ``W``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure if omitted.
    loss : bool, default True
        Draw the loss node ``L``.
    targets : bool, default True
        Draw the target node ``y`` (only when ``loss`` is True).
    fontsize : float, default 10
        Size of node and edge labels in points.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes, axis lines off; the loop arrow has the ``gid`` ``"edge:h->h"`` and
        its label ``"label:h->h"``, the delay square ``"delay"``.

    Raises
    ------
    TypeError
        If an option is not a bool.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import rnnlib
    >>> ax = rnnlib.draw_folded_graph()
    >>> len([p for p in ax.patches if p.get_gid().startswith("node:")])
    5
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "label:h->h"]
    ['W']
    """
    from matplotlib.patches import FancyArrowPatch, Rectangle

    loss = _check_bool("loss", loss)
    targets = _check_bool("targets", targets) and loss
    kinds = ["input", "hidden", "output"] + (["loss"] if loss else []) + (
        ["target"] if targets else [])
    nodes = {k: {"name": _SYMBOL[k], "kind": k, "step": 0, "xy": (0.0, _ROWS[k]),
                 "label": _SYMBOL[k]} for k in kinds}
    ax = _new_axes(ax, (1.6, 3.6 if loss else 2.4))
    for node in nodes.values():
        _draw_node(ax, node, fontsize=fontsize)
    pairs = [("input", "hidden", "U"), ("hidden", "output", "V")]
    if loss:
        pairs.append(("output", "loss", None))
    if targets:
        pairs.append(("target", "loss", None))
    for src, dst, label in pairs:
        if (src, dst) == ("target", "loss"):
            continue   # drawn below, from above
        _draw_edge(ax, nodes[src]["xy"], nodes[dst]["xy"],
                   f"{_SYMBOL[src]}->{_SYMBOL[dst]}", label=label, fontsize=fontsize)
    if targets:
        _draw_edge(ax, nodes["target"]["xy"], nodes["loss"]["xy"], "y->L", fontsize=fontsize)
    # The loop: out of h to the right, through the delay square, back into h.
    hx, hy = nodes["hidden"]["xy"]
    side = 0.16
    cx, cy = hx + 0.85, hy
    angle = np.deg2rad(40)
    out_pt = (hx + _RADIUS * np.cos(angle), hy + _RADIUS * np.sin(angle))
    in_pt = (hx + _RADIUS * np.cos(angle), hy - _RADIUS * np.sin(angle))
    ax.add_patch(FancyArrowPatch(out_pt, (cx, cy + side / 2), arrowstyle="-",
                                 connectionstyle="arc3,rad=-0.45", linewidth=1.0,
                                 shrinkA=0, shrinkB=0, zorder=2, gid="edge-out:h->h"))
    loop = FancyArrowPatch((cx, cy - side / 2), in_pt, arrowstyle="-|>", mutation_scale=9,
                           connectionstyle="arc3,rad=-0.45", linewidth=1.0, shrinkA=0,
                           shrinkB=0, zorder=2)
    loop.set_gid("edge:h->h")
    ax.add_patch(loop)
    square = Rectangle((cx - side / 2, cy - side / 2), side, side, facecolor="black",
                       edgecolor="black", zorder=3)
    square.set_gid("delay")
    ax.add_patch(square)
    label = ax.text(cx + side / 2 + 0.08, cy, "W", ha="left", va="center",
                    fontsize=fontsize, fontstyle="italic", zorder=4)
    label.set_in_layout(False)
    label.set_gid("label:h->h")
    top = max(n["xy"][1] for n in nodes.values())
    _finish(ax, (-0.5, cx + 0.5), (-0.5, top + 0.5))
    return ax


def draw_unrolling(fig, x, h, step, *, sequence=0, units=None, future="hidden", fontsize=9):
    """Draw one frame of the unrolling of a forward pass up to ``step``.

    Top: the unfolded graph (without losses) with the steps ``1..step`` computed and
    ``step`` highlighted (:func:`draw_unfolded_graph` with ``active=step``). Bottom,
    on the same time axis: the first input channel ``x_1(t)`` and the hidden units
    ``h_i(t)`` of one sequence for ``t = 0..step``. This is the drawing function of the
    chapter's interactive figure, light enough to be rendered for dozens of frames.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        An empty figure to draw into. Its layout engine is switched off and the two
        Axes are placed with fixed margins (fast enough to render dozens of frames). The
        graph's columns line up with the time steps of the plot when the figure is tall
        enough, about ``1.2 + 3 w / (T + 1)`` inches plus the plot for a width ``w``.
    x : array_like, shape (T, B, D)
        The inputs of the forward pass, ``1 <= T <= 30``.
    h : array_like, shape (T+1, B, H)
        The hidden states, ``cache["h"]`` of :func:`rnnlib.forward`.
    step : int
        How many steps have been computed, ``0 <= step <= T``.
    sequence : int, default 0
        Which sequence of the batch to show.
    units : sequence of int, optional
        Hidden units to plot (the first, at most, four by default).
    future : {"hidden", "faded"}, default "hidden"
        Whether the graph leaves out the steps after ``step`` or draws them faded.
    fontsize : float, default 9
        Size of the graph's labels in points.

    Returns
    -------
    list of matplotlib.axes.Axes
        ``[graph_axes, states_axes]``.

    Raises
    ------
    TypeError
        If ``step`` is not an integer or an array holds non-real values.
    ValueError
        If ``h`` does not have shape ``(T+1, B, H)`` for the ``x`` given, ``T > 30``,
        ``step`` is outside ``0..T``, ``sequence`` or a unit is out of range, or
        ``future`` is unknown.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np, rnnlib
    >>> rng = np.random.default_rng(0)
    >>> p = rnnlib.init_params(1, 3, 1, rng=rng)
    >>> x = rng.standard_normal((5, 1, 1))
    >>> _, cache = rnnlib.forward(p, x)
    >>> axes = rnnlib.draw_unrolling(plt.figure(), x, cache["h"], step=2)
    >>> len(axes[1].lines)   # the input and three hidden units
    4
    """
    from .plotting import series_style

    x = check_sequence("x", x)
    T, B, _ = x.shape
    h = as_float_array("h", h, ndim=3)
    check_shape("h", h, (T + 1, B, h.shape[2]), ("T+1", "B", "H"))
    _check_steps(T, maximum=MAX_DRAWN_STEPS)
    step = check_int("step", step, minimum=0)
    if step > T:
        raise ValueError(f"step must be in 0..T = 0..{T}, got {step}")
    sequence = check_int("sequence", sequence, minimum=0)
    if sequence >= B:
        raise ValueError(f"sequence must be in 0..{B - 1} (B = {B}), got {sequence}")
    H = h.shape[2]
    units = list(range(min(H, 4))) if units is None else [int(u) for u in units]
    if not units or any(not 0 <= u < H for u in units):
        raise ValueError(f"units must be a non-empty list of indices in 0..{H - 1}, got {units}")
    if future not in ("faded", "hidden"):
        raise ValueError(f"future must be 'faded' or 'hidden', got {future!r}")

    # A fixed layout in inches: the graph gets the height at which its columns are as wide
    # as the time steps of the plot below (equal aspect), the plot the rest. Constrained
    # layout would measure every label of the graph again for each frame (a third of the
    # cost of a frame) and could not keep the columns aligned.
    fig.set_layout_engine("none")
    fig_w, fig_h = fig.get_size_inches()
    left, right, top, bottom, legend_band = 0.75, 0.15, 0.3, 0.5, 0.4
    width = fig_w - left - right
    graph_h = min(width * 3.0 / (T + 1), 0.7 * (fig_h - top - bottom - legend_band))
    states_h = fig_h - top - bottom - legend_band - graph_h
    ax_graph = fig.add_axes((left / fig_w, (fig_h - top - graph_h) / fig_h,
                             width / fig_w, graph_h / fig_h))
    ax_states = fig.add_axes((left / fig_w, bottom / fig_h, width / fig_w, states_h / fig_h))
    draw_unfolded_graph(T, ax_graph, loss=False, active=step, future=future,
                        fontsize=fontsize)
    ax_graph.set_title(f"unrolled up to step t = {step} of T = {T}", fontsize=fontsize + 1)
    # Plain labels with Unicode sub/superscripts: mathtext would be parsed again for
    # every frame of an animation and dominate its cost.
    t_in = np.arange(1, step + 1)
    ax_states.plot(t_in, x[:step, sequence, 0], color="black", linestyle="none", marker="x",
                   markersize=5, label="input x\u2081\u207d\u1d57\u207e")
    t = np.arange(step + 1)
    for i, u in enumerate(units):
        s = series_style(i)
        ax_states.plot(t, h[:step + 1, sequence, u], color=s["color"], linestyle=s["linestyle"],
                       marker=s["marker"], markersize=3,
                       label=f"h{str(u + 1).translate(_SUBSCRIPT)}\u207d\u1d57\u207e")
    ax_states.set_xlim(-0.5, T + 0.5)
    lo = min(-1.05, float(x[:, sequence, 0].min()) - 0.05)
    hi = max(1.05, float(x[:, sequence, 0].max()) + 0.05)
    ax_states.set_ylim(lo, hi)
    ax_states.set_xticks(np.arange(0, T + 1, 1 if T <= 12 else 2))
    ax_states.set_xlabel("time step t")
    ax_states.set_ylabel("value (unitless)")
    ax_states.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(units) + 1,
                     fontsize=8)
    return [ax_graph, ax_states]


def conv1d(x, kernel, bias=None, *, padding="causal"):
    """A 1-D convolution over time with one kernel shared by all positions.

    With lags ``j = 0..k-1`` and ``x(s) = 0`` for ``s < 1``, computes::

        z(t) = bias + sum_j K_j x(t - j)

    so ``z(t)`` sees exactly the window ``x(t-k+1), ..., x(t)`` (the time-delay or
    n-gram view of a sequence), whatever came before it.

    Parameters
    ----------
    x : array_like, shape (T, B, D)
        Inputs, time-major.
    kernel : array_like, shape (k, C, D)
        ``kernel[j]`` is the (C, D) matrix ``K_j`` applied to the input ``j`` steps back.
    bias : array_like, shape (C,), optional
        Added to every output; zeros if omitted.
    padding : {"causal", "valid"}, default "causal"
        ``"causal"``: left zero padding, one output per step, ``z(1..T)``;
        ``"valid"``: only full windows, ``z(k..T)`` (needs ``T >= k``).

    Returns
    -------
    numpy.ndarray, shape (T, B, C) or (T-k+1, B, C)
        The outputs, time-major; ``out[t-1] = z(t)`` for ``"causal"`` and
        ``out[t-k] = z(t)`` for ``"valid"``.

    Raises
    ------
    TypeError
        If an array holds non-real values.
    ValueError
        If ``kernel`` is not 3-D with last axis ``D``, ``bias`` is not ``(C,)``,
        ``padding`` is unknown, a value is not finite, or ``T < k`` with ``"valid"``.

    Examples
    --------
    >>> import numpy as np, rnnlib
    >>> x = np.arange(1.0, 6.0).reshape(5, 1, 1)          # 1, 2, 3, 4, 5
    >>> box = np.ones((2, 1, 1))                          # sum of the last two steps
    >>> rnnlib.conv1d(x, box)[:, 0, 0]
    array([1., 3., 5., 7., 9.])
    >>> rnnlib.conv1d(x, box, padding="valid")[:, 0, 0]
    array([3., 5., 7., 9.])
    """
    x = check_sequence("x", x)
    T, B, D = x.shape
    kernel = as_float_array("kernel", kernel, ndim=3, dtype=x.dtype)
    k, C, _ = kernel.shape
    if k < 1 or C < 1:
        raise ValueError(f"kernel must have shape (k, C, D) with k >= 1 and C >= 1, "
                         f"got {kernel.shape}")
    check_shape("kernel", kernel, (k, C, D), ("k", "C", "D"))
    if bias is None:
        bias = np.zeros(C, dtype=x.dtype)
    bias = as_float_array("bias", bias, ndim=1, dtype=x.dtype)
    check_shape("bias", bias, (C,), ("C",))
    if padding not in ("causal", "valid"):
        raise ValueError(f"padding must be 'causal' or 'valid', got {padding!r}")
    if padding == "valid" and T < k:
        raise ValueError(f"padding='valid' needs T >= k, got T = {T} and k = {k}")
    xp = np.concatenate([np.zeros((k - 1, B, D), dtype=x.dtype), x])   # x(2-k..T)
    out = np.broadcast_to(bias, (T, B, C)).copy()
    for j in range(k):
        # xp[k-1-j + s] = x(s+1-j): the input j steps before output step s+1.
        out += xp[k - 1 - j:k - 1 - j + T] @ kernel[j].T
    if padding == "valid":
        out = out[k - 1:]
    return out
