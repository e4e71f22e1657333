"""Time every widget callback of the chapters: each slider move must take under 100 ms.

    .venv/bin/python benchmarks/widgets.py                       # every notebook of _toc.yml
    .venv/bin/python benchmarks/widgets.py book/clipping.ipynb   # some notebooks

A chapter makes its interactive figures with ``rnnlib.live_figure(draw, controls)`` and
``rnnlib.precomputed_figure(draw, controls, ...)``, where ``draw(fig, **values)`` draws
one frame. This script runs each notebook's code in-process (an IPython shell, matplotlib
Agg backend, ``RNNLIB_PROGRESS=0``, the notebook's folder as working directory) up to its
last cell that makes such a figure, with both functions replaced by a recorder: every
``(draw, controls)`` pair the chapter passes is captured, whatever the chapter calls it.

Each live control is then made again with the chapter's arguments, and its sliders are
moved one at a time through the combinations of their values (an
even sample of ``--max-combos`` if there are more); every move is one run of the widget's
callback and is timed. The sweep is repeated ``--repeats`` times on new controls, and each
move's median counts: a callback passes if its slowest move stays under the target
(``--target-ms``, default 100) in wall-clock time. Also printed: the time to make the
control (``rnnlib.live_figure`` renders every frame up front when there are at most
``prerender`` combinations, so that a move only swaps the image), the CPU time of the
moves, and the time one frame takes to draw and render when it is not cached, which is
what a move would cost without rendering ahead and what each frame of the kernel-free
figure costs the build (the live control renders its frames too: a notebook that has
both pays for each frame twice).

Exit status: 0 (every notebook ran; a missed target fails the run only with
``--strict``), 1 (a notebook failed to run, or ``--strict`` and a target missed).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import os
import pathlib
import statistics
import sys
import time
import traceback

from _common import ROOT, cell_source, machine_line, read_notebook, toc_notebooks, verdict

MAKERS = ("live_figure", "precomputed_figure")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", type=pathlib.Path,
                   help="notebooks to measure (default: every notebook in _toc.yml)")
    p.add_argument("--target-ms", type=float, default=100.0,
                   help="largest accepted time of one slider move, in ms (default 100)")
    p.add_argument("--max-combos", type=int, default=60,
                   help="value combinations timed per callback (an even sample if more)")
    p.add_argument("--repeats", type=int, default=3, help="runs per combination (median)")
    p.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = p.parse_args(argv)
    args.notebooks = [n.resolve() for n in args.notebooks] or toc_notebooks(ROOT / "_toc.yml")
    return args


class Recorder:
    """Stands in for rnnlib.live_figure / precomputed_figure and records their arguments."""

    def __init__(self):
        self.calls = []
        self.cell = None

    def maker(self, kind):
        from IPython.display import HTML

        def fake(draw, controls, **kwargs):
            self.calls.append({"kind": kind, "draw": draw, "controls": dict(controls),
                               "kwargs": kwargs, "cell": self.cell})
            return HTML("")
        fake.__name__ = kind
        return fake


@contextlib.contextmanager
def patched(recorder):
    """rnnlib's figure makers replaced by the recorder, wherever a chapter imports them."""
    import rnnlib
    import rnnlib.widgets

    saved = {(mod, name): getattr(mod, name) for mod in (rnnlib, rnnlib.widgets)
             for name in MAKERS}
    try:
        for mod, name in saved:
            setattr(mod, name, recorder.maker(name))
        yield
    finally:
        for (mod, name), value in saved.items():
            setattr(mod, name, value)


def run_notebook(path, recorder):
    """Execute the code cells of ``path`` up to the last one that makes a figure.

    Returns (cells run, seconds, error text or None).
    """
    import matplotlib.pyplot as plt
    from IPython.core.interactiveshell import InteractiveShell

    cells = [(i, cell_source(c)) for i, c in enumerate(read_notebook(path)["cells"])
             if c["cell_type"] == "code"]
    last = max((k for k, (_, src) in enumerate(cells) if any(m in src for m in MAKERS)),
               default=-1)
    shell = InteractiveShell.instance()
    shell.reset(new_session=False)               # a fresh namespace for each notebook
    here = os.getcwd()
    start = time.perf_counter()
    try:
        os.chdir(path.parent)
        for i, src in cells[:last + 1]:
            recorder.cell = i
            sink = io.StringIO()
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                result = shell.run_cell(src, store_history=False, silent=False)
            plt.close("all")
            if not result.success:
                err = result.error_in_exec or result.error_before_exec
                return last + 1, time.perf_counter() - start, (
                    f"cell {i} raised " + "".join(
                        traceback.format_exception_only(type(err), err)).strip())
    finally:
        os.chdir(here)
    return last + 1, time.perf_counter() - start, None


def combos(controls, limit):
    """Every combination of control values as a dict (or an even sample of ``limit``),
    and the number of combinations."""
    keys = list(controls)
    every = list(itertools.product(*(list(controls[k]) for k in keys)))
    n_all = len(every)
    if n_all > limit:
        step = (n_all - 1) / (limit - 1) if limit > 1 else 0
        every = [every[round(j * step)] for j in range(limit)]
    return [dict(zip(keys, c)) for c in every], n_all


def time_live(call, *, max_combos, repeats):
    """The real live control: seconds to make it, and the time of each slider callback.

    The control is built with the chapter's own arguments (``rnnlib.live_figure``: figure
    size, dpi and pre-rendering as the chapter asks). Then
    the sliders are moved, one at a time, through the combinations (an even sample of
    ``max_combos``), and every move is timed: one run of the widget's callback, which puts
    the frame of the new values into the image (rendering it first if it was not rendered
    yet). This sweep is repeated ``repeats`` times, each on a new control. Returns (median
    seconds to make the control, wall and CPU lists with the median time of each move,
    number of combinations).
    """
    import rnnlib

    kwargs = {k: v for k, v in call["kwargs"].items()
              if k in ("labels", "figsize", "dpi", "prerender")}
    values, n_all = combos(call["controls"], max_combos)
    ready, sweeps = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        box = rnnlib.live_figure(call["draw"], call["controls"], **kwargs)
        ready.append(time.perf_counter() - t0)
        sliders = dict(zip(call["controls"], (c for c in box.children
                                              if hasattr(c, "options"))))
        moves = []
        for vals in values:
            for key, slider in sliders.items():
                if slider.value != vals[key]:
                    c0, t0 = time.process_time(), time.perf_counter()
                    slider.value = vals[key]
                    moves.append((time.perf_counter() - t0, time.process_time() - c0))
        box.close()
        sweeps.append(moves)
    wall = [statistics.median(s[i][0] for s in sweeps) for i in range(len(sweeps[0]))]
    cpu = [statistics.median(s[i][1] for s in sweeps) for i in range(len(sweeps[0]))]
    return statistics.median(ready), wall, cpu, n_all


def time_frames(call, *, max_combos):
    """Seconds to draw and render one frame (what a frame costs when it is not cached)."""
    from rnnlib.widgets import _Frames

    frames = _Frames(call["draw"], call["kwargs"].get("figsize", (7.0, 3.4)),
                     call["kwargs"].get("dpi", 80))
    values, _ = combos(call["controls"], max_combos)
    frames.render(values[0])                     # warm-up: fonts, caches, first imports
    times = []
    for vals in values:
        t0 = time.perf_counter()
        frames.render(vals)
        times.append(time.perf_counter() - t0)
    return times


def values_of(call, args):
    return combos(call["controls"], args.max_combos)[0]


def baseline():
    """One frame of a figure with a single line: matplotlib's floor on this machine."""
    call = {"draw": lambda fig, a: fig.add_subplot().plot([0, 1], [0, a]),
            "controls": {"a": [1, 2, 3, 4, 5]}, "kwargs": {}}
    return statistics.median(time_frames(call, max_combos=5))


def callback_name(draw):
    name = getattr(draw, "__qualname__", None) or getattr(draw, "__name__", None)
    if name is None and hasattr(draw, "func"):   # functools.partial
        name = "partial(" + callback_name(draw.func) + ")"
    return name or repr(draw)


def main(argv=None):
    args = parse_args(argv)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ["RNNLIB_PROGRESS"] = "0"
    import matplotlib

    matplotlib.use("Agg")

    print("Widget callbacks: moving a slider of a chapter's live control (rnnlib.live_figure) "
          "puts the frame of the new values into its image")
    print(f"machine : {machine_line()}")
    print(f"target  : every slider move under {args.target_ms:.0f} ms "
          f"(median of {args.repeats} sweeps over the values, each on a new control)")
    print(f"floor   : one frame of a one-line figure takes {baseline() * 1e3:.1f} ms to draw "
          "and render here")
    failed, results = [], []
    recorder = Recorder()
    for path in args.notebooks:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        recorder.calls = []
        with patched(recorder):
            n_cells, seconds, error = run_notebook(path, recorder)
        # The same draw is usually given to both makers: time it once.
        unique = {}
        for call in recorder.calls:
            key = (id(call["draw"]), tuple(call["controls"]))
            if key in unique:
                unique[key]["kind"] += "+" + call["kind"].split("_")[0]
            else:
                unique[key] = dict(call, kind=call["kind"].split("_")[0])
        print(f"\n{shown}: ran {n_cells} code cell(s) in {seconds:.1f} s, "
              f"{len(unique)} callback(s)")
        if error:
            print(f"  FAILED to run: {error}")
            failed.append(str(shown))
            continue
        if not unique:
            continue
        print(f"  {'callback':34} {'kind':17} {'combos':>9} {'ready':>7} {'move med':>9} "
              f"{'move max':>9} {'CPU med':>8} {'one frame':>10}")
        for call in unique.values():
            name = f"{callback_name(call['draw'])} (cell {call['cell']})"
            try:
                ready, wall, cpu, n_all = time_live(call, max_combos=args.max_combos,
                                                    repeats=args.repeats)
                frame = statistics.median(time_frames(call, max_combos=args.max_combos))
            except Exception as exc:  # a draw that fails on some values is a bug to report
                print(f"  {name:34} FAILED: {type(exc).__name__}: {exc}")
                failed.append(f"{shown}: {name}")
                continue
            if not wall:
                print(f"  {name:34} no slider has two values: nothing to move")
                continue
            worst = max(wall)
            ok = worst * 1e3 < args.target_ms
            results.append((str(shown), name, worst, ok))
            print(f"  {name:34} {call['kind']:17} {len(values_of(call, args)):>4}/{n_all:<4} "
                  f"{ready:5.1f} s "
                  f"{statistics.median(wall) * 1e3:6.1f} ms {worst * 1e3:6.1f} ms "
                  f"{statistics.median(cpu) * 1e3:5.1f} ms {frame * 1e3:7.1f} ms  {verdict(ok)}")

    print(f"\nSummary ({len(results)} callback(s); on a shared machine rerun when it is quiet):")
    for nb, name, worst, ok in results:
        print(f"  {verdict(ok)}  {worst * 1e3:7.1f} ms  {nb}: {name}")
    if not results and not failed:
        print("  no callback found (no notebook calls rnnlib.live_figure or "
              "rnnlib.precomputed_figure)")
    missed = [r for r in results if not r[3]]
    if failed:
        print(f"FAILED: {'; '.join(failed)}")
        return 1
    if missed and args.strict:
        print(f"FAILED (--strict): {len(missed)} callback(s) over {args.target_ms:.0f} ms")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
