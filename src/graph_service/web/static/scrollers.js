// A table, drawing or listing wider than the screen scrolls within itself (a phone's): such a
// region takes keyboard focus, so that it can be scrolled without a pointer (WCAG 2.1.1; axe's
// scrollable-region-focusable), and gives it up again once the window is wide enough.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("main table, main figure.drawing, main pre").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroller", "");
      } else if (!scrolls && el.hasAttribute("data-scroller")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroller");
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mark);
  else mark();
  window.addEventListener("resize", mark);
})();
