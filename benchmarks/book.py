"""Wall time of the book: a clean build, an unchanged rebuild, and the nbval run.

    .venv/bin/python benchmarks/book.py                 # all three, the book of _toc.yml
    .venv/bin/python benchmarks/book.py --skip-nbval    # the two builds only

1. Clean build: the strict build of ``make book`` (``jupyter-book build . -W -n
   --keep-going``) into a private, empty ``--path-output`` folder, so that its
   jupyter-cache is empty and every notebook is executed. The shared ``_build/`` is never
   touched.
2. Unchanged rebuild: the same command again; jupyter-cache matches every notebook, so
   nothing is executed.
3. nbval: ``pytest <toc notebooks> --nbval --nbval-current-env --nbval-sanitize-with
   tests/sanitize.cfg`` with ``RNNLIB_PROGRESS=0``, as ``make test`` runs it.

It lists the slowest notebooks (execution seconds recorded by jupyter-cache in the clean
build, and per notebook in the nbval run) and the slowest cells (from pytest's
``--durations``), then prints PASS/MISS against the targets. Exit status: 0 (the build
and nbval succeeded; a missed target fails the run only with ``--strict``), 1 (a build
or nbval failed, or ``--strict`` and a target missed).
"""

from __future__ import annotations

import argparse
import collections
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

from _common import ROOT, cell_source, machine_line, read_notebook, toc_notebooks, verdict

#: Targets in seconds of wall time on the reference machine (2 cores).
TARGETS = {"clean build": 90.0, "unchanged rebuild": 15.0, "nbval": 90.0}
STRICT = ["-W", "-n", "--keep-going"]        # as JB_STRICT in the Makefile


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", type=pathlib.Path, default=ROOT,
                   help="the book's root folder, holding _config.yml (default: the repository)")
    p.add_argument("--toc", type=pathlib.Path, default=None,
                   help="table of contents (default: ROOT/_toc.yml)")
    p.add_argument("--output", type=pathlib.Path, default=None,
                   help="private --path-output folder, emptied first (default: a new "
                        "temporary folder, removed at the end)")
    p.add_argument("--keep", action="store_true",
                   help="keep the output folder and the logs (logs are always kept on failure)")
    p.add_argument("--logs", type=pathlib.Path, default=None,
                   help="folder for the logs (default: a new temporary folder, removed at the "
                        "end unless a step failed or --keep is given)")
    p.add_argument("--sanitize", type=pathlib.Path, default=ROOT / "tests" / "sanitize.cfg",
                   help="nbval sanitize file (default tests/sanitize.cfg)")
    p.add_argument("--skip-build", action="store_true", help="skip both builds")
    p.add_argument("--skip-nbval", action="store_true", help="skip the nbval run")
    p.add_argument("--top", type=int, default=8, help="how many slow notebooks/cells to list")
    p.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = p.parse_args(argv)
    args.root = args.root.resolve()
    args.toc = (args.toc or args.root / "_toc.yml").resolve()
    return args


def bin_path(name):
    """An executable of the environment running this script (the project's .venv)."""
    return str(pathlib.Path(sys.executable).with_name(name))


def run(cmd, *, cwd, log, env):
    """Run ``cmd``, its output going to ``log``; return (seconds, exit status)."""
    start = time.perf_counter()
    with open(log, "w") as fh:
        status = subprocess.run(cmd, cwd=cwd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL).returncode
    return time.perf_counter() - start, status


def tail(path, n=25):
    lines = pathlib.Path(path).read_text(errors="replace").splitlines()
    return "\n".join("    | " + line for line in lines[-n:])


def cache_times(cache_dir, root):
    """{notebook: execution seconds} recorded by jupyter-cache during a build."""
    try:
        from jupyter_cache import get_cache
    except ImportError:
        return {}
    if not pathlib.Path(cache_dir).exists():
        return {}
    out = {}
    for record in get_cache(str(cache_dir)).list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            uri = pathlib.Path(record.uri)
            out[str(uri.relative_to(root)) if uri.is_relative_to(root) else str(uri)] = seconds
    return out


_DURATION = re.compile(r"^\s*([0-9.]+)s\s+(setup|call|teardown)\s+(\S+?)::(.+?)\s*$")


def parse_durations(text):
    """Per-notebook totals and per-cell times from pytest's ``--durations=0`` report."""
    per_notebook = collections.defaultdict(float)
    cells = []
    for line in text.splitlines():
        m = _DURATION.match(line)
        if m:
            seconds, phase, nb, cell = float(m[1]), m[2], m[3], m[4]
            per_notebook[nb] += seconds
            if phase == "call":
                cells.append((seconds, f"{nb} {cell}"))
    return dict(per_notebook), sorted(cells, reverse=True)


def first_line(root, item):
    """The first code line of nbval's "NOTEBOOK Cell k" (k counts code cells from 0)."""
    nb, _, k = item.rpartition(" Cell ")
    try:
        cells = [c for c in read_notebook(pathlib.Path(root) / nb)["cells"]
                 if c["cell_type"] == "code"]
        lines = [ln.strip() for ln in cell_source(cells[int(k)]).splitlines()]
    except (OSError, ValueError, IndexError, KeyError):
        return "?"
    code = [ln for ln in lines if ln and not ln.startswith("#")] or lines or [""]
    return code[0][:60]


def print_slowest(title, items, top):
    print(f"  {title}:")
    for seconds, what in items[:top]:
        print(f"    {seconds:7.1f} s  {what}")
    if not items:
        print("    (none recorded)")


def main(argv=None):
    args = parse_args(argv)
    notebooks = toc_notebooks(args.toc, args.root)
    env = dict(os.environ, RNNLIB_PROGRESS="0")   # as the Makefile: no progress bars
    temporary = args.output is None
    out = (pathlib.Path(tempfile.mkdtemp(prefix="rnnbook-bench-")) if temporary
           else args.output.resolve())
    if out == args.root or out == args.root / "_build":
        print("error: --output must be a private folder, not the book root or its _build",
              file=sys.stderr)
        return 2
    own_logs = args.logs is None
    logs = pathlib.Path(tempfile.mkdtemp(prefix="rnnbook-bench-logs-")) if own_logs else args.logs
    logs.mkdir(parents=True, exist_ok=True)

    print("Book build and nbval wall times")
    print(f"machine  : {machine_line()}")
    print(f"book     : {args.root} (toc {args.toc}), {len(notebooks)} notebook(s)")
    print(f"output   : {out} (private; logs in {logs})")
    results, failed = {}, []
    try:
        if not args.skip_build:
            shutil.rmtree(out, ignore_errors=True)           # no build dir, no jupyter cache
            out.mkdir(parents=True)
            cmd = [bin_path("jupyter-book"), "build", str(args.root), "--path-output",
                   str(out), "--toc", str(args.toc), *STRICT]
            for name in ("clean build", "unchanged rebuild"):
                log = logs / (name.replace(" ", "-") + ".log")
                seconds, status = run(cmd, cwd=args.root, log=log, env=env)
                ok = status == 0 and "build succeeded" in log.read_text(errors="replace")
                results[name] = seconds
                print(f"\n{name:18}: {seconds:6.1f} s  ({'succeeded' if ok else 'FAILED'})")
                if not ok:
                    failed.append(name)
                    print(tail(log))
                if name == "clean build":
                    executed = cache_times(out / "_build" / ".jupyter_cache", args.root)
                    print_slowest("notebooks executed in the clean build (jupyter-cache)",
                                  sorted(((s, nb) for nb, s in executed.items()), reverse=True),
                                  args.top)
        if not args.skip_nbval:
            log = logs / "nbval.log"
            rel = [str(nb.relative_to(args.root)) for nb in notebooks]   # readable node ids
            cmd = [sys.executable, "-m", "pytest", *rel, "--nbval", "--nbval-current-env",
                   f"--nbval-sanitize-with={args.sanitize}", f"--rootdir={args.root}",
                   "-p", "no:cacheprovider", "--durations=0", "-q"]
            seconds, status = run(cmd, cwd=args.root, log=log, env=env)
            results["nbval"] = seconds
            text = log.read_text(errors="replace")
            closing = [ln for ln in text.splitlines() if re.search(r"\d+ (passed|failed)", ln)]
            summary = closing[-1].strip("= ") if closing else "?"
            print(f"\n{'nbval':18}: {seconds:6.1f} s  ({summary})")
            if status != 0:
                failed.append("nbval")
                print(tail(log))
            per_notebook, cells = parse_durations(text)
            print_slowest("notebooks in the nbval run (setup incl. kernel start + cells)",
                          sorted(((s, nb) for nb, s in per_notebook.items()), reverse=True),
                          args.top)
            print_slowest("slowest cells in the nbval run", [
                (sec, f"{what}: {first_line(args.root, what)}") for sec, what in cells], args.top)
    finally:
        if temporary and not args.keep:
            shutil.rmtree(out, ignore_errors=True)
        if own_logs and not failed and not args.keep:
            shutil.rmtree(logs, ignore_errors=True)

    print("\nTargets (wall time; on a shared machine rerun when it is quiet):")
    missed = []
    for name, limit in TARGETS.items():
        if name in results:
            ok = results[name] <= limit
            missed += [] if ok else [name]
            print(f"  {name:18} {results[name]:6.1f} s  <= {limit:4.0f} s: {verdict(ok)}")
    if failed:
        print(f"FAILED: {', '.join(failed)} did not succeed (see the logs in {logs})")
        return 1
    if missed and args.strict:
        print(f"FAILED (--strict): missed {', '.join(missed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
