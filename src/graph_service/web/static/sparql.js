// The query editor (YASGUI) on /sparql; the page's configuration comes as JSON in #editor-config.
// A file of its own, not an inline script, so the pages' Content-Security-Policy needs no 'unsafe-inline'.
(function () {
  "use strict";
  // Without the editor (JavaScript off, or YASGUI not installed) the plain form does the job.
  if (typeof Yasgui === "undefined") return;
  var cfg = JSON.parse(document.getElementById("editor-config").textContent);
  var Yasqe = Yasgui.Yasqe;

  // --- IRIs of this graph open the service's own pages (as the HTML table's links do) ----------
  function localUrl(iri) {
    for (var i = 0; i < cfg.links.length; i++) {
      var base = cfg.links[i][0], url = cfg.links[i][1];
      if (url && iri.indexOf(base) === 0) return url + iri.slice(base.length);
    }
    return null;
  }
  // Keyboard users leave the editor as any text field, by Tab and Shift+Tab (CodeMirror took Tab
  // to indent: focus could not leave it), and screen readers hear what each of YASGUI's unnamed
  // controls is. Each tab's editor and results are made later: done as they appear.
  function labelled(root) {
    root.querySelectorAll(".CodeMirror").forEach(function (el) {
      var cm = el.CodeMirror;
      if (!cm || cm.__keyboard) return;
      cm.__keyboard = true;
      cm.addKeyMap({ Tab: false, "Shift-Tab": false });
      var input = cm.getInputField();
      input.setAttribute("aria-label", "SPARQL query");
      // CodeMirror marks its contenteditable lines as presentation: it is a text field.
      if (input.isContentEditable) {
        input.setAttribute("role", "textbox");
        input.setAttribute("aria-multiline", "true");
      }
    });
    root.querySelectorAll("input.autocomplete:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "Endpoint");
    });
    root.querySelectorAll("select.tableSizer:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", "Rows per page");
    });
  }

  function relink(root) {
    root.querySelectorAll("a.iri, .yasr a[href]").forEach(function (a) {
      var iri = a.getAttribute("data-iri") || a.getAttribute("href");
      var local = iri && localUrl(iri);
      if (!local) return;
      a.setAttribute("data-iri", iri);
      if (a.getAttribute("href") !== local) a.setAttribute("href", local);
      a.title = iri;
      a.removeAttribute("target");
    });
  }

  // --- completion: the project's prefixes first, then the graph's classes and properties --------
  var own = Object.keys(cfg.prefixes).map(function (p) { return p + ": <" + cfg.prefixes[p] + ">"; });
  var bundled = Yasqe.Autocompleters.prefixes.get;
  var declareOnType = Yasqe.Autocompleters.prefixes.onInitialize;
  Yasqe.forkAutocompleter("prefixes", {
    name: "graphPrefixes",
    persistenceId: null,
    onInitialize: function (yasqe) {
      // The lookup behind "declare as typed" is asynchronous: typing on past "lib:" would declare
      // it once per keystroke. Declare a prefix only while the query lacks it.
      var addPrefixes = yasqe.addPrefixes;
      yasqe.addPrefixes = function (prefixes) {
        var name = typeof prefixes === "string" ? prefixes.split(":")[0].trim() : null;
        if (name !== null && yasqe.getPrefixesFromQuery()[name] !== undefined) return;
        return addPrefixes.call(yasqe, prefixes);
      };
      declareOnType.call(this, yasqe);
    },
    get: function (yasqe) {
      return Promise.resolve(bundled(yasqe)).then(function (list) {
        // A prefix the project defines (event:, city:) means the project's namespace here.
        var others = list.filter(function (entry) { return !cfg.prefixes[entry.split(":")[0]]; });
        return own.concat(others).sort();
      });
    }
  });
  Yasqe.forkAutocompleter("class", {
    name: "graphClasses", bulk: true, persistenceId: null, autoShow: false,
    get: function () { return cfg.vocabulary.classes; }
  });
  Yasqe.forkAutocompleter("property", {
    name: "graphProperties", bulk: true, persistenceId: null, autoShow: false,
    get: function () { return cfg.vocabulary.properties; }
  });

  // Each tab builds its results view from YASR's defaults (not from the yasr option below).
  Yasgui.Yasr.defaults.errorRenderers = [renderError];
  var request = { endpoint: cfg.endpoint, method: "POST" };
  document.getElementById("plain-query").hidden = true;
  // A table a historian reads at once: values whole, not cut to a column's width ("1944-0…",
  // "Liberation…"), and literals as their text ("Berlin", not "Berlin"@en); YASR's "Simple view"
  // and "Ellipse" switches still change it, and a user's choice is kept as YASR keeps it.
  var table = Yasgui.Yasr.defaults.plugins && Yasgui.Yasr.defaults.plugins.table;
  if (table) table.dynamicConfig = Object.assign({ isEllipsed: false, compact: true }, table.dynamicConfig);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: request,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: cfg.endpoint }]; } },
    copyEndpointOnNewTab: true,
    // The page hands the editor its query itself; YASGUI reading the URL would also pick up
    // parameters meant for this page (format=html) and send them with its own requests.
    populateFromUrl: false,
    persistenceId: null,
    // Completion from the query text and this graph only: no lookups on third-party services.
    // CodeMirror's contenteditable input: a screen reader reads the query's text itself (its
    // hidden textarea holds only the selection), and the editor's scrolling region holds what
    // takes the focus (axe: scrollable-region-focusable, where a phone's narrow lines make it scroll).
    yasqe: { autocompleters: ["variables", "graphPrefixes", "graphClasses", "graphProperties"],
             editorHeight: "16em", inputStyle: "contenteditable" },
    yasr: {
      prefixes: function () { return cfg.prefixes; }
    }
  });

  // --- a syntax error: the line, a caret under the spot, the advice -------------------------------
  function renderError(error) {
    var text = (error && error.text) || "";
    var message = text;
    try { message = JSON.parse(text).message || text; } catch (e) { /* plain text answer */ }
    message = message.replace(/^\d{3} [A-Za-z ]+: /, "");
    var box = document.createElement("div");
    box.className = "query-error";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = message;
    box.appendChild(p);
    var at = /line (\d+), column (\d+)/.exec(message);
    var yasqe = yasgui.getTab().getYasqe();
    if (at && yasqe) {
      var line = parseInt(at[1], 10), column = parseInt(at[2], 10);
      var source = yasqe.getDoc().getLine(line - 1) || "";
      var before = line > 1 ? yasqe.getDoc().getLine(line - 2) || "" : "";
      var width = String(line).length;
      var pre = document.createElement("pre");
      pre.className = "caret";
      pre.textContent = (before.trim() ? String(line - 1).padStart(width) + " | " + before + "\n" : "") +
        line + " | " + source + "\n" + " ".repeat(width) + " | " +
        source.slice(0, column - 1).replace(/[^\t]/g, " ") + "^";
      box.appendChild(pre);
      mark(yasqe, line, column);
    }
    return Promise.resolve(box);
  }
  function mark(yasqe, line, column) {
    var doc = yasqe.getDoc();
    if (yasqe.__errorMark) yasqe.__errorMark.clear();
    yasqe.__errorMark = doc.markText({ line: line - 1, ch: column - 1 }, { line: line - 1, ch: column },
                                     { className: "syntax-error-spot" });
    doc.setCursor({ line: line - 1, ch: column - 1 });
  }

  // --- notices above the results: the result limit cut the answer; a query for RDF 1.2 reifiers
  // found none (the graph keeps each statement's sources on an rdf:Statement, see cfg.reifierHint)
  function notice(tab, kind, text, shown) {
    var yasr = tab.getYasr();
    if (!yasr) return;
    var el = yasr.rootEl.parentNode.querySelector("." + kind);
    if (!el) {
      el = document.createElement("p");
      el.className = "notice " + kind;
      el.setAttribute("role", "status");
      yasr.rootEl.parentNode.insertBefore(el, yasr.rootEl);
    }
    el.hidden = !shown;
    el.textContent = text;
  }
  yasgui.on("query", function (y, tab) {
    var stale = document.getElementById("query-error");
    if (stale) stale.hidden = true;  // the page's own error was about an earlier text
    var yasqe = tab.getYasqe();
    if (yasqe.__hooked) return;
    yasqe.__hooked = true;
    yasqe.on("queryResponse", function (q, response) {
      var headers = response && response.headers;
      notice(tab, "truncated", "Only the first " + cfg.limit + " results are shown: the result limit cut " +
             "the answer. Narrow the query down, or add LIMIT and OFFSET to page through it.",
             !!(headers && headers.get && headers.get(cfg.truncatedHeader) === "true"));
      // Read from the results once YASR has parsed them (the response's body is a stream).
      setTimeout(function () {
        var results = tab.getYasr() && tab.getYasr().results;
        var rows = results && results.getBindings ? results.getBindings() : null;
        notice(tab, "reifier-hint", cfg.reifierHint || "",
               !!(rows && rows.length === 0 && cfg.reifierHint && q.getValue().indexOf("<<") >= 0));
      }, 0);
    });
  });

  // YASGUI's "+" sits in its list of tabs (role=tablist), where only tabs may be (axe:
  // aria-required-children): it goes just after the list, in a bar holding both, and new tabs
  // at the list's end, where YASGUI put them before the "+".
  var tabList = yasgui.tabElements, plus = tabList && tabList.addTabEl;
  if (plus && plus.parentNode && plus.parentNode.getAttribute("role") === "tablist") {
    var list = plus.parentNode, bar = document.createElement("div");
    bar.className = "tabs-bar";
    list.parentNode.insertBefore(bar, list);
    bar.appendChild(list);
    bar.appendChild(plus);
    tabList.addTabEl = null;
  }

  var first = yasgui.getTab();
  first.setQuery(cfg.query);
  // The query the page was asked for, or the default one, runs at once: the page opens with an answer.
  if (cfg.error) mark(first.getYasqe(), cfg.error.line, cfg.error.column);
  else first.query();
  // YASGUI focuses the editor of the tab it shows, whatever its options say: the page opens with
  // the keyboard at its beginning, as any page does (WCAG 2.4.3), not inside the editor.
  var focused = document.activeElement;
  if (focused && focused.closest && focused.closest(".CodeMirror")) focused.blur();
  var byName = {};
  cfg.examples.forEach(function (e) { byName[e.name] = e; });
  document.querySelectorAll("a.example").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var example = byName[link.dataset.name];
      if (!example || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      var tab = yasgui.addTab(true, { name: example.title.slice(0, 40), requestConfig: request });
      tab.setQuery(example.query);
      tab.query();
    });
  });
  var root = document.getElementById("yasgui");
  labelled(root);
  new MutationObserver(function () { relink(root); labelled(root); }).observe(root, { childList: true, subtree: true });
  var results = document.getElementById("results");
  if (results) results.hidden = true;  // the editor shows them itself
})();
