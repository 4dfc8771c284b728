// vpcaudit HTML report: optional filtering and sorting. The report is complete without this
// script; it only hides and reorders what the page already contains. Inlined, hash-allowed by CSP.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("findings-table");
  if (!form || !table) { return; }
  var selects = {
    severity: document.getElementById("filter-severity"),
    vpc: document.getElementById("filter-vpc"),
    rule: document.getElementById("filter-rule")
  };
  var status = document.getElementById("filter-status");
  var rows = table.tBodies[0].rows;

  function matches(el) {
    return Object.keys(selects).every(function (key) {
      var want = selects[key].value;
      return !want || el.getAttribute("data-" + key) === want;
    });
  }

  function apply() {
    var shown = 0;
    document.querySelectorAll("[data-filterable]").forEach(function (el) {
      var ok = matches(el);
      el.hidden = !ok;
      if (ok && el.tagName === "TR") { shown += 1; }
    });
    document.querySelectorAll("section.rule-group, section.vpc-findings").forEach(function (section) {
      section.hidden = section.querySelector("article.finding:not([hidden])") === null;
    });
    status.textContent = shown + " of " + rows.length + " findings shown";
  }

  Object.keys(selects).forEach(function (key) { selects[key].addEventListener("change", apply); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;

  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (kind === "text") { return cell.textContent.trim().toLowerCase(); }
    return parseFloat(cell.getAttribute("data-value") || "0");
  }

  function sortBy(th) {
    var index = th.cellIndex;
    var kind = th.getAttribute("data-sort");
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var list = Array.prototype.slice.call(body.rows);
    list.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      var order = x < y ? -1 : (x > y ? 1 : 0);
      return ascending ? order : -order;
    });
    list.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("th.sortable").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  table.querySelectorAll("th.sortable").forEach(function (th) {
    th.tabIndex = 0;
    th.addEventListener("click", function () { sortBy(th); });
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(th); }
    });
  });
}());
