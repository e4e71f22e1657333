"""The interactive-figure helpers: the kernel-free HTML and the live ipywidgets control."""

import re

import matplotlib
import numpy as np
import pytest

import rnnlib

matplotlib.use("Agg")
calls = []


def draw(fig, a, b="x"):
    calls.append((a, b))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, a])
    ax.set_title(str(b))


def test_precomputed_renders_every_combination_once():
    calls.clear()
    out = rnnlib.precomputed_figure(draw, {"a": [1, 2, 3], "b": ["p", "q"]}, name="t1",
                                    alt="a test line", initial={"a": 1})
    assert calls == [(a, b) for a in [1, 2, 3] for b in ["p", "q"]]
    html = out.data
    assert html.count('type="range"') == 2
    frames = re.search(r"var frames=(\[.*?\]);", html).group(1)
    assert frames.count('"') == 2 * 6                      # six distinct PNG frames
    assert 'data-frame="2"' in html                          # a index 1, b index 0 -> 2
    assert 'alt="a test line (a = 2, b = p)"' in html
    assert '<label for="t1-c0">a</label>' in html


def test_precomputed_is_deterministic():
    one = rnnlib.precomputed_figure(draw, {"a": [1, 2]}, name="t2", alt="x").data
    two = rnnlib.precomputed_figure(draw, {"a": [1, 2]}, name="t2", alt="x").data
    assert one == two


@pytest.mark.parametrize("bad", ["1abc", "has space", "", "x_y"])
def test_precomputed_rejects_bad_names(bad):
    with pytest.raises(ValueError, match="name must be"):
        rnnlib.precomputed_figure(draw, {"a": [1]}, name=bad, alt="x")


def test_precomputed_rejects_empty_controls():
    with pytest.raises(ValueError, match="controls"):
        rnnlib.precomputed_figure(draw, {}, name="t3", alt="x")
    with pytest.raises(ValueError, match=r"controls\['a'\]"):
        rnnlib.precomputed_figure(draw, {"a": []}, name="t3", alt="x")


def test_live_figure_renders_ahead_and_swaps_frames():
    calls.clear()
    box = rnnlib.live_figure(draw, {"a": [1, 2], "b": ["p", "q"]})
    every = [(a, b) for a in [1, 2] for b in ["p", "q"]]
    assert calls == every                                 # all four frames, up front
    image = box.children[2]
    first = image.value
    box.children[1].value = "q"                           # a slider move draws nothing new
    assert calls == every and image.value != first
    box.children[1].value = "p"
    assert image.value == first
    assert len(box.children) == 3


def test_live_figure_renders_on_demand_beyond_prerender():
    calls.clear()
    box = rnnlib.live_figure(draw, {"a": [1, 2], "b": ["p", "q"]}, prerender=3)
    assert calls == [(1, "p")]
    box.children[1].value = "q"
    assert calls[-1] == (1, "q")
    box.children[0].value = 2
    assert calls[-1] == (2, "q")
    box.children[0].value = 1                             # seen before: kept, not redrawn
    assert calls == [(1, "p"), (1, "q"), (2, "q")]


def test_frames_belong_to_one_figure():
    """A control made again draws again: the data its draw function reads may have changed."""
    data = {"y": 1.0}

    def reads_data(fig, a):
        calls.append(a)
        fig.add_subplot().plot([0, 1], [0, a * data["y"]])

    calls.clear()
    first = rnnlib.live_figure(reads_data, {"a": [1, 2]})
    data["y"] = -1.0
    second = rnnlib.live_figure(reads_data, {"a": [1, 2]})
    assert calls == [1, 2, 1, 2]
    assert first.children[1].value != second.children[1].value


def test_progress_is_silent_when_disabled(monkeypatch, capsys):
    monkeypatch.setenv("RNNLIB_PROGRESS", "0")
    assert list(rnnlib.progress(range(4))) == [0, 1, 2, 3]
    assert capsys.readouterr().err == ""
    monkeypatch.setenv("RNNLIB_PROGRESS", "1")
    assert rnnlib.progress_enabled()
    assert list(rnnlib.progress(range(3), desc="x")) == [0, 1, 2]


def test_series_style_cycles():
    assert rnnlib.series_style(0) == rnnlib.series_style(7)
    assert len({rnnlib.series_style(i)["linestyle"] for i in range(7)}) == 7


def test_plot_hidden_states_rejects_bad_indices():
    h = np.zeros((4, 2, 3))
    with pytest.raises(ValueError, match="sequence must be in 0..1"):
        rnnlib.plot_hidden_states(h, sequence=2)
    with pytest.raises(ValueError, match="units must be in 0..2"):
        rnnlib.plot_hidden_states(h, units=[3])
    with pytest.raises(ValueError, match="h must be 3-D"):
        rnnlib.plot_hidden_states(np.zeros((4, 3)))


def test_reused_figure_leaves_nothing_behind():
    """Frames are drawn on one cleared Figure: a frame must not depend on the one before."""
    from rnnlib.widgets import _Frames

    def busy(fig, a):
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, a], label=f"a = {a}")
        ax.legend()
        fig.suptitle(f"frame {a}")
        if a == 2:
            fig.colorbar(ax.imshow([[0, 1]]), ax=ax)

    frames = _Frames(busy, (4, 3), 50)
    first, second, again = (frames.render({"a": 1}), frames.render({"a": 2}),
                            frames.render({"a": 1}))
    assert first == again and first != second
    assert first == _Frames(busy, (4, 3), 50).render({"a": 1})
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
