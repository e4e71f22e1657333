"""Small fixes to the HTML of the pinned Sphinx / theme stack (loaded from _config.yml).

Each fix is checked by the browser tests in tests/site (console errors, axe-core).

1. Inline scripts written twice. Sphinx 7.4 gives a script added with
   ``app.add_js_file(None, body=...)`` after the builder started to the builder with
   ``filename=None`` and, again, from its registry with ``filename=''`` when writing
   starts; the two do not compare equal, so the page carries the script twice.
   sphinx-thebe's ``const THEBE_JS_URL = ...`` then throws "Identifier 'THEBE_JS_URL' has
   already been declared" on every page. Each page's script list is de-duplicated.
2. Bibliography entries. docutils writes ``<div role="list" class="citation-list">``
   around ``<div role="doc-biblioentry">``; DPUB-ARIA 1.1 deprecated ``doc-biblioentry``
   in favour of ``listitem``, and axe-core reports the list as having children that are
   not list items (aria-required-children, critical). The role is rewritten to
   ``listitem``.
3. Folded code cells. myst-nb writes ``<summary aria-label="Toggle hidden content">``
   around the visible text "Show code cell source"; a name that leaves out the visible
   text fails WCAG 2.5.3 (label in name; axe-core's label-content-name-mismatch). Without
   the aria-label the summary is named by its visible text.

The search and colour-mode buttons are fixed by the templates in book/_templates, the
sidebar toggles and some styles by book/_static.
"""

from __future__ import annotations


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        key = (getattr(js, "filename", js) or "", getattr(js, "priority", 0),
               tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    scripts[:] = unique        # the builder restores its own list after each page


def _body_fixes(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body:
        context["body"] = (body.replace('role="doc-biblioentry"', 'role="listitem"')
                           .replace('<summary aria-label="Toggle hidden content">', "<summary>"))


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _body_fixes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
