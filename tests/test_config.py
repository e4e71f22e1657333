"""The website's configuration: one place for the repository, launch buttons, Binder files.

What the built pages show (the launch URLs, the download button, the absence of the Colab
cell) is checked in the browser by tests/site; this file checks the sources they come
from, without building.
"""

from __future__ import annotations

import json
import pathlib
import re
import sys
import tomllib
from urllib.parse import urlparse

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from execute import toc_notebooks  # noqa: E402

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPO_URL = "https://github.com/rnn-course-book/rnn-book"
BRANCH = "main"


def test_config_is_valid_for_jupyter_book():
    from jupyter_book.config import get_validator, validate_yaml

    messages = []
    validate_yaml(CONFIG, raise_on_errors=False, print_func=messages.append)
    assert not messages, messages
    # The schema allows unknown keys, which Jupyter Book then ignores: a misspelt section
    # (`launch_button:`) would silently remove the launch buttons.
    schema = get_validator().schema["properties"]
    read_outside_schema = {"only_build_toc_files"}        # jupyter_book/config.py reads it
    assert set(CONFIG) <= set(schema) | read_outside_schema, set(CONFIG) - set(schema)
    for section in ("launch_buttons", "html", "repository", "execute"):
        assert set(CONFIG[section]) <= set(schema[section]["properties"]), section


def test_repository_is_named_once():
    repo = CONFIG["repository"]
    assert repo == {"url": REPO_URL, "path_to_book": "", "branch": BRANCH}
    # No other key of the configuration spells the repository or its branch out again.
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    assert len(re.findall(r"^\s+url:\s*https://github\.com/", text, re.M)) == 1
    assert len(re.findall(r"^\s+branch:", text, re.M)) == 1


def test_launch_buttons():
    launch = CONFIG["launch_buttons"]
    assert launch["binderhub_url"] == "https://mybinder.org"
    assert launch["colab_url"] == "https://colab.research.google.com"
    assert launch["thebe"] is True
    assert launch.get("notebook_interface", "classic") in ("classic", "jupyterlab")
    html = CONFIG["html"]
    assert html["use_repository_button"] and html["use_issues_button"]
    # sphinx-book-theme's download button (.ipynb, .md, print to PDF) is on by default and
    # Jupyter Book 1 passes no key for it; make sure nobody turns it off through Sphinx.
    theme_options = CONFIG.get("sphinx", {}).get("config", {}).get("html_theme_options", {})
    assert theme_options.get("use_download_button", True) is True


def test_site_address_follows_the_repository():
    org, name = urlparse(REPO_URL).path.strip("/").split("/")
    assert CONFIG["html"]["baseurl"] == f"https://{org}.github.io/{name}/"


def test_every_colab_cell_installs_from_the_configured_repository():
    for path in toc_notebooks():
        nb = json.loads(path.read_text(encoding="utf-8"))
        first = next(c for c in nb["cells"] if c["cell_type"] == "code")
        src = "".join(first["source"])
        urls = set(re.findall(
            r"git\+(https://github\.com/[\w.-]+/[\w.-]+?)(?:\.git)?(?:@|\"|')", src))
        assert urls == {REPO_URL}, f"{path.name}: installs from {urls}"
        refs = re.findall(r"git\+https://[^\"'@]+@([\w./-]+)", src)
        assert all(ref == BRANCH for ref in refs), f"{path.name}: installs ref {refs}"


# ------------------------------------------------------------------------- Binder


def test_runtime_pins_python_311():
    assert (ROOT / "runtime.txt").read_text() == "python-3.11\n"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low = re.match(r">=\s*3\.(\d+)", requires)
    assert low and int(low.group(1)) <= 11, requires


def test_binder_reads_requirements_and_pyproject():
    """repo2docker takes requirements.txt, then `pip install .` of pyproject.toml, unless a
    file with higher precedence exists; a binder/ folder would replace the root files."""
    for name in ["binder", ".binder", "environment.yml", "Pipfile", "Pipfile.lock",
                 "setup.py", "Project.toml", "install.R", "apt.txt", "Dockerfile", "postBuild"]:
        assert not (ROOT / name).exists(), f"{name} would change what Binder installs"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "rnnlib" and "build-system" in pyproject


def test_requirements_are_pinned_exactly():
    for name in ["requirements.txt", "requirements-dev.txt"]:
        for line in (ROOT / name).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line and not line.startswith("-r "):
                assert re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), f"{name}: {line}"
