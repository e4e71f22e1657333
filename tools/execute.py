"""Execute notebooks in place, top to bottom in a fresh kernel, as they are committed.

    python tools/execute.py book/some_chapter.ipynb [more.ipynb ...]
    python tools/execute.py --all        # every notebook in _toc.yml

The kernel runs with the notebook's folder as working directory, in the environment of
the Python that runs this script, so the stored outputs are what a reader's fresh run
prints. Execution counts come out 1..n, which the nbval test requires.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]


def toc_notebooks() -> list[pathlib.Path]:
    """Every .ipynb file named in _toc.yml, in order."""
    import re

    files = re.findall(r"file:\s*(\S+)", (ROOT / "_toc.yml").read_text())
    root = re.search(r"root:\s*(\S+)", (ROOT / "_toc.yml").read_text()).group(1)
    out = []
    for name in [root, *files]:
        path = ROOT / (name if name.endswith(".ipynb") else name + ".ipynb")
        if path.exists():
            out.append(path)
    return out


def execute(path: pathlib.Path, timeout: int = 600) -> float:
    os.environ["RNNLIB_PROGRESS"] = "0"   # no progress bars in committed outputs
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:                   # no per-cell timestamps in committed files
        cell.metadata.pop("execution", None)
    start = time.perf_counter()
    # Live widgets are for readers with a kernel; their state is not stored, so the
    # website does not embed it (nor load a widget manager for cells it never shows).
    NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                   record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nbformat.write(nb, path)
    return elapsed


def coalesce_streams(outputs):
    """Merge consecutive stdout (or stderr) outputs into one: where a cell's printed text
    is cut into pieces depends on when the kernel flushed it, not on the code."""
    merged = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (out.output_type == "stream" and prev is not None
                and prev.output_type == "stream" and prev.name == out.name):
            prev.text += out.text
        else:
            merged.append(out)
    return merged


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path)
    parser.add_argument("--all", action="store_true", help="every notebook in _toc.yml")
    args = parser.parse_args(argv)
    paths = toc_notebooks() if args.all else args.notebooks
    if not paths:
        parser.error("name notebooks or pass --all")
    for path in paths:
        print(f"{path}: executed in {execute(path.resolve()):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
