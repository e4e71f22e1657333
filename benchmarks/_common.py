"""Helpers shared by the benchmark scripts: threads, interleaved timing, notebooks, verdicts.

Nothing here is part of rnnlib or of the book; the scripts in this folder import it with
``from _common import ...`` (Python puts the script's folder first on ``sys.path``).
"""

from __future__ import annotations

import json
import os
import pathlib
import platform
import re
import statistics
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]

_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


# --------------------------------------------------------------------------- threads
def request_threads(n):
    """Ask for ``n`` BLAS threads; call it before numpy is imported.

    With threadpoolctl installed the limit is applied at run time by :func:`blas_threads`;
    without it the only reliable way is the environment, read when OpenBLAS loads.
    """
    if n is not None:
        for var in _THREAD_VARS:
            os.environ[var] = str(n)


def blas_threads(n=None):
    """Limit numpy's BLAS to ``n`` threads (if given) and return (threads, description).

    Returns the number of threads numpy's BLAS really uses, read through threadpoolctl
    when it is installed, otherwise from the environment (or the CPU count).
    """
    import numpy as np  # noqa: F401  (loads the BLAS library threadpoolctl inspects)

    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        for var in _THREAD_VARS[:2]:
            if os.environ.get(var):
                threads = int(os.environ[var])
                return threads, f"{threads} (numpy BLAS, as set by {var})"
        threads = os.cpu_count()
        return threads, (f"{threads} (assumed: OpenBLAS uses every CPU by default; install "
                         "threadpoolctl to read it)")
    if n is not None:
        # Kept alive for the whole run: the limit holds while the object exists.
        blas_threads._limiter = threadpool_limits(limits=n, user_api="blas")
    info = [d for d in threadpool_info() if d["user_api"] == "blas"]
    numpy_blas = [d for d in info if "numpy" in d["filepath"]] or info
    if not numpy_blas:
        return n or os.cpu_count(), f"{n or os.cpu_count()} (no BLAS library found)"
    d = numpy_blas[0]
    return d["num_threads"], (f"{d['num_threads']} (numpy BLAS: {d['internal_api']} "
                              f"{d['version']}, {d.get('architecture', '?')}, "
                              f"{d.get('threading_layer', '?')})")


def machine_line():
    """One line describing the machine, to print above every result."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = ", load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    return f"{cpu}, {os.cpu_count()} logical CPUs{load}, Python {platform.python_version()}"


# --------------------------------------------------------------------------- timing
def time_interleaved(funcs, *, repeats, warmup=1, lead_in=0):
    """Time several callables side by side: round r runs each once, in a rotated order.

    Interleaving spreads the slow phases of a shared machine over all contenders instead
    of penalising whichever ran during them. ``repeats``, ``warmup`` and ``lead_in`` are an
    int or a dict giving each callable its own count (a slow contender may run fewer
    rounds; it then takes part in the first rounds only). ``lead_in`` untimed calls of the
    same callable come right before each timed call, so that it is timed in its own steady
    state, as in a training loop: its own data in the caches, its own memory in the heap,
    and its own BLAS/OpenMP worker threads (which spin for a while after their last task,
    and would otherwise slow down whoever runs next on a machine with as many cores as
    threads). Returns ``{name: (wall, cpu)}``, two lists of seconds: wall-clock time and
    the CPU time of this process (all its threads).
    """
    names = list(funcs)

    def per_name(value):
        return value if isinstance(value, dict) else dict.fromkeys(names, value)

    reps, warm, lead = per_name(repeats), per_name(warmup), per_name(lead_in)
    times = {name: ([], []) for name in names}
    rounds = max(warm[n] + reps[n] for n in names)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            if r >= warm[name] + reps[name]:
                continue
            for _ in range(lead[name] if r >= warm[name] else 0):
                funcs[name]()
            cpu = time.process_time()
            start = time.perf_counter()
            funcs[name]()
            elapsed = time.perf_counter() - start
            cpu = time.process_time() - cpu
            if r >= warm[name]:
                times[name][0].append(elapsed)
                times[name][1].append(cpu)
    return times


def median(xs):
    return statistics.median(xs)


def quartiles(xs):
    """(first quartile, third quartile) of a sample; both equal the value for n = 1."""
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def fmt_time(seconds):
    """Seconds in a readable unit."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} us"


def verdict(ok):
    return "PASS" if ok else "MISS"


# --------------------------------------------------------------------------- notebooks
def read_notebook(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def cell_source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def tagged_code(path, tag):
    """Source of the code cells of a notebook carrying ``tag``, joined in order.

    Raises ``LookupError`` with a message that names the notebook and the tag if there is
    none, so a renamed tag fails loudly instead of benchmarking nothing.
    """
    path = pathlib.Path(path)
    if not path.exists():
        raise LookupError(f"notebook {path} does not exist")
    cells = [c for c in read_notebook(path)["cells"]
             if c["cell_type"] == "code" and tag in c.get("metadata", {}).get("tags", [])]
    if not cells:
        raise LookupError(f"{path} has no code cell tagged {tag!r} "
                          f"(the benchmark executes the code of that cell)")
    return "\n\n".join(cell_source(c) for c in cells)


def toc_notebooks(toc, root=ROOT):
    """The notebooks named in a Jupyter Book toc file, in order (as tools/execute.py does)."""
    text = pathlib.Path(toc).read_text()
    names = re.findall(r"(?:root|file):\s*(\S+)", text)
    out = []
    for name in names:
        path = pathlib.Path(root) / (name if name.endswith(".ipynb") else name + ".ipynb")
        if path.exists():
            out.append(path)
    return out
