"""Fixtures of the browser tests: the built book, its server, one Chromium per session.

Nothing here skips: a missing build, browser or npm folder fails the tests with what to
run (``make test`` prepares all three). See sitebook.py for the routing of CDN requests.
"""

from __future__ import annotations

import os

import pytest

from sitebook import (CHROMIUM, CHROMIUM_ARGS, HTML_DIR, NODE_MODULES, PAGE_WEIGHTS, PAGES,
                      SLIDERS_MOVED, Opener, serve)

# pytest must not walk the npm folder looking for tests.
collect_ignore = ["node_modules"]


@pytest.fixture(scope="session")
def html_dir():
    """The built HTML; a missing build or page fails the tests, saying what to run."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book at {HTML_DIR}: run `make book` first "
                    "(`make test` does); the site tests read its HTML", pytrace=False)
    missing = [p for p in PAGES if not (HTML_DIR / f"{p}.html").is_file()]
    if missing:
        pytest.fail(f"pages of _toc.yml missing from {HTML_DIR}: {missing}; the build is "
                    "older than the table of contents, run `make book`", pytrace=False)
    return HTML_DIR


@pytest.fixture(scope="session")
def base_url(html_dir):
    """The built HTML served on 127.0.0.1 (a free port)."""
    with serve(html_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's package) for the whole session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's package "
                    "(tests/site/install-chromium.sh), or set RNNBOOK_CHROMIUM", pytrace=False)
    if not (NODE_MODULES / "mathjax").is_dir() or not (NODE_MODULES / "axe-core").is_dir():
        pytest.fail(f"no npm assets in {NODE_MODULES}: run `make test` "
                    "(or `npm ci --prefix tests/site`)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def opener(browser, base_url):
    """Opens book pages in fresh contexts (for checks that move controls or resize)."""
    op = Opener(browser, base_url)
    yield op
    op.close()


@pytest.fixture(scope="session")
def visited(browser, base_url):
    """``visited(docname)``: the page opened once at desktop size, kept for the checks that
    leave it as they found it."""
    op = Opener(browser, base_url)
    cache = {}

    def get(docname):
        if docname not in cache:
            cache[docname] = op.open(f"{docname}.html")
        return cache[docname]

    yield get
    op.close()


@pytest.fixture(scope="session")
def axe_results(visited):
    """``axe_results(mode)``: {docname: problems} of axe-core on every page, in the theme's
    ``"light"`` colours (every rule) or ``"dark"`` ones (colour contrast only, on the text
    outside code blocks and formulas: the code colours are the theme's accessible Pygments
    styles, the formulas take the text colour, and both are checked in the light pass).
    The pages are checked concurrently (one renderer each), which uses both cores."""
    import checks

    cache = {}

    def get(mode):
        if mode not in cache:
            pages = {d: visited(d).page for d in PAGES}
            rules, skip = (None, ()) if mode == "light" else (
                ["color-contrast"], (".highlight", "mjx-container"))
            themes = {d: p.evaluate("(m) => { const t = document.documentElement.dataset.theme;"
                                    " document.documentElement.dataset.theme = m; return t; }",
                                    mode) for d, p in pages.items()}
            try:
                for page in pages.values():
                    checks.start_axe(page, rules, skip)
                cache[mode] = {d: checks.axe_violations_found(p) for d, p in pages.items()}
            finally:
                for d, page in pages.items():
                    page.evaluate("(t) => { document.documentElement.dataset.theme = t; }",
                                  themes[d])
        return cache[mode]

    return get


def pytest_terminal_summary(terminalreporter):
    tr = terminalreporter
    if SLIDERS_MOVED:
        tr.section("kernel-free interactive figures")
        moved = {k: v for k, v in SLIDERS_MOVED.items() if v}
        tr.write_line(f"{sum(moved.values())} sliders moved and checked on {len(moved)} pages"
                      + (f": {moved}" if moved else ""))
    if not PAGE_WEIGHTS:
        return
    tr.section("page weight: HTML (embedded data URIs and frames included) + image files")
    rows = sorted(PAGE_WEIGHTS.items(), key=lambda kv: kv[1]["total"], reverse=True)
    for name, w in rows:
        tr.write_line(f"{w['total'] / 1e6:7.3f} MB  {name}  (HTML {w['html'] / 1e6:.3f} MB, "
                      f"of which embedded base64 {w['embedded'] / 1e6:.3f} MB; "
                      f"{w['n_images']} image files {w['images'] / 1e6:.3f} MB)")
    name, w = rows[0]
    static = max(w_["static"] for w_ in PAGE_WEIGHTS.values())
    tr.write_line(f"heaviest page: {name}, {w['total'] / 1e6:.3f} MB. Theme assets under "
                  f"_static/ (shared by all pages, cached; counted apart): up to "
                  f"{static / 1e6:.3f} MB per page")
