"""The browser checks can fail: each is run on a small page made to break it.

A check that passes on everything checks nothing. Each check of test_site.py runs here on
``bad.html`` (one defect per rule) and must report that defect; the kernel-free figure made
by the real ``rnnlib.precomputed_figure`` must pass the slider check, and a copy of it
whose frames are all the same picture must not.
"""

from __future__ import annotations

import re

import matplotlib
import pytest

import checks
import rnnlib
from sitebook import Opener, serve

matplotlib.use("Agg")
pytestmark = [pytest.mark.site, pytest.mark.slow]


def _draw(fig, a):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, a], color="k")
    ax.set_ylim(0, 3)


def _figure_html(name, same_frames=False):
    html = rnnlib.precomputed_figure(_draw, {"a": [1, 2, 3]}, name=name, alt="a line",
                                     figsize=(2, 1.5), dpi=40).data
    if same_frames:        # every frame the same picture: the slider changes nothing visible
        frames = re.search(r"var frames=\[(.*?)\];", html).group(1).split(",")
        html = html.replace(",".join(frames), ",".join([frames[0]] * len(frames)))
    return html


GOOD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>good</title></head>
<body><main><h1>Good page</h1>{figure}</main></body></html>"""

BAD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bad</title>
<script src="https://cdn.example.invalid/tracker.js"></script></head>
<body><main><h1>Bad page</h1>
<script>console.error("boom");</script>
<p>Unrendered display math: $$x^2$$ and \\frac{{a}}{{b}}.</p>
<p>Unrendered inline math: $h_t^{{(1)}}$.</p>
<span class="math">\\(x\\)</span>
<img src="missing.png" alt="a picture that is not there">
<img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///ywAAAAAAQABAAACAUwAOw==">
<button>Does nothing</button>
<input type="text">
<script type="application/vnd.jupyter.widget-view+json">{{"model_id": "x"}}</script>
<div style="width: 900px; background: #eee">a wide box</div>
<p style="color: #bbb; background: #fff">low contrast text</p>
{single}
{same}
{nojs}
</main></body></html>"""


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("checks")
    (folder / "good.html").write_text(GOOD.format(figure=_figure_html("good-fig")))
    single = rnnlib.precomputed_figure(_draw, {"a": [1]}, name="one-value", alt="one line",
                                       figsize=(2, 1.5), dpi=40).data
    nojs = re.sub(r"<script>.*?</script>", "", _figure_html("nojs-fig"), flags=re.S)
    (folder / "bad.html").write_text(BAD.format(
        single=single, same=_figure_html("same-fig", same_frames=True), nojs=nojs))
    with serve(folder) as url:
        opener = Opener(browser, url)
        yield opener
        opener.close()


@pytest.fixture(scope="module")
def bad(demo_site):
    return demo_site.open("bad.html", wait_math=False)


def _assert_reports(problems, *fragments):
    text = "\n".join(problems)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not reported in:\n{text}"


def test_good_page_passes(demo_site):
    visit = demo_site.open("good.html", wait_math=False)
    assert visit.problems() == []
    n, problems = checks.precomputed_problems(visit.page)
    assert (n, problems) == (1, [])
    assert checks.control_problems(visit.page) == []
    assert checks.image_problems(visit.page) == []
    assert checks.math_problems(visit.page) == []


def test_load_problems_are_reported(bad):
    _assert_reports(bad.problems(), "blocked: https://cdn.example.invalid/tracker.js",
                    "console error: boom", "404 ", "missing.png")


def test_math_check_fails_on_raw_tex(bad):
    _assert_reports(checks.math_problems(bad.page), "math not typeset", "matched $$",
                    "matched \\frac", "matched $h_t^{(1)}$")


def test_image_check_fails(bad):
    _assert_reports(checks.image_problems(bad.page), "image did not load: missing.png",
                    "image without alt text: data:image/gif")


def test_precomputed_check_fails_on_dead_sliders(bad):
    n, problems = checks.precomputed_problems(bad.page)
    assert n == 3
    _assert_reports(problems, "one-value slider 0: a single position",
                    "same-fig slider 0: moving it over its whole range never changed the picture",
                    "nojs-fig slider 0: End key did not change the data-frame",
                    "nojs-fig slider 0: End key did not change the printed value")


def test_control_check_fails(bad):
    _assert_reports(checks.control_problems(bad.page), 'button "Does nothing"', "slider: input",
                    "live widget left on the static page")


def test_overflow_check_fails(demo_site):
    visit = demo_site.open("bad.html", width=390, height=844, wait_math=False)
    _assert_reports(checks.overflow_problems(visit.page), "the page scrolls horizontally",
                    'div "a wide box"')


def test_axe_check_fails(bad):
    _assert_reports(checks.axe_violations(bad.page), "critical label", "serious color-contrast")
    # An exclusion removes exactly its rule on its selector, and nothing else.
    left = checks.axe_violations(bad.page, exclusions=[("label", "input[type=text]", "test")])
    assert not any(" label:" in p for p in left) and any("color-contrast" in p for p in left)
