"""Binder's install path, reproduced in a clean virtual environment.

Binder (repo2docker) builds the repository on the Python of runtime.txt, installs
``requirements.txt``, then the root package with ``pip install .`` (pyproject.toml), and
opens the notebooks with the repository as working tree. This test does the same from a
copy of the repository (without .venv, _build or any build artefact): a new venv, the two
installs in that order, then ``book/first_look.ipynb`` executed top to bottom in a kernel of
that venv, from the notebook's folder. It checks that no cell fails, that ``rnnlib`` was
imported from the venv's site-packages (not from the checkout), and that the outputs are
the committed ones. What repo2docker chooses from which file is checked in
tests/test_config.py.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOK = "book/first_look.ipynb"
IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", ".pytest_cache", ".hypothesis",
                                "node_modules", "*.egg-info", "__pycache__", "build", "dist",
                                ".ipynb_checkpoints", ".jupyter_cache")

RUN_NOTEBOOK = r"""
import json, sys
import nbformat
from nbclient import NotebookClient

path, out = sys.argv[1], sys.argv[2]
nb = nbformat.read(path, as_version=4)
probe = nbformat.v4.new_code_cell(
    "import sys, rnnlib\nprint(rnnlib.__file__)\nprint(sys.executable)")
nb.cells.append(probe)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(__import__('pathlib').Path(path).parent)}}
               ).execute()
nbformat.write(nb, out)
"""


def _env(venv):
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(venv),
               PYTHONNOUSERSITE="1", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1",
               RNNLIB_PROGRESS="0")
    return env


def _run(cmd, cwd, env, timeout):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert proc.returncode == 0, (f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def _text_outputs(nb):
    """The outputs nbval compares (text and stream), per code cell."""
    result = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        outs = []
        for out in cell.get("outputs", []):
            if out["output_type"] == "stream":
                outs.append((out["name"], "".join(out["text"])))
            elif "data" in out:
                for mime in ("text/plain", "text/html"):
                    if mime in out["data"]:
                        outs.append((mime, "".join(out["data"][mime])))
        result.append(outs)
    return result


@pytest.mark.slow
def test_binder_install_runs_the_first_notebook(tmp_path):
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}", (
        f"the tests run on Python {sys.version.split()[0]}, Binder on {runtime}")
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=IGNORE)
    venv = tmp_path / "venv"
    env = _env(venv)
    timings = {}

    start = time.perf_counter()
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env, 300)
    py = venv / "bin" / "python"
    _run([py, "-m", "pip", "install", "--quiet", "--no-compile", "-r", "requirements.txt"],
         repo, env, 900)
    timings["pip install -r requirements.txt"] = time.perf_counter() - start

    start = time.perf_counter()
    _run([py, "-m", "pip", "install", "--quiet", "--no-compile", "."], repo, env, 600)
    timings["pip install ."] = time.perf_counter() - start
    _run([py, "-m", "pip", "check"], repo, env, 120)

    start = time.perf_counter()
    out = tmp_path / "executed.ipynb"
    _run([py, "-c", RUN_NOTEBOOK, str(repo / NOTEBOOK), str(out)], repo / "book", env, 900)
    timings["execute"] = time.perf_counter() - start
    print("Binder path timings: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))

    executed = json.loads(out.read_text())
    for cell in executed["cells"]:
        for o in cell.get("outputs", []):
            assert o["output_type"] != "error", f"{o.get('ename')}: {o.get('evalue')}"
    module_file, executable = "".join(executed["cells"][-1]["outputs"][0]["text"]).split()
    python = f"python{sys.version_info.major}.{sys.version_info.minor}"
    site_packages = venv / "lib" / python / "site-packages"
    assert pathlib.Path(module_file).is_relative_to(site_packages), (
        f"rnnlib was imported from {module_file}, not from the venv's {site_packages}")
    assert pathlib.Path(executable).is_relative_to(venv), executable

    committed = json.loads((ROOT / NOTEBOOK).read_text(encoding="utf-8"))
    executed["cells"].pop()                                    # the probe cell
    assert _text_outputs(executed) == _text_outputs(committed), (
        "on Binder's environment the notebook prints something else than what is committed")
