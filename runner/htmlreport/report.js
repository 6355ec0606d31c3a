// Filters and copy buttons. Everything works on data attributes of the
// rendered page: no request is ever made. Without script the filter form
// stays hidden and every element stays visible.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var codeBox = document.getElementById("code-filter");
  var shown = document.getElementById("shown");
  var items = Array.prototype.slice.call(
    document.querySelectorAll(".case, .cell, .matrix-domain, .pending-row, .problem-row"));
  var codeFilter = "";

  function checkedSet(name) {
    var set = {};
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { set[i.value] = i.checked; });
    return set;
  }

  // An element is hidden when its domain or its state has an unticked box;
  // a value without a box (an unknown domain, "not-run") is never hidden.
  function apply() {
    var domains = checkedSet("domain"), states = checkedSet("state");
    var total = 0, visible = 0;
    items.forEach(function (el) {
      var hide = domains[el.getAttribute("data-domain")] === false ||
        states[el.getAttribute("data-state")] === false;
      var isCase = el.classList.contains("case");
      if (isCase && codeFilter && el.getAttribute("data-code") !== codeFilter) { hide = true; }
      el.hidden = hide;
      if (isCase) { total++; if (!hide) { visible++; } }
    });
    shown.textContent = visible + " of " + total + " cases shown";
    codeBox.hidden = codeFilter === "";
    codeBox.querySelector("code").textContent = codeFilter;
  }

  function setAll(name, value) {
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (i) { i.checked = value; });
  }

  function showAll() {
    setAll("domain", true);
    setAll("state", true);
    codeFilter = "";
    apply();
  }

  form.addEventListener("change", apply);
  form.addEventListener("click", function (ev) {
    var action = ev.target.getAttribute && ev.target.getAttribute("data-action");
    if (action === "all") { showAll(); }
    if (action === "clear-code") { codeFilter = ""; apply(); }
    if (action === "problems") {
      codeFilter = "";
      form.querySelectorAll('input[name="state"]').forEach(function (i) {
        i.checked = ["fail", "error", "inconclusive"].indexOf(i.value) >= 0;
      });
      apply();
    }
  });

  // A cell with several cases shows exactly the cases expecting its code,
  // whatever the boxes said; the link itself still jumps to the worst one.
  document.getElementById("matrix").addEventListener("click", function (ev) {
    var cell = ev.target.closest && ev.target.closest("a.cell[href]");
    if (!cell || Number(cell.getAttribute("data-cases")) < 2) { return; }
    setAll("domain", true);
    setAll("state", true);
    codeFilter = cell.getAttribute("data-code");
    apply();
  });

  // Following a link to an element the filters hide shows everything again,
  // so an anchor never leads nowhere.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (el && el.closest("[hidden]")) {
      showAll();
      el.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", reveal);

  // Copy buttons next to (not inside) each command, so selecting the text by
  // hand never picks up the button's label.
  document.querySelectorAll(".copyable").forEach(function (box) {
    var pre = box.querySelector("pre");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "copy";
    button.addEventListener("click", function () { copy(pre, button); });
    box.appendChild(button);
  });

  function copy(pre, button) {
    function done(ok) {
      button.textContent = ok ? "copied" : "select + copy";
      setTimeout(function () { button.textContent = "copy"; }, 1500);
    }
    function bySelection() {
      var range = document.createRange();
      range.selectNodeContents(pre);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(pre.textContent).then(function () { done(true); }, bySelection);
    } else {
      bySelection();
    }
  }

  form.hidden = false;
  apply();
  reveal();
}());
