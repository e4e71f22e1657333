"""The package as a whole: public names documented, docstrings complete, version."""

import importlib
import inspect
import pathlib
import re

import pytest

import rnnlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
API = (ROOT / "book" / "api.md").read_text()
FUNCTIONS = [n for n in rnnlib.__all__ if callable(getattr(rnnlib, n))]


@pytest.mark.parametrize("name", rnnlib.__all__)
def test_public_name_is_on_the_api_page(name):
    assert re.search(rf"\.\. auto(function|data):: {re.escape(name)}\b", API), (
        f"rnnlib.{name} is public but book/api.md does not document it")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_numpydoc_sections(name):
    doc = inspect.getdoc(getattr(rnnlib, name)) or ""
    for section in ("Parameters", "Returns", "Examples"):
        if section == "Parameters" and not inspect.signature(getattr(rnnlib, name)).parameters:
            continue
        assert f"\n{section}\n" + "-" * len(section) in doc, f"{name}: no {section} section"


def test_private_validation_module_is_used_everywhere():
    """Validation lives in one private module; every module with public functions uses it."""
    for mod in ("core", "losses", "clipping", "gradcheck", "spectral", "plotting"):
        src = inspect.getsource(importlib.import_module(f"rnnlib.{mod}"))
        assert "from ._validation import" in src, mod


def test_version_matches_pyproject():
    text = (ROOT / "pyproject.toml").read_text()
    assert f'version = "{rnnlib.__version__}"' in text


def test_doctests_run():
    import doctest

    failures = 0
    for mod in {getattr(rnnlib, n).__module__ for n in FUNCTIONS}:
        failures += doctest.testmod(importlib.import_module(mod), optionflags=doctest.ELLIPSIS).failed
    assert failures == 0
