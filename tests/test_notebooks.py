"""The notebooks are committed as a fresh top-to-bottom run, so nbval's comparison is strict.

nbval compares nothing in a cell whose execution_count is None, so a notebook committed
without outputs would turn the strict test into a lax one; these tests forbid that.
"""

import json
import pathlib
import re
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from execute import toc_notebooks  # noqa: E402

NOTEBOOKS = toc_notebooks()
REPO_URL = re.search(r"^repository:\s*\n\s+url:\s*(\S+)", (ROOT / "_config.yml").read_text(),
                     re.M).group(1)


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_toc_lists_notebooks():
    assert NOTEBOOKS, "no notebook in _toc.yml"


def test_every_notebook_in_book_is_in_the_toc():
    on_disk = {p.resolve() for p in (ROOT / "book").rglob("*.ipynb")
               if not any(part.startswith((".", "_")) for part in p.relative_to(ROOT).parts)}
    assert on_disk == {p.resolve() for p in NOTEBOOKS}


def test_every_toc_entry_exists():
    toc = (ROOT / "_toc.yml").read_text()
    for name in re.findall(r"(?:file|root):\s*(\S+)", toc):
        assert any((ROOT / (name + ext)).exists() for ext in ("", ".md", ".ipynb")), name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_executed_in_order(path):
    counts = [c["execution_count"] for c in code_cells(load(path))]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..n; run `make notebooks`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_error_output(path):
    for i, cell in enumerate(code_cells(load(path))):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name} cell {i}: {out.get('ename')}"
            if out["output_type"] == "stream" and out["name"] == "stderr":
                text = "".join(out["text"])
                assert "Warning" not in text and "Error" not in text, f"{path.name} cell {i}: {text}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_python3_kernel(path):
    assert load(path)["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_colab_install_cell_first_and_hidden(path):
    """Opened alone in Colab, a notebook must install rnnlib itself, and only there."""
    first = code_cells(load(path))[0]
    src = "".join(first["source"])
    assert 'if "google.colab" in sys.modules:' in src
    assert f"git+{REPO_URL}" in src, f"the Colab cell must install from {REPO_URL}"
    assert "remove-cell" in first["metadata"].get("tags", [])
