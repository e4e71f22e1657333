"""Smoke tests of the benchmark scripts: each runs on tiny inputs, and each check can fail.

No timing is asserted here (speed is measured by the benchmarks themselves, on a quiet
machine); these tests only make sure the scripts run, measure what they claim, and
notice a wrong gradient, a failing notebook or a slow callback.
"""

import pathlib
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = pathlib.Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"

NAIVE = '''def bptt_naive(params, x, h0, do):
    """Forward pass and full BPTT, one time step at a time."""
    U, W, V, b = params["U"], params["W"], params["V"], params["b"]
    hs = [h0]
    for t in range(x.shape[0]):
        hs.append(np.tanh(b + hs[-1] @ W.T + x[t] @ U.T))
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    carry = np.zeros_like(h0)
    for t in reversed(range(x.shape[0])):
        grads["V"] += do[t].T @ hs[t + 1]
        grads["c"] += do[t].sum(axis=0)
        da = (1 - hs[t + 1] ** 2) * (do[t] @ V + carry)
        grads["W"] += SCALE * da.T @ hs[t]
        grads["U"] += da.T @ x[t]
        grads["b"] += da.sum(axis=0)
        carry = da @ W
    grads["h0"] = carry
    return grads
'''


def notebook(path, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def run(script, *args, cwd=ROOT, timeout=300):
    proc = subprocess.run([sys.executable, str(BENCH / script), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def naive_notebook(tmp_path, scale="1.0", tag="naive-bptt"):
    return notebook(tmp_path / "bptt.ipynb", [
        new_markdown_cell("# BPTT"),
        new_code_cell("import numpy as np"),
        new_code_cell(NAIVE.replace("SCALE", scale), metadata={"tags": [tag]})])


TINY = ["--sizes", "tiny", "--repeats", "1", "--warmup", "0", "--gemm-size", "64"]


# ------------------------------------------------------------------------ bptt.py
def test_bptt_benchmark_agrees_with_a_correct_naive_loop(tmp_path):
    status, out = run("bptt.py", "--notebook", naive_notebook(tmp_path), *TINY,
                      "--threads", "1")
    assert status == 0, out
    assert "rnnlib vs naive  max relative error" in out and "DISAGREE" not in out
    assert "GFLOP/s" in out and "all contenders agree" in out
    try:
        import torch  # noqa: F401  (an optional peer of the benchmark, not of the book)
    except ImportError:
        assert "torch   : not installed" in out
    else:
        assert "rnnlib vs torch  max relative error" in out and "1 intra-op threads" in out


def test_bptt_benchmark_fails_on_a_wrong_gradient(tmp_path):
    status, out = run("bptt.py", "--notebook", naive_notebook(tmp_path, scale="1.001"),
                      *TINY, "--no-torch")
    assert status == 1, out
    assert "DISAGREE" in out and "(in W)" in out


def test_bptt_benchmark_needs_the_tagged_cell(tmp_path):
    status, out = run("bptt.py", "--notebook", naive_notebook(tmp_path, tag="other"), *TINY,
                      "--no-torch")
    assert status == 2, out
    assert "no code cell tagged 'naive-bptt'" in out


def test_bptt_benchmark_runs_the_chapters_naive_loop():
    """The single source: the naive BPTT of the chapter agrees with rnnlib."""
    assert (ROOT / "book" / "bptt.ipynb").exists()
    status, out = run("bptt.py", *TINY, "--no-torch")
    assert status == 0, out
    assert "rnnlib vs naive  max relative error" in out


# ------------------------------------------------------------------------ widgets.py
WIDGET_CELLS = [
    "import time\nimport rnnlib",
    "def fast(fig, a, b):\n    fig.add_subplot().plot([0, 1], [a, b])\n\n"
    "def slow(fig, a):\n    time.sleep(0.15)\n    fig.add_subplot().plot([0, 1], [0, a])",
    "rnnlib.live_figure(fast, {'a': [1, 2], 'b': [3, 4, 5]})",
    "rnnlib.precomputed_figure(fast, {'a': [1, 2], 'b': [3, 4, 5]}, name='f', alt='x')",
    "rnnlib.live_figure(slow, {'a': [1, 2]}, prerender=1)   # frames drawn on demand",
    "raise RuntimeError('never reached: after the last figure')",
]


def test_widgets_benchmark_records_and_times_every_callback(tmp_path):
    nb = notebook(tmp_path / "w.ipynb", [new_code_cell(src) for src in WIDGET_CELLS])
    # A generous limit: every callback passes, whatever the machine.
    status, out = run("widgets.py", nb, "--repeats", "1", "--target-ms", "1e6", "--strict")
    assert status == 0, out
    assert "2 callback(s)" in out
    fast = next(line for line in out.splitlines() if line.lstrip().startswith("fast ("))
    assert "live+precomputed" in fast and "6/6" in fast and "PASS" in fast
    # The slow callback sleeps 150 ms per frame, and its control draws each frame when it
    # is first shown, so a move cannot pass a 100 ms limit. (The fast one renders ahead.)
    status, out = run("widgets.py", nb, "--repeats", "1", "--strict")
    assert status == 1, out
    slow = next(line for line in out.splitlines() if line.lstrip().startswith("slow ("))
    assert "MISS" in slow and "FAILED (--strict)" in out
    status, _ = run("widgets.py", nb, "--repeats", "1")       # without --strict: reported
    assert status == 0


def test_widgets_benchmark_fails_if_a_notebook_fails(tmp_path):
    nb = notebook(tmp_path / "w.ipynb", [new_code_cell("import rnnlib\n1 / 0"),
                                         new_code_cell(WIDGET_CELLS[2])])
    status, out = run("widgets.py", nb)
    assert status == 1 and "ZeroDivisionError" in out, out


# ------------------------------------------------------------------------ book.py
def tiny_book(tmp_path, printed="2"):
    tmp_path.mkdir()
    (tmp_path / "_config.yml").write_text(
        "title: tiny\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: cache\n  raise_on_error: true\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: nb\n")
    (tmp_path / "intro.md").write_text("# Tiny\n\nA tiny book.\n")
    cell = new_code_cell("print(1 + 1)", execution_count=1,
                         outputs=[new_output("stream", name="stdout", text=printed + "\n")])
    notebook(tmp_path / "nb.ipynb", [new_markdown_cell("# A notebook"), cell])
    return tmp_path


@pytest.mark.slow
def test_book_benchmark_times_builds_and_nbval(tmp_path):
    book = tiny_book(tmp_path / "book")
    status, out = run("book.py", "--root", book, "--output", tmp_path / "out",
                      "--logs", tmp_path / "logs")
    assert status == 0, out
    for name in ("clean build", "unchanged rebuild", "nbval"):
        assert f"{name:18}:" in out and f"\n  {name:18}" in out, name
    assert "nb.ipynb" in out.split("clean build (jupyter-cache)")[1]   # it was executed
    assert "nb.ipynb Cell 0" in out                                    # per-cell durations
    assert not (book / "_build").exists()                              # private output only


@pytest.mark.slow
def test_book_benchmark_fails_if_nbval_fails(tmp_path):
    book = tiny_book(tmp_path / "book", printed="3")    # the stored output is wrong
    status, out = run("book.py", "--root", book, "--skip-build", "--logs", tmp_path / "logs")
    assert status == 1, out
    assert "FAILED: nbval" in out
    assert "nb.ipynb::Cell 0" in (tmp_path / "logs" / "nbval.log").read_text()   # kept
