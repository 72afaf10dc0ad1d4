// Filters the cases by feature and by failing only, keeps "showing N of M" up to date, and checks
// that the summary counts in the header equal the cases on the page (data-summary-check).
// The filter can be preset from the address: #feature=sctp&failing=1.
(function () {
  var root = document.documentElement;
  var cases = Array.prototype.slice.call(document.querySelectorAll("section.case"));
  var feature = document.getElementById("filter-feature");
  var failing = document.getElementById("filter-failing");
  var shown = document.getElementById("shown");

  function isFailing(el) {
    var v = el.getAttribute("data-verdict");
    return v === "fail" || v === "error";
  }

  function apply() {
    var f = feature.value;
    var n = 0;
    cases.forEach(function (el) {
      var feats = (el.getAttribute("data-features") || "").split(" ");
      var show = (f === "" || feats.indexOf(f) >= 0) && (!failing.checked || isFailing(el));
      el.hidden = !show;
      if (show) { n++; }
    });
    shown.textContent = "showing " + n + " of " + cases.length + " cases";
    root.setAttribute("data-shown", String(n));
    document.querySelectorAll(".feature-row").forEach(function (row) {
      row.classList.toggle("active", row.getAttribute("data-feature") === f);
    });
  }

  function fromHash() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) { params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); }
    });
    if (params.feature !== undefined) {
      var known = Array.prototype.some.call(feature.options, function (o) { return o.value === params.feature; });
      feature.value = known ? params.feature : "";
    }
    if (params.failing !== undefined) { failing.checked = params.failing === "1"; }
  }

  function checkSummary() {
    var problems = [];
    document.querySelectorAll("[data-count-verdict]").forEach(function (el) {
      var v = el.getAttribute("data-count-verdict");
      var want = el.getAttribute("data-count");
      var got = cases.filter(function (c) { return c.getAttribute("data-verdict") === v; }).length;
      if (String(got) !== want) { problems.push(v + ": header " + want + ", cases " + got); }
    });
    root.setAttribute("data-summary-check", problems.length ? problems.join("; ") : "ok");
  }

  feature.addEventListener("change", apply);
  failing.addEventListener("change", apply);
  document.querySelectorAll(".feature-row").forEach(function (row) {
    row.addEventListener("click", function () {
      var f = row.getAttribute("data-feature");
      feature.value = feature.value === f ? "" : f;
      apply();
    });
  });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
  checkSummary();
  root.setAttribute("data-ready", "1");
})();
