// Small progressive enhancements; every page works without them.
// htmx is configured by <meta name="htmx-config"> (allowEval off for the strict CSP).
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr ? event.detail.xhr.status : 0;
  var box = document.getElementById("net-status");
  if (box) { box.textContent = box.dataset.error + " (" + status + ")"; box.hidden = false; }
});
