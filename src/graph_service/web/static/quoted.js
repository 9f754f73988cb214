// The article's page: the quote a link leads to (#quote-...) is lit whole. The stylesheet lights
// the passage after its anchor; a shorter quote inside it cuts it into several passages, each of
// which names the quotes it belongs to (data-quotes).
(function () {
  "use strict";
  function light() {
    var id = decodeURIComponent(location.hash.slice(1));
    document.querySelectorAll("p.source-text a.quoted").forEach(function (a) {
      a.classList.toggle("reached", !!id && (a.getAttribute("data-quotes") || "").split(" ").indexOf(id) >= 0);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", light);
  else light();
  window.addEventListener("hashchange", light);
})();
