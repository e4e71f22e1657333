"""The checks the browser tests run on a page, each returning a list of problems (empty = ok).

They are functions of a Playwright page so that ``test_site.py`` runs them on the built book
and ``test_checks_fail.py`` runs them on small pages made to break each rule (a check that
cannot fail checks nothing).
"""

from __future__ import annotations

import hashlib
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"

# A short description of an element, for messages (defined on the page).
_DESCRIBE = """
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList && el.classList.length) s += '.' + [...el.classList].slice(0, 3).join('.');
  const text = (el.getAttribute('aria-label') || el.textContent || '').trim().replace(/\\s+/g, ' ');
  return text ? `${s} "${text.slice(0, 40)}"` : s;
};
"""

# ---------------------------------------------------------------------------- math

# Delimiters and commands of TeX that must not survive into the visible text.
RAW_TEX_PATTERNS = [
    r"\$\$",                               # display math left unrendered
    r"\\\(|\\\)|\\\[|\\\]",                 # \( \) \[ \]
    r"\\(frac|begin|end|mathbb|mathbf|mathrm|operatorname|sum|prod|partial|nabla|left|right"
    r"|alpha|beta|gamma|sigma|rho|tau|lambda|theta|tanh|cdot|top|sqrt|Vert|lVert|rVert)\b",
    r"\$[^$\s][^$\n]*[\\^_{}][^$\n]*\$",    # inline $...$ with TeX syntax inside
]


def math_problems(page) -> list[str]:
    """Every math element is typeset by MathJax; no raw TeX is visible outside code."""
    return page.evaluate("""(patterns) => {
      %s
      const problems = [];
      const maths = [...document.querySelectorAll('.math')];
      for (const el of maths) {
        if (!el.querySelector('mjx-container')) problems.push('math not typeset: ' + describe(el));
      }
      const skip = 'pre, code, kbd, samp, script, style, textarea, .highlight, mjx-container, '
                 + 'mjx-assistive-mml, .math, [aria-hidden="true"]';
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const regexes = patterns.map(p => new RegExp(p));
      let text = '';
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const parent = n.parentElement;
        if (!parent || parent.closest(skip)) continue;
        if (!parent.getClientRects().length) continue;          // not rendered
        text += n.textContent + '\\n';
      }
      for (const line of text.split('\\n')) {
        for (const re of regexes) {
          const m = line.match(re);
          if (m) problems.push(`raw TeX visible: "${line.trim().slice(0, 80)}" (matched ${m[0]})`);
        }
      }
      return problems;
    }""" % _DESCRIBE, RAW_TEX_PATTERNS)


def count_typeset_math(page) -> int:
    return page.evaluate("() => document.querySelectorAll('mjx-container').length")


# ---------------------------------------------------------------------------- images


def image_problems(page) -> list[str]:
    """Every image (figures, frames, theme icons) has loaded and has a non-empty alt text."""
    return page.evaluate("""async () => {
      %s
      const imgs = [...document.querySelectorAll('img')];
      await Promise.all(imgs.map(img => img.complete ? null :
          new Promise(r => { img.addEventListener('load', r);
                             img.addEventListener('error', r); })));
      const problems = [];
      for (const img of imgs) {
        const src = (img.getAttribute('src') || '').slice(0, 60);
        if (!(img.complete && img.naturalWidth > 0)) problems.push(`image did not load: ${src}`);
        const alt = img.getAttribute('alt');
        if (alt === null || !alt.trim()) problems.push(`image without alt text: ${src}`);
      }
      for (const fig of document.querySelectorAll('figure')) {
        if (!fig.querySelector('img, svg, mjx-container, .rnn-precomputed'))
          problems.push('figure without an image: ' + describe(fig));
      }
      return problems;
    }""" % _DESCRIBE)


# ---------------------------------------------------------------------------- precomputed


def _frame_key(src: str) -> str:
    return hashlib.sha1(src.encode()).hexdigest()[:12]


def _figure_state(figure) -> dict:
    return figure.evaluate("""(root) => {
      const img = root.querySelector('img');
      return {
        src: img ? img.getAttribute('src') : null,
        frame: img ? img.dataset.frame : null,
        alt: img ? img.getAttribute('alt') : null,
        ok: img ? (img.complete && img.naturalWidth > 0) : false,
        values: [...root.querySelectorAll('input[type=range]')].map(i => i.value),
        texts: [...root.querySelectorAll('output')].map(o => o.textContent),
      };
    }""")


def precomputed_problems(page) -> tuple[int, list[str]]:
    """Each ``div.rnn-precomputed`` responds to its sliders, moved with keys and the mouse.

    Every range input is moved, with the other sliders at their initial positions: Home
    (keyboard) to its first value, End to its last, then a click near the left end of the
    track back to the first. After each move the frame index (``data-frame``), the alt
    text and the printed value must change and the new frame must decode; over the moves
    the picture itself must change at least once (a frame may legitimately repeat, e.g.
    where the drawing does not depend on that value at this setting of the others). A
    slider with a single position is a control that does nothing and is reported too.

    Returns the number of sliders checked and the problems.
    """
    problems, n_sliders = [], 0
    figures = page.locator("div.rnn-precomputed")
    for f in range(figures.count()):
        fig = figures.nth(f)
        fig_id = fig.get_attribute("id") or f"#{f}"
        fig.scroll_into_view_if_needed()
        sliders = fig.locator("input[type=range]")
        if sliders.count() == 0:
            problems.append(f"{fig_id}: a precomputed figure without a slider")
        if fig.locator("img").count() != 1:
            problems.append(f"{fig_id}: expected one <img>, found {fig.locator('img').count()}")
            continue
        initial = _figure_state(fig)["values"]
        for s in range(sliders.count()):
            slider = sliders.nth(s)
            n_sliders += 1
            name = f"{fig_id} slider {s}"
            lo, hi = int(slider.get_attribute("min")), int(slider.get_attribute("max"))
            label = fig.locator(f"label[for='{slider.get_attribute('id')}']")
            if label.count() != 1 or not label.inner_text().strip():
                problems.append(f"{name}: no visible label")
            if hi <= lo:
                problems.append(f"{name}: a single position (min {lo}, max {hi}): it cannot move")
                continue
            box = slider.bounding_box()
            before = _figure_state(fig)
            pictures = {before["src"]}
            moves = ([] if int(before["values"][s]) == lo else [("Home key", lo)]) + [
                ("End key", hi), ("click at the left end", lo)]
            for how, target in moves:
                if how == "click at the left end":
                    slider.click(position={"x": 2, "y": box["height"] / 2})
                else:
                    slider.focus()
                    page.keyboard.press(how.split()[0])
                after = _figure_state(fig)
                pictures.add(after["src"])
                if int(after["values"][s]) != target:
                    problems.append(f"{name}: {how} left the slider at {after['values'][s]}, "
                                    f"expected {target}")
                    before = after
                    continue
                for key, what in [("frame", "data-frame"), ("alt", "alt text")]:
                    if after[key] == before[key]:
                        problems.append(f"{name}: {how} did not change the {what} ({after[key]})")
                if after["texts"] == before["texts"]:
                    problems.append(f"{name}: {how} did not change the printed value "
                                    f"{after['texts']}")
                if not after["ok"]:
                    problems.append(f"{name}: after {how} the frame does not decode")
                before = after
            if len(pictures) < 2:
                problems.append(f"{name}: moving it over its whole range never changed the "
                                f"picture ({_frame_key(before['src'] or '')})")
            # Back to the initial position, so the next slider starts from the same state.
            slider.evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }",
                            initial[s])
    return n_sliders, problems


# ---------------------------------------------------------------------------- controls

# Controls of the theme (sphinx-book-theme / pydata-sphinx-theme and the Sphinx extensions
# Jupyter Book loads) that work without a kernel. test_site.py::test_theme_controls_work
# exercises the main ones.
THEME_CONTROLS = ", ".join([
    "button.search-button-field", "button.search-button", ".search-button__button",
    "button.primary-toggle", "button.secondary-toggle",
    ".article-header-buttons button.dropdown-toggle", ".article-header-buttons .dropdown-item",
    "button.btn-fullscreen-button", "button.theme-switch-button",
    "button.copybtn", "button.toggle-button", "#pst-back-to-top",
    # the search page's own form and the search dialog
    "form.bd-search input[name=q]", "form.bd-search button", "#search-documentation input",
    "form[action*='search'] input", "form[action*='search'] button",
])

LIVE_WIDGET_SELECTORS = ", ".join([
    "script[type='application/vnd.jupyter.widget-view+json']",
    ".jupyter-widgets", ".widget-area", ".jp-OutputArea-output .widget-slider",
    "[class*='widget-hslider']", "[class*='jupyter-widget']",
    "script[src*='embed-amd']", "script[src*='require.min.js']",
])


def control_problems(page) -> list[str]:
    """Every visible control is a known theme control or a slider of a precomputed figure.

    Also reports any live ipywidgets view (or the widget manager that would draw one) left
    in the page: without a kernel such a control would move and change nothing.
    """
    return page.evaluate("""([theme, widgets]) => {
      %s
      const problems = [];
      for (const el of document.querySelectorAll(widgets))
        problems.push('live widget left on the static page: ' + describe(el));
      const controls = document.querySelectorAll(
        'input, select, textarea, button, [role=button], [role=slider], [role=checkbox], ' +
        '[role=switch], [role=spinbutton], [contenteditable=""], [contenteditable=true], ' +
        '[onclick]');
      for (const el of controls) {
        const st = getComputedStyle(el);
        if (!el.getClientRects().length || st.visibility === 'hidden' || st.display === 'none')
          continue;                                          // not shown to the reader
        if (el.type === 'hidden') continue;
        if (el.matches(theme)) continue;
        const fig = el.closest('div.rnn-precomputed');
        if (fig && el.matches('input[type=range]')) continue; // moved by precomputed_problems
        problems.push('control that is neither a theme control nor a precomputed-figure '
                      + 'slider: ' + describe(el));
      }
      return problems;
    }""" % _DESCRIBE, [THEME_CONTROLS, LIVE_WIDGET_SELECTORS])


# ---------------------------------------------------------------------------- phone width

# Wide content may scroll inside these (code, math, outputs printed as text, wrapped tables).
SCROLL_OK = ", ".join([
    "pre", ".highlight", "div.math", "span.math", ".math", "mjx-container",
    ".pst-scrollable-table-container", ".table-wrapper",
])


def overflow_problems(page) -> list[str]:
    """Nothing but code and math sticks out to the right of the viewport; no page scroll."""
    return page.evaluate("""(ok) => {
      %s
      const de = document.documentElement;
      const vw = de.clientWidth;
      const problems = [];
      if (de.scrollWidth > vw + 1)
        problems.push(`the page scrolls horizontally: scrollWidth ${de.scrollWidth} > ${vw}`);
      const seen = new Set();
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest(ok)) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        const st = getComputedStyle(el);
        if (st.visibility === 'hidden' || st.display === 'none') continue;
        if (el.closest('dialog:not([open])')) continue;
        if (r.right > vw + 1) {
          // Report the outermost offender only.
          let outer = el, p = el.parentElement;
          while (p && p !== document.body && p.getBoundingClientRect().right > vw + 1) {
            outer = p; p = p.parentElement;
          }
          if (seen.has(outer)) continue;
          seen.add(outer);
          const right = Math.round(outer.getBoundingClientRect().right);
          problems.push(`${describe(outer)} reaches x = ${right} px past the ${vw} px viewport`);
        }
      }
      return problems;
    }""" % _DESCRIBE, SCROLL_OK)


# ---------------------------------------------------------------------------- accessibility

# (rule id, CSS selector, reason): violations of the theme that CSS and configuration of
# this book cannot fix. Each entry excludes only that rule on elements matching that
# selector. Keep it short and say why.
AXE_EXCLUSIONS: list[tuple[str, str, str]] = []


def start_axe(page, rules=None, skip=()) -> None:
    """Start axe-core on the page without waiting (all default rules, or ``rules`` only;
    elements matching the selectors in ``skip`` are left out).

    The run goes on in the page's renderer; :func:`axe_violations_found` collects it.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    page.evaluate("""([rules, skip]) => {
      window.__axeRun = (async () => {
        // Colours fade in over the theme's transitions: measure contrast once they end.
        await Promise.all(document.getAnimations()
          .filter(a => a.playState === 'running'
                       && (!a.effect || a.effect.getComputedTiming().endTime !== Infinity))
          .map(a => a.finished));
        const options = {resultTypes: ['violations']};
        if (rules) options.runOnly = {type: 'rule', values: rules};
        const context = skip.length ? {exclude: skip.map(s => [s])} : document;
        return axe.run(context, options);
      })();
    }""", [rules, list(skip)])


def axe_violations_found(page, exclusions=AXE_EXCLUSIONS) -> list[str]:
    """Serious or critical violations of the run started by :func:`start_axe`."""
    return page.evaluate("""async (exclusions) => {
      const res = await window.__axeRun;
      const out = [];
      for (const v of res.violations) {
        if (!['serious', 'critical'].includes(v.impact)) continue;
        for (const node of v.nodes) {
          let el = null;
          try { el = document.querySelector(node.target[node.target.length - 1]); } catch (e) {}
          const excluded = exclusions.some(([rule, sel]) =>
              rule === v.id && el && (el.matches(sel) || el.closest(sel)));
          if (!excluded)
            out.push(`${v.impact} ${v.id}: ${v.help} at ${node.target.join(' ')}: `
                     + `${(node.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)}`);
        }
      }
      return out;
    }""", [[rule, sel] for rule, sel, _ in exclusions])


def axe_violations(page, exclusions=AXE_EXCLUSIONS, rules=None) -> list[str]:
    """Serious or critical axe-core violations (all of axe's default rules: WCAG 2.x A/AA
    and best practices), or of the given ``rules`` only."""
    start_axe(page, rules)
    return axe_violations_found(page, exclusions)


# ---------------------------------------------------------------------------- helpers


def embedded_base64_bytes(html: str) -> int:
    """Length of the long base64 runs in a page: data URIs and precomputed frames."""
    import re

    return sum(len(m.group(0)) for m in re.finditer(r"[A-Za-z0-9+/]{256,}={0,2}", html))
