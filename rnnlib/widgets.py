"""Interactive figures that work both with a kernel and on the static website.

A chapter writes one drawing function ``draw(fig, **values)`` and hands it to

* :func:`rnnlib.live_figure`, an ipywidgets control that redraws on every change (needs a
  running kernel: a local Jupyter, Binder or Colab), and
* :func:`rnnlib.precomputed_figure`, which renders the same function on a grid of values ahead
  of time and returns self-contained HTML: range sliders and a few lines of inline
  JavaScript that swap pre-rendered PNG frames. It needs no kernel and no CDN, so on the
  static website the sliders really change the picture.

On the website the live control is removed (cell tag ``remove-cell``) and the
precomputed one is shown, so no control there looks interactive but does nothing.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re

import numpy as np

__all__ = ["precomputed_figure", "live_figure"]


def _grid(name, values):
    vals = list(values)
    if not vals:
        raise ValueError(f"controls[{name!r}] must list at least one value, got none")
    return vals


class _Frames:
    """PNG frames of ``draw(fig, **values)``, each rendered once per figure.

    One ``matplotlib.figure.Figure`` with its own Agg canvas is made (outside pyplot, so no
    notebook backend shows or keeps it) and cleared before each new frame: the canvas's
    renderer and the text-metrics cache attached to it then serve every frame. Frames are
    kept by this object only, so a new figure (a cell run again, after the data ``draw``
    reads has changed) always draws anew.
    """

    def __init__(self, draw, figsize, dpi):
        self.draw, self.figsize, self.dpi = draw, tuple(figsize), dpi
        self.fig = self.canvas = None
        self.cache = {}

    def __call__(self, values):
        key = repr(sorted(values.items()))
        if key not in self.cache:
            self.cache[key] = self.render(values)
        return self.cache[key]

    def render(self, values):
        if self.fig is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            self.fig = Figure(figsize=self.figsize, dpi=self.dpi)
            self.canvas = FigureCanvasAgg(self.fig)
        self.fig.clear()
        self.draw(self.fig, **values)
        buf = io.BytesIO()
        self.canvas.print_png(buf, metadata={"Software": None})
        return buf.getvalue()


def precomputed_figure(draw, controls, *, name, alt, labels=None, formats=None,
                       initial=None, figsize=(7.0, 3.4), dpi=80):
    """Render ``draw`` on a grid of control values as a kernel-free interactive figure.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws on the empty ``matplotlib.figure.Figure`` ``fig``.
    controls : dict of str to sequence
        The values each control takes, e.g. ``{"rho": [0.5, 0.9, 1.1]}``; every
        combination is rendered, so keep the product small (each frame is a PNG).
    name : str
        A unique identifier for the figure on its page (letters, digits, ``-``).
    alt : str
        Alternative text of the image, for screen readers; the current control values
        are appended to it as they change.
    labels : dict of str to str, optional
        Visible label of each control (default: its name).
    formats : dict of str to str, optional
        Format spec used to print each value (default ``""``, i.e. ``str``).
    initial : dict of str to int, optional
        Index of the initially selected value of each control (default 0).
    figsize : tuple of float, default (7.0, 3.4)
        Figure size in inches.
    dpi : int, default 80
        Resolution of the frames.

    Returns
    -------
    IPython.display.HTML
        The figure: ``<input type="range">`` controls, a live text of the values, and
        the frames embedded as base64 PNG.

    Raises
    ------
    ValueError
        If ``name`` is not a simple identifier or a control has no values.

    Examples
    --------
    >>> import rnnlib
    >>> def draw(fig, a):
    ...     fig.add_subplot().plot([0, 1], [0, a])
    >>> out = rnnlib.precomputed_figure(draw, {"a": [1, 2]}, name="demo", alt="a line")
    >>> out.data.count('type="range"')
    1
    """
    from IPython.display import HTML

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name):
        raise ValueError(f"name must be letters, digits and '-', starting with a letter; got {name!r}")
    if not isinstance(controls, dict) or not controls:
        raise ValueError("controls must be a non-empty dict of control name -> list of values")
    keys = list(controls)
    grids = [_grid(k, controls[k]) for k in keys]
    labels = {k: k for k in keys} | dict(labels or {})
    formats = {k: "" for k in keys} | dict(formats or {})
    initial = {k: 0 for k in keys} | dict(initial or {})
    render = _Frames(draw, figsize, dpi)
    frames = [base64.b64encode(render(dict(zip(keys, combo)))).decode("ascii")
              for combo in itertools.product(*grids)]
    shape = [len(g) for g in grids]
    start = int(np.ravel_multi_index([initial[k] for k in keys], shape))

    text_vals = {k: [format(v, formats[k]) for v in g] for k, g in zip(keys, grids)}
    rows = []
    for i, k in enumerate(keys):
        cid = f"{name}-c{i}"
        rows.append(
            f'<div class="rnn-control"><label for="{cid}">{html.escape(labels[k])}</label> '
            f'<input type="range" id="{cid}" min="0" max="{len(grids[i]) - 1}" step="1" '
            f'value="{initial[k]}" aria-valuetext="{html.escape(text_vals[k][initial[k]])}"> '
            f'<output for="{cid}" id="{cid}-v">{html.escape(text_vals[k][initial[k]])}</output></div>')
    script = (
        "(function(){"
        f"var root=document.getElementById('{name}');"
        f"var frames={json.dumps(frames)};var shape={json.dumps(shape)};"
        f"var texts={json.dumps([text_vals[k] for k in keys])};"
        f"var labels={json.dumps([labels[k] for k in keys])};"
        f"var alt={json.dumps(alt)};"
        "var inputs=root.querySelectorAll('input[type=range]');"
        "var img=root.querySelector('img');"
        "function update(){var idx=0,parts=[];"
        "for(var i=0;i<inputs.length;i++){var v=parseInt(inputs[i].value,10);"
        "idx=idx*shape[i]+v;var t=texts[i][v];"
        "root.querySelector('#'+inputs[i].id+'-v').textContent=t;"
        "inputs[i].setAttribute('aria-valuetext',t);parts.push(labels[i]+' = '+t);}"
        "img.src='data:image/png;base64,'+frames[idx];"
        "img.alt=alt+' ('+parts.join(', ')+')';img.dataset.frame=idx;}"
        "for(var i=0;i<inputs.length;i++){inputs[i].addEventListener('input',update);}"
        "})();")
    start_alt = alt + " (" + ", ".join(
        f"{labels[k]} = {text_vals[k][initial[k]]}" for k in keys) + ")"
    body = (
        f'<div class="rnn-precomputed" id="{name}">'
        + "".join(rows)
        + f'<img src="data:image/png;base64,{frames[start]}" alt="{html.escape(start_alt)}" '
        f'data-frame="{start}" style="max-width:100%;height:auto">'
        f"<script>{script}</script></div>")
    return HTML(body)


def live_figure(draw, controls, *, labels=None, figsize=(7.0, 3.4), dpi=80, prerender=64):
    """An ipywidgets control that shows ``draw(fig, **values)`` for the selected values.

    Each frame is rendered to PNG and put into an ``ipywidgets.Image``, so nothing is
    printed into the cell's outputs: the stored output is the widget and a short text
    stand-in, ``LiveFigure(name=value, ...)``, which is the same in every run (nbval
    compares it). Needs a running kernel to react; on the static website use
    :func:`rnnlib.precomputed_figure`.

    Rendering a matplotlib figure takes tens of milliseconds or more, too long for a slider
    that should follow the mouse. So when there are at most ``prerender`` combinations
    of values, all frames are rendered when the control is made, and moving a slider only
    swaps the image; with more, each frame is rendered the first time it is shown and
    kept. The frames belong to this control: to see a change to ``draw`` or to the data
    it reads, run the cell again.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)``, as for :func:`rnnlib.precomputed_figure`.
    controls : dict of str to sequence
        The values each control takes; each becomes a ``SelectionSlider``.
    labels : dict of str to str, optional
        Visible label of each control.
    figsize : tuple of float, default (7.0, 3.4)
        Figure size in inches.
    dpi : int, default 80
        Resolution of the rendered figure.
    prerender : int, default 64
        Render every frame up front if the controls have at most this many combinations.

    Returns
    -------
    ipywidgets.VBox
        The sliders above the image (a ``VBox`` subclass with a short ``repr``).

    Raises
    ------
    ValueError
        If ``controls`` is empty or a control has no values.

    Examples
    --------
    >>> import rnnlib
    >>> def draw(fig, a):
    ...     fig.add_subplot().plot([0, 1], [0, a])
    >>> box = rnnlib.live_figure(draw, {"a": [1, 2]})
    >>> box
    LiveFigure(a=1)
    >>> box.children[0].value = 2   # what dragging the slider does; the image is redrawn
    >>> box
    LiveFigure(a=2)
    """
    import ipywidgets as widgets

    if not isinstance(controls, dict) or not controls:
        raise ValueError("controls must be a non-empty dict of control name -> list of values")
    labels = {k: k for k in controls} | dict(labels or {})
    sliders = {k: widgets.SelectionSlider(options=_grid(k, v), description=labels[k],
                                          continuous_update=True,
                                          style={"description_width": "initial"})
               for k, v in controls.items()}
    image = widgets.Image(format="png")
    frames = _Frames(draw, figsize, dpi)
    grids = [slider.options for slider in sliders.values()]
    if int(np.prod([len(g) for g in grids])) <= prerender:
        for combo in itertools.product(*grids):
            frames(dict(zip(sliders, combo)))

    def redraw(_change=None):
        image.value = frames({k: sl.value for k, sl in sliders.items()})

    for slider in sliders.values():
        slider.observe(redraw, names="value")
    redraw()
    return _live_figure_class()([*sliders.values(), image])


_LIVE_CLASS = None


def _live_figure_class():
    """The VBox subclass returned by :func:`live_figure`, created on first use."""
    global _LIVE_CLASS
    if _LIVE_CLASS is None:
        import ipywidgets as widgets

        class LiveFigure(widgets.VBox):
            """Sliders above an image; its repr names the current values only."""

            def __repr__(self):
                values = ", ".join(f"{c.description}={c.value!r}" for c in self.children
                                   if isinstance(c, widgets.SelectionSlider))
                return f"LiveFigure({values})"

        _LIVE_CLASS = LiveFigure
    return _LIVE_CLASS
