"""The built book in a real browser: every page of _toc.yml, served on 127.0.0.1.

Headless Chromium (Debian's package) driven by Playwright for Python. CDN assets come from
local npm copies (see conftest.py); any other request that leaves 127.0.0.1 fails a test.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlparse

import pytest

import checks
from sitebook import (NOTEBOOK_PAGES, PAGE_WEIGHTS, PAGES, ROOT, SLIDERS_MOVED, Opener,
                      load_config, page_ids)

pytestmark = [pytest.mark.site, pytest.mark.slow]

# A page, with its images and embedded frames, stays below this (1 MB = 10**6 bytes).
MAX_PAGE_BYTES = 3_000_000
PHONE = {"width": 390, "height": 844}

pages = pytest.mark.parametrize("docname", PAGES, ids=page_ids(PAGES))
notebook_pages = pytest.mark.parametrize("docname", NOTEBOOK_PAGES, ids=page_ids(NOTEBOOK_PAGES))


def _fail_if(problems, what):
    if problems:
        pytest.fail(f"{what}:\n  " + "\n  ".join(problems), pytrace=False)


# ------------------------------------------------------------------------- loading


@pages
def test_page_loads_without_errors(docname, visited):
    """No console error, uncaught exception, failed request or request off the machine."""
    visit = visited(docname)
    assert visit.page.title(), f"{docname}: the page has no title"
    _fail_if(visit.problems(), f"{docname} ({visit.url})")


def test_cdn_assets_really_come_from_the_local_copies(visited):
    """MathJax is loaded from its CDN URL, answered from node_modules (the routing works)."""
    served = [u for d in PAGES for u in visited(d).served_from_copy]
    assert any(u.endswith("tex-mml-chtml.js") for u in served), served[:5]


# ------------------------------------------------------------------------- math


@pages
def test_math_is_typeset(docname, visited):
    _fail_if(checks.math_problems(visited(docname).page), docname)


def test_math_is_present_in_the_book(visited):
    """The math checks are not vacuous: the book's pages do contain typeset formulas."""
    counts = {d: checks.count_typeset_math(visited(d).page) for d in PAGES}
    assert sum(counts.values()) > 0, counts


# ------------------------------------------------------------------------- images


@pages
def test_images_load_and_have_alt_text(docname, visited):
    _fail_if(checks.image_problems(visited(docname).page), docname)


# ------------------------------------------------------------------------- interactivity


def _precomputed_in_notebook(docname) -> int:
    """Precomputed figures among the outputs the website shows (cells not removed)."""
    path = ROOT / f"{docname}.ipynb"
    if not path.exists():
        return 0
    nb = json.loads(path.read_text(encoding="utf-8"))
    n = 0
    for cell in nb["cells"]:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if cell["cell_type"] != "code" or tags & {"remove-cell", "remove-output"}:
            continue
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            n += "".join(html).count('class="rnn-precomputed"')
    return n


@pages
def test_every_precomputed_figure_reaches_the_page(docname, visited):
    """As many kernel-free figures on the page as the notebook's shown outputs hold."""
    on_page = visited(docname).page.locator("div.rnn-precomputed").count()
    assert on_page == _precomputed_in_notebook(docname)


@pages
def test_precomputed_figures_respond_to_their_sliders(docname, visited):
    """Moved with keys and the mouse; each slider is put back where it started."""
    visit = visited(docname)
    before = len(visit.problems())
    n_sliders, problems = checks.precomputed_problems(visit.page)
    SLIDERS_MOVED[docname] = n_sliders
    problems += visit.problems()[before:]   # moving a slider must not raise errors either
    _fail_if(problems, f"{docname}: {n_sliders} sliders checked")


@pages
def test_no_control_looks_interactive_but_does_nothing(docname, visited):
    _fail_if(checks.control_problems(visited(docname).page), docname)


def test_theme_controls_work(opener):
    """The theme controls the control check lets through really do something."""
    docname = (NOTEBOOK_PAGES or PAGES)[0]
    visit = opener.open(f"{docname}.html")
    page = visit.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    problems = []

    mode = page.evaluate("() => document.documentElement.dataset.mode")
    page.locator("button.theme-switch-button:visible").first.click()
    if page.evaluate("() => document.documentElement.dataset.mode") == mode:
        problems.append(f"the colour-mode button left the mode at {mode!r}")

    for kind in ["launch", "source", "download"]:
        menu = page.locator(f".dropdown-{kind}-buttons")
        if menu.count() == 0:
            if kind == "launch" and NOTEBOOK_PAGES:
                problems.append("no launch menu on a notebook page")
            continue
        menu.locator("button.dropdown-toggle").click()
        if not menu.locator(".dropdown-menu .dropdown-item").first.is_visible():
            problems.append(f"the {kind} menu did not open")
        page.keyboard.press("Escape")
        page.mouse.move(0, 0)

    sidebar = page.locator("#pst-primary-sidebar")
    page.locator("button.primary-toggle:visible").first.click()
    if "pst-sidebar-hidden" not in (sidebar.get_attribute("class") or ""):
        problems.append("the sidebar toggle did not collapse the table of contents")
    page.locator("button.primary-toggle:visible").first.click()
    if "pst-sidebar-hidden" in (sidebar.get_attribute("class") or ""):
        problems.append("a second click on the sidebar toggle did not bring it back")

    if page.locator("button.copybtn").count():
        block = page.locator("div.highlight:has(button.copybtn)").first
        block.hover()
        block.locator("button.copybtn").click()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        code = block.locator("pre").inner_text()
        if not copied.strip() or copied.strip() != code.strip():
            problems.append(f"the copy button copied {copied[:60]!r}, not the code block")

    page.locator("button.search-button-field:visible").first.click()
    dialog_input = page.locator("#pst-search-dialog input[name=q]")
    if not dialog_input.is_visible():
        problems.append("the search button did not open the search dialog")
    else:
        dialog_input.fill("rnnlib")
        dialog_input.press("Enter")
        page.wait_for_url(re.compile(r"search\.html\?q=rnnlib"))
    problems += visit.problems()
    _fail_if(problems, docname)


def test_sidebars_open_on_a_phone(opener):
    """On a phone the table of contents and the page outline open as dialogs, and close."""
    docname = (NOTEBOOK_PAGES or PAGES)[0]
    visit = opener.open(f"{docname}.html", **PHONE)
    page, problems = visit.page, []
    for kind, dialog_id in [("primary", "pst-primary-sidebar-modal"),
                            ("secondary", "pst-secondary-sidebar-modal")]:
        toggle = page.locator(f"button.{kind}-toggle:visible")
        if toggle.count() != 1:
            problems.append(f"{toggle.count()} visible {kind} sidebar toggles, expected 1")
            continue
        toggle.click()
        dialog = page.locator(f"dialog#{dialog_id}")
        if not dialog.evaluate("d => d.open"):
            problems.append(f"the {kind} sidebar toggle did not open its dialog")
            continue
        if dialog.locator("a[href]:visible").count() == 0:
            problems.append(f"the {kind} sidebar dialog shows no links")
        page.keyboard.press("Escape")
        if dialog.evaluate("d => d.open"):
            problems.append(f"Escape did not close the {kind} sidebar dialog")
    problems += visit.problems()
    _fail_if(problems, f"{docname} at {PHONE['width']} px")


# ------------------------------------------------------------------------- launching


def _repo():
    cfg = load_config()
    url = cfg["repository"]["url"].rstrip("/")
    org, name = urlparse(url).path.strip("/").split("/")[:2]
    return cfg, url, org, name, cfg["repository"]["branch"]


@notebook_pages
def test_launch_buttons_point_at_this_notebook(docname, visited):
    cfg, url, org, name, branch = _repo()
    launch = cfg["launch_buttons"]
    ui = {"classic": "tree", "jupyterlab": "lab/tree"}[launch.get("notebook_interface", "classic")]
    path = f"{cfg['repository'].get('path_to_book', '').strip('/')}/{docname}.ipynb".lstrip("/")
    binder = (f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{name}/{branch}"
              f"?urlpath={ui}/{path}")
    colab = f"{launch['colab_url'].rstrip('/')}/github/{org}/{name}/blob/{branch}/{path}"
    page = visited(docname).page
    hrefs = page.eval_on_selector_all(".dropdown-launch-buttons a.dropdown-item",
                                      "els => els.map(e => e.getAttribute('href'))")
    assert binder in hrefs, hrefs
    assert colab in hrefs, hrefs
    assert page.locator(".dropdown-launch-buttons button.btn-launch-thebe").count() == 1
    thebe = page.locator("script[type='text/x-thebe-config']").inner_text()
    assert f'repo: "{org}/{name}"' in thebe and f'ref: "{branch}"' in thebe, thebe
    repo_links = page.eval_on_selector_all(".dropdown-source-buttons a",
                                           "els => els.map(e => e.getAttribute('href'))")
    assert url in repo_links


def test_live_code_button_starts_thebe(opener):
    """"Live Code" loads Thebe (from its CDN: blocked here, so only the request is seen).

    The button is the same on every notebook page; each page's launch links and Thebe
    configuration are checked above.
    """
    assert NOTEBOOK_PAGES, "no notebook in the table of contents"
    visit = opener.open(f"{NOTEBOOK_PAGES[0]}.html")
    page = visit.page
    thebe_url = page.evaluate("() => THEBE_JS_URL")
    page.locator(".dropdown-launch-buttons button.dropdown-toggle").click()
    with page.expect_request(thebe_url):
        page.locator(".dropdown-launch-buttons .btn-launch-thebe").click()
    assert page.locator("main h1 + .thebe-launch-button").count() == 1
    assert visit.blocked == [thebe_url]
    # Only the fallout of that one blocked request is allowed.
    others = [p for p in visit.console_errors + visit.page_errors + visit.failed_requests
              if thebe_url not in p]
    assert not others, others


@notebook_pages
def test_download_button_gives_the_notebook_that_runs_alone(docname, visited):
    """The .ipynb download is the committed notebook, with its Colab install cell."""
    visit = visited(docname)
    href = visit.page.locator(".dropdown-download-buttons a.btn-download-source-button"
                              ).get_attribute("href")
    assert href.endswith(f"_sources/{docname}.ipynb"), href
    response = visit.page.request.get(urljoin(visit.url, href))
    assert response.ok, response.status
    downloaded = json.loads(response.body())
    assert downloaded == json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    first = next(c for c in downloaded["cells"] if c["cell_type"] == "code")
    assert 'if "google.colab" in sys.modules:' in "".join(first["source"])


# ------------------------------------------------------------------------- search


@pytest.fixture(scope="module")
def search(browser, base_url):
    """``search(query)``: the hrefs of the results of the book's search page."""
    opener = Opener(browser, base_url)
    visit = opener.open("search.html", wait_math=False)

    def run(query):
        before = len(visit.problems())
        visit.page.goto(f"{base_url}search.html?q={quote(query)}")
        visit.page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /finished|found|did not match/i.test(s.textContent); }")
        visit.page.wait_for_load_state("networkidle")   # the pages fetched for summaries
        hrefs = visit.page.eval_on_selector_all("#search-results ul.search li a",
                                                "els => els.map(e => e.getAttribute('href'))")
        _fail_if(visit.problems()[before:], f"search page for {query!r}")
        return [h.split("#")[0].split("?")[0] for h in hrefs]

    def ranked(query):
        """The pages the search page would list for ``query``, computed in the page with
        the index it has loaded (Sphinx 7.4's searchtools), without a new page load."""
        visit.page.wait_for_function("() => typeof Search !== 'undefined' && Search.hasIndex()")
        return visit.page.evaluate("""(q) => Search._performSearch(...Search._parseQuery(q))
                                     .map(r => r[0])""", query)

    run.ranked = ranked
    yield run
    opener.close()


def test_search_finds_a_chapter_term(search):
    """The search page finds a term that the chapters teach, on a chapter (notebook) page."""
    hits = search("backpropagation")
    chapters = {f"{d}.html" for d in NOTEBOOK_PAGES}
    assert chapters & set(hits), f"'backpropagation' found only on {hits}"
    assert search("spectral radius"), "'spectral radius' found nowhere"


@pages
def test_every_page_is_found_by_a_word_of_its_title(docname, visited, search):
    title = visited(docname).page.locator("main h1").first.inner_text()
    word = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    assert docname in search.ranked(word), f"searching {word!r} (from {title!r})"


# ------------------------------------------------------------------------- accessibility


@pages
def test_no_serious_accessibility_violation(docname, axe_results):
    _fail_if(axe_results("light")[docname], docname)


@pages
def test_no_serious_accessibility_violation_in_dark_mode(docname, axe_results):
    """Colour contrast in the theme's dark colours (readers whose system is in dark mode);
    the other rules do not depend on the colours."""
    _fail_if(axe_results("dark")[docname], f"{docname} (dark mode)")


# ------------------------------------------------------------------------- phone width


@pages
def test_no_horizontal_scroll_on_a_phone(docname, visited):
    """The page, resized to a phone's width, does not scroll sideways outside code and math."""
    page = visited(docname).page
    desktop = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        page.wait_for_timeout(200)                   # relayout, the theme's resize handlers
        problems = checks.overflow_problems(page)
    finally:
        page.set_viewport_size(desktop)
    _fail_if(problems, f"{docname} at {PHONE['width']} px")


# ------------------------------------------------------------------------- weight


class _Sources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        elif tag in ("source", "img") and a.get("srcset"):
            self.images += [part.split()[0] for part in a["srcset"].split(",")]
        elif tag in ("object", "embed", "iframe") and (a.get("data") or a.get("src")):
            self.images.append(a.get("data") or a.get("src"))


@pages
def test_page_weight(docname, html_dir, visited):
    """HTML (with its data URIs and precomputed frames) + image files <= 3 MB.

    Theme assets under ``_static/`` (scripts, stylesheets, fonts, icons), shared by every
    page and cached by the browser, are counted apart and reported; MathJax (a CDN) is
    not counted.
    """
    page_path = html_dir / f"{docname}.html"
    html = page_path.read_text(encoding="utf-8")
    parser = _Sources()
    parser.feed(html)
    files = set()
    for src in parser.images:
        if src.startswith(("data:", "http:", "https:", "//")):
            continue
        path = (page_path.parent / src.split("?")[0].split("#")[0]).resolve()
        if "_static" in path.relative_to(html_dir.resolve()).parts:
            continue
        assert path.is_file(), f"{docname}: image {src} is missing from the build"
        files.add(path)
    images = sum(p.stat().st_size for p in files)
    static = visited(docname).page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => new URL(e.name).pathname.includes('/_static/'))"
        ".reduce((s, e) => s + e.encodedBodySize, 0)")
    weight = {"html": page_path.stat().st_size, "images": images, "n_images": len(files),
              "embedded": checks.embedded_base64_bytes(html), "static": static}
    weight["total"] = weight["html"] + images
    PAGE_WEIGHTS[docname] = weight
    assert weight["total"] <= MAX_PAGE_BYTES, (
        f"{docname} weighs {weight['total'] / 1e6:.2f} MB (HTML {weight['html'] / 1e6:.2f} MB, "
        f"of which embedded base64 {weight['embedded'] / 1e6:.2f} MB; images "
        f"{images / 1e6:.2f} MB): fewer or smaller precomputed frames (dpi 80, ~40 frames)")
