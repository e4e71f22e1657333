/*
 * Make every sidebar toggle button work (loaded on every page through _config.yml).
 *
 * pydata-sphinx-theme 0.17 and sphinx-book-theme 1.3 attach their click handlers to
 * document.querySelector(".primary-toggle") / (".secondary-toggle"): the first such button,
 * which is the navbar's and hidden by sphinx-book-theme's CSS. The button a reader sees,
 * in the article header, gets no handler, so the table of contents cannot be opened on a
 * phone nor collapsed on a wide screen (pydata-sphinx-theme issue 2451). A click on any
 * other toggle is handed to the button that has the handlers; they already choose
 * between collapsing the sidebar (wide screens) and opening it as a dialog (narrow ones).
 * tests/site/test_site.py::test_theme_controls_work checks both widths.
 */
(function () {
  function forward() {
    ["primary", "secondary"].forEach(function (kind) {
      var handled = document.querySelector("." + kind + "-toggle");
      if (!handled) return;
      document.querySelectorAll("." + kind + "-toggle").forEach(function (button) {
        if (button === handled) return;
        button.addEventListener("click", function (event) {
          event.preventDefault();
          event.stopPropagation();
          handled.click();
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", forward);
  } else {
    forward();
  }
})();
