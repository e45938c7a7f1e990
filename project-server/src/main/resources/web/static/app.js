// SpareCycles web UI: the few behaviours the server-rendered pages need. No inline scripts (see the CSP).
(function () {
  "use strict";
  var token = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  // htmx requests carry the CSRF token as a header.
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = token();
  });

  // Charts: <canvas data-chart='{"labels": [...], "values": [...]}' data-kind="bar" data-label="...">
  function drawCharts(root) {
    if (typeof Chart === "undefined") {
      return;
    }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) {
        return;
      }
      canvas.dataset.drawn = "1";
      var data = JSON.parse(canvas.dataset.chart);
      new Chart(canvas, {
        type: canvas.dataset.kind || "bar",
        data: {labels: data.labels, datasets: [{label: canvas.dataset.label || "", data: data.values,
          backgroundColor: "#3b7dd8"}]},
        options: {animation: false, responsive: true, maintainAspectRatio: false,
          plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true}}}
      });
    });
  }

  // Sortable tables: click a header to sort by that column; numbers sort as numbers. The chosen order is kept per
  // table id and applied again when htmx replaces the table (the batch page refreshes it while the batch runs).
  var sortOrders = {};

  function sortTable(table, index, ascending) {
    var body = table.tBodies[0];
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (h, i) {
      if (i === index) { h.dataset.order = ascending ? "asc" : "desc"; } else { delete h.dataset.order; }
    });
    if (!body) {
      return;
    }
    var value = function (row) {
      var text = row.cells[index] ? row.cells[index].textContent.trim() : "";
      var number = parseFloat(text.replace(/[,%]/g, ""));
      return isNaN(number) || !/^-?[\d,.]+%?$/.test(text) ? text.toLowerCase() : number;
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      var c = typeof x === "number" && typeof y === "number" ? x - y
        : typeof x === "number" ? -1 : typeof y === "number" ? 1 : String(x).localeCompare(String(y));
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function sortable(root) {
    root.querySelectorAll("table.sortable").forEach(function (table) {
      var kept = table.id ? sortOrders[table.id] : null;
      if (kept && !table.dataset.sorted) {
        sortTable(table, kept.index, kept.ascending);
      }
      table.dataset.sorted = "1";
    });
    root.querySelectorAll("table.sortable thead th").forEach(function (th) {
      if (th.dataset.sortable) {
        return;
      }
      th.dataset.sortable = "1";
      th.addEventListener("click", function () {
        var table = th.closest("table");
        var index = Array.prototype.indexOf.call(th.parentNode.children, th);
        var ascending = th.dataset.order !== "asc";
        if (table.id) {
          sortOrders[table.id] = {index: index, ascending: ascending};
        }
        sortTable(table, index, ascending);
      });
    });
  }

  function enhance(root) {
    drawCharts(root);
    sortable(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function () { sortable(document); });
  document.addEventListener("htmx:afterSettle", function (e) { enhance(e.target.parentNode || document); });

  // Forms that ask before doing something that cannot be undone.
  document.addEventListener("submit", function (e) {
    var message = e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      e.preventDefault();
    }
  });

  // Drop zone: highlight while files are dragged over it.
  document.addEventListener("dragover", function (e) {
    var zone = e.target.closest && e.target.closest("label.drop");
    if (zone) { zone.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (e) {
    var zone = e.target.closest && e.target.closest("label.drop");
    if (zone) { zone.classList.remove("over"); }
  });
})();
