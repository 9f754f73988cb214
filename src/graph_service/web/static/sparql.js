// The query editor (YASGUI) on /sparql; the page's configuration comes as JSON in #editor-config.
// A file of its own, not an inline script, so the pages' Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  // Without the editor (JavaScript off, or YASGUI not installed) the plain form above does the job.
  if (typeof Yasgui === "undefined") return;
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  document.getElementById("plain-query").hidden = true;
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: cfg.endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    copyEndpointOnNewTab: true,
    // The page hands the editor its query itself; YASGUI reading the URL would also pick up
    // parameters meant for this page (format=html) and send them with its own requests.
    populateFromUrl: false,
    persistenceId: null,
    // Autocompletion from the query text only: no lookups on third-party services.
    yasqe: { autocompleters: ["variables", "prefixes"] }
  });
  var first = yasgui.getTab();
  first.setQuery(cfg.query);
  if (window.location.search.indexOf("query=") !== -1) first.query();
  var byName = {};
  cfg.examples.forEach(function (e) { byName[e.name] = e; });
  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = byName[link.dataset.name];
      if (!example) return;
      event.preventDefault();
      var tab = yasgui.addTab(true, { name: example.title,
                                      requestConfig: { endpoint: cfg.endpoint, method: "POST" } });
      tab.setQuery(example.query);
      tab.query();
    });
  });
  var results = document.getElementById("results");
  if (results) results.hidden = true;  // the editor shows them itself
})();
