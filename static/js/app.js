// Small progressive enhancements; every page works without them.
// htmx is configured by <meta name="htmx-config"> (allowEval off for the strict CSP).

// Live timing bar in the session editor: sum the minute inputs as the user types.
function updateTiming(form) {
  var timing = form.querySelector(".timing");
  if (!timing) { return; }
  var period = parseInt(timing.dataset.period, 10);
  var total = 0;
  form.querySelectorAll(".minutes-input").forEach(function (input) {
    var n = parseInt(input.value, 10);
    if (!isNaN(n) && n > 0) { total += n; }
  });
  var meter = timing.querySelector("meter");
  meter.max = Math.max(total, period);
  meter.value = total;
  timing.querySelector(".timing-total").textContent = total;
  timing.classList.toggle("over", total > period);
  timing.querySelector(".timing-over").hidden = total <= period;
}

document.addEventListener("input", function (event) {
  if (event.target.classList && event.target.classList.contains("minutes-input")) {
    updateTiming(event.target.form);
  }
});
