// Suggestions under the header's search box, from /search?q=...&format=json. Without this script the
// box is a plain form that opens the search page. Keyboard: Down/Up move through the suggestions,
// Enter opens the one selected (or searches), Escape closes the list (WAI-ARIA combobox pattern).
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  if (!input || !window.fetch) return;
  var form = input.form;
  var list = document.createElement("ul");
  list.id = "site-search-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Names found");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  var MAX = 8, timer = null, asked = "", active = -1;

  function close() {
    list.hidden = true;
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }
  function options() { return list.querySelectorAll("li[role=option]"); }
  function select(index) {
    var items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }
  function item(id, href, label, kind, extraClass) {
    var li = document.createElement("li");
    li.id = id;
    li.setAttribute("role", "option");
    li.setAttribute("aria-selected", "false");
    if (extraClass) li.className = extraClass;
    var a = document.createElement("a");
    a.href = href;
    a.tabIndex = -1;
    a.textContent = label;
    li.appendChild(a);
    if (kind) {
      var k = document.createElement("span");
      k.className = "kind";
      k.textContent = " " + kind;
      li.appendChild(k);
    }
    li.addEventListener("mousedown", function (event) { event.preventDefault(); window.location.href = href; });
    return li;
  }
  function show(query, results, suggestion) {
    list.textContent = "";
    active = -1;
    results.slice(0, MAX).forEach(function (r, i) {
      list.appendChild(item("site-search-option-" + i, r.href, r.label, r.kind));
    });
    // A slip of the keyboard ("Warsw"): the word the search page would offer, offered here too.
    if (!results.length && suggestion) {
      list.appendChild(item("site-search-option-meant", form.action + "?q=" + encodeURIComponent(suggestion),
                            "Did you mean “" + suggestion + "”?", "", "meant"));
    }
    var all = form.action + "?q=" + encodeURIComponent(query);
    var label = results.length ? "All " + results.length + " matches for “" + query + "”" : "No name matches “" + query + "”";
    list.appendChild(item("site-search-option-all", all, label, "", "all"));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }
  function lookup() {
    var query = input.value.trim();
    if (query.length < 2) { close(); return; }
    if (query === asked) return;
    asked = query;
    fetch(form.action + "?q=" + encodeURIComponent(query) + "&format=json", { headers: { Accept: "application/json" } })
      .then(function (resp) { return resp.ok ? resp.json() : { results: [] }; })
      .then(function (doc) { if (input.value.trim() === query) show(query, doc.results || [], doc.suggestion); })
      .catch(close);
  }
  input.addEventListener("input", function () {
    asked = input.value.trim() === asked ? asked : "";
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (list.hidden) { asked = ""; lookup(); return; }
      event.preventDefault();
      select(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      event.preventDefault();
      window.location.href = options()[active].querySelector("a").href;
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
})();
