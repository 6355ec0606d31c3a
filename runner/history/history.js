// The "changed only" toggle. It works on the data attributes of the
// rendered page: no request is ever made. Without script the form stays
// hidden and every row stays visible.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var box = document.getElementById("changed-only");
  var shown = document.getElementById("shown");
  if (!form || !box || !shown) { return; }
  var total = document.querySelectorAll("tr.case").length;
  var changed = document.querySelectorAll('tr.case[data-changed="true"]').length;
  function apply() {
    document.body.classList.toggle("changed-only", box.checked);
    shown.textContent = (box.checked ? changed : total) + " of " + total + " cases shown";
  }
  box.addEventListener("change", apply);
  form.addEventListener("submit", function (ev) { ev.preventDefault(); });
  form.hidden = false;
  apply();
}());
