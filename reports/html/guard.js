// Counts script errors and console errors into the page itself, so a headless browser's DOM dump
// shows them as the root element's data-js-errors attribute. Runs first, before any other script.
(function () {
  var root = document.documentElement;
  var count = 0;
  function bump(msg) {
    count++;
    root.setAttribute("data-js-errors", String(count));
    root.setAttribute("data-js-last-error", String(msg).slice(0, 300));
  }
  window.addEventListener("error", function (e) { bump(e.message || "error"); });
  window.addEventListener("unhandledrejection", function (e) { bump(e.reason || "unhandled rejection"); });
  var orig = console.error;
  console.error = function () {
    bump(Array.prototype.join.call(arguments, " "));
    return orig.apply(console, arguments);
  };
  root.setAttribute("data-js-errors", "0");
})();
