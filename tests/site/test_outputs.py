"""What the pages carry, read from the committed notebooks and the built HTML (no browser).

* The Colab install cell (first code cell, tagged remove-cell) is in every notebook, so a
  notebook opened alone in Colab installs rnnlib, and in no page of the website.
* No live ipywidgets view is left on a page (it would need a kernel).
* No progress bar in stored outputs: ``rnnlib.progress`` draws tqdm bars for readers only;
  their text (rates, elapsed times, carriage returns) differs from run to run, so it must
  never be committed or reach the website.
"""

from __future__ import annotations

import json
import re

import pytest

from sitebook import NOTEBOOK_PAGES, PAGES, ROOT, page_ids

notebook_pages = pytest.mark.parametrize("docname", NOTEBOOK_PAGES, ids=page_ids(NOTEBOOK_PAGES))
pages = pytest.mark.parametrize("docname", PAGES, ids=page_ids(PAGES))

# Traces that tqdm leaves in text: "12.3it/s" / "1.05s/it", "45%|####", "| 3/10 [00:01<00:02",
# and "[00:01<00:02" (elapsed<remaining).
TQDM_TEXT = [
    re.compile(r"\d(?:\.\d+)?\s?(?:it/s|s/it)\b"),
    re.compile(r"\d+%\|"),
    re.compile(r"\|\s*\d+/\d+\s*\["),
    re.compile(r"\[\d\d:\d\d<(?:\d\d:\d\d|\?)"),
]
TQDM_WIDGET_MODELS = {"FloatProgressModel", "IntProgressModel"}


def progress_traces(nb: dict) -> list[str]:
    """Where a notebook's stored outputs hold a progress bar (empty list if none)."""
    found = []
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for i, cell in enumerate(code):
        for out in cell.get("outputs", []):
            texts = []
            if out.get("output_type") == "stream":
                texts.append(("stream " + out.get("name", ""), "".join(out.get("text", ""))))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/") or mime.endswith("+json"):
                    value = value if isinstance(value, str) else (
                        "".join(value) if isinstance(value, list) else json.dumps(value))
                    texts.append((mime, value))
            for where, text in texts:
                if "\r" in text:
                    found.append(f"code cell {i} ({where}): carriage return (a redrawn bar)")
                for pattern in TQDM_TEXT:
                    m = pattern.search(text)
                    if m:
                        found.append(f"code cell {i} ({where}): {m.group(0)!r}")
    state = nb.get("metadata", {}).get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})
    for model_id, model in state.items():
        if model.get("model_name") in TQDM_WIDGET_MODELS:
            found.append(f"widget state: a {model['model_name']} ({model_id}), a notebook tqdm bar")
    return found


@notebook_pages
def test_no_progress_bar_in_stored_outputs(docname):
    nb = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    traces = progress_traces(nb)
    assert not traces, (f"{docname}.ipynb stores progress-bar output; re-execute it with "
                        "`python tools/execute.py` (RNNLIB_PROGRESS=0):\n  " + "\n  ".join(traces))


def _page_text(html_dir, docname):
    html = (html_dir / f"{docname}.html").read_text(encoding="utf-8")
    return re.sub(r"[A-Za-z0-9+/=]{100,}", "", html)          # drop base64 images and frames


@pages
def test_no_progress_bar_on_the_site(docname, html_dir):
    text = _page_text(html_dir, docname)
    hits = [p.search(text).group(0) for p in TQDM_TEXT if p.search(text)]
    assert not hits, f"{docname}.html shows progress-bar text {hits}"


@notebook_pages
def test_colab_cell_is_not_on_the_site(docname, html_dir):
    text = _page_text(html_dir, docname)
    assert "google.colab" not in text and "git+https://" not in text, (
        f"{docname}.html shows the Colab install cell: tag it remove-cell")


@pages
def test_no_live_widget_view_on_the_site(docname, html_dir):
    text = _page_text(html_dir, docname)
    for marker in ["application/vnd.jupyter.widget-view+json", "embed-amd.js", "require.min.js"]:
        assert marker not in text, f"{docname}.html contains {marker}"


# ------------------------------------------------------------------------- the scanner itself


def _nb(outputs, widgets=None):
    nb = {"cells": [{"cell_type": "code", "source": "", "outputs": outputs}], "metadata": {}}
    if widgets:
        nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {
            "state": widgets}}
    return nb


@pytest.mark.parametrize("nb", [
    _nb([{"output_type": "stream", "name": "stderr",
          "text": "seeds:  40%|####      | 4/10 [00:01<00:02,  2.95it/s]"}]),
    _nb([{"output_type": "stream", "name": "stderr", "text": "\rtraining"}]),
    _nb([{"output_type": "stream", "name": "stdout", "text": "3.21s/it"}]),
    _nb([{"output_type": "display_data", "metadata": {}, "data": {
        "text/plain": "seeds:   0%|          | 0/5 [00:00<?, ?it/s]",
        "application/vnd.jupyter.widget-view+json": {"model_id": "ab", "version_major": 2}}}]),
    _nb([], widgets={"ab": {"model_name": "FloatProgressModel", "state": {}}}),
], ids=["stderr bar", "carriage return", "seconds per iteration", "notebook bar", "widget"])
def test_scanner_finds_progress_bars(nb):
    assert progress_traces(nb)


def test_scanner_accepts_ordinary_outputs():
    nb = _nb([{"output_type": "stream", "name": "stdout",
               "text": "largest |h|: 0.912\nloss fell by 45% | grad norm 3/4 of the clip\n"},
              {"output_type": "execute_result", "execution_count": 1, "metadata": {},
               "data": {"text/plain": "{'U': (8, 2), 'W': (8, 8)}"}}])
    assert progress_traces(nb) == []
