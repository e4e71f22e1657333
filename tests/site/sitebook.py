"""The book under test, its local server and a browser page opener (used by conftest.py).

The tests read the HTML that ``make book`` wrote to ``_build/html`` and never build it
themselves: ``make test`` builds first. The pages are served on 127.0.0.1 by a thread of
``http.server``. What the pages load from CDNs (MathJax; Font Awesome 4 for matplotlib's
JavaScript animations) is answered from local copies installed from npm
(``tests/site/package-lock.json``, installed by ``make test``) through Playwright's request
routing; every other request that leaves 127.0.0.1 is blocked and recorded, and the test
fails on it.

Environment variables (both optional):

``RNNBOOK_ROOT``
    A checkout of the book to test instead of this one: its ``_toc.yml``, ``_config.yml``,
    notebooks and ``_build/html`` are used (for trying the tests on a private build).
``RNNBOOK_CHROMIUM``
    The Chromium executable (default ``/usr/bin/chromium``, Debian's package).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import mimetypes
import os
import pathlib
import threading
from dataclasses import dataclass, field

import yaml

HERE = pathlib.Path(__file__).resolve().parent
ROOT = pathlib.Path(os.environ.get("RNNBOOK_ROOT", HERE.parents[1])).resolve()
HTML_DIR = ROOT / "_build" / "html"
NODE_MODULES = HERE / "node_modules"
CHROMIUM = os.environ.get("RNNBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]

# URL prefix on a CDN -> local folder holding the same files (installed from npm).
CDN_COPIES = {
    # Sphinx's MathJax 3 (sphinx.ext.mathjax's default URL), and the fonts it loads.
    "https://cdn.jsdelivr.net/npm/mathjax@3/": NODE_MODULES / "mathjax",
    # matplotlib's Animation.to_jshtml() buttons (Font Awesome 4.4 CSS; 4.7 is a superset).
    "https://maxcdn.bootstrapcdn.com/font-awesome/4.4.0/": NODE_MODULES / "font-awesome",
}

# Filled by test_site.py (page weights, sliders moved), printed by conftest.py at the end.
PAGE_WEIGHTS: dict[str, dict] = {}
SLIDERS_MOVED: dict[str, int] = {}


# --------------------------------------------------------------------------- the book


def toc_docnames(toc_path: pathlib.Path) -> list[str]:
    """The documents of a jb-book table of contents, in reading order, without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key) or [])
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(toc)
    return [n.rsplit(".", 1)[0] if n.endswith((".md", ".ipynb")) else n for n in names]


def load_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


PAGES = toc_docnames(ROOT / "_toc.yml")          # e.g. ["book/intro", "book/notation", ...]
NOTEBOOK_PAGES = [p for p in PAGES if (ROOT / f"{p}.ipynb").exists()]


def page_ids(pages):
    return [p.rsplit("/", 1)[-1] for p in pages]


# --------------------------------------------------------------------------- the server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on ``http://127.0.0.1:PORT/`` (a free port) from a daemon thread."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- pages


@dataclass
class Visit:
    """A page opened in its own browser context, with everything that went wrong."""

    page: object
    url: str
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    bad_responses: list = field(default_factory=list)
    blocked: list = field(default_factory=list)
    served_from_copy: list = field(default_factory=list)

    def problems(self) -> list[str]:
        return ([f"request left 127.0.0.1 and was blocked: {u}" for u in self.blocked]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"uncaught exception: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed_requests]
                + [f"HTTP error: {m}" for m in self.bad_responses])


class Opener:
    """Opens pages under ``base_url`` in fresh contexts of a browser, with routing."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []

    def _route(self, visit, route):
        url = route.request.url
        if url.startswith(self.base_url):
            return route.continue_()
        for prefix, folder in CDN_COPIES.items():
            if url.startswith(prefix):
                rel = url[len(prefix):].split("?", 1)[0].split("#", 1)[0]
                path = (folder / rel).resolve()
                if folder.resolve() in path.parents and path.is_file():
                    visit.served_from_copy.append(url)
                    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return route.fulfill(status=200, body=path.read_bytes(), headers={
                        "content-type": ctype, "access-control-allow-origin": "*"})
                visit.bad_responses.append(f"404 {url} (no local copy at {path})")
                return route.fulfill(status=404, body="no local copy")
        visit.blocked.append(url)
        return route.abort("blockedbyclient")

    def start(self, path: str, *, width=1280, height=800) -> Visit:
        """Open ``path`` in a new context and return once navigation has begun."""
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           service_workers="block")
        context.set_default_timeout(60_000)          # generous: CI machines are shared
        context.set_default_navigation_timeout(120_000)
        self.contexts.append(context)
        page = context.new_page()
        visit = Visit(page=page, url=self.base_url + path)
        context.route("**/*", functools.partial(self._route, visit))
        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        page.on("requestfailed", lambda r: r.url not in visit.blocked
                and visit.failed_requests.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and visit.bad_responses.append(
            f"{r.status} {r.url}"))
        page.goto(visit.url, wait_until="commit")
        return visit

    @staticmethod
    def finish(visit: Visit, *, wait_math=True) -> Visit:
        """Wait until the page has loaded, MathJax has typeset it and the network is idle."""
        page = visit.page
        page.wait_for_load_state("networkidle")
        if wait_math:
            # MathJax typesets after the load event; wait for it (if the page loads it),
            # then for the fonts it requests.
            page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise)"
                          " ? MathJax.startup.promise.then(() => true) : false")
            page.wait_for_load_state("networkidle")
        return visit

    def open(self, path: str, *, width=1280, height=800, wait_math=True) -> Visit:
        return self.finish(self.start(path, width=width, height=height), wait_math=wait_math)

    def close(self):
        for context in self.contexts:
            context.close()
        self.contexts.clear()
