// Reflection form: a live character counter under every long answer.
// Characters are counted as the server counts them (code points, a newline as one), so
// the counter turns red exactly when the server would refuse the text.
(function () {
  "use strict";

  function count(text) {
    return Array.from(text.replace(/\r\n/g, "\n").trim()).length;
  }

  function update(textarea) {
    var counter = document.getElementById("c-" + textarea.name);
    if (!counter) { return; }
    var limit = parseInt(textarea.dataset.limit, 10);
    var n = count(textarea.value);
    counter.querySelector(".count").textContent = n;
    counter.classList.toggle("over", n > limit);
    var over = counter.querySelector(".over-text");
    if (over) { over.hidden = n <= limit; }
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (target.matches && target.matches("textarea[data-limit]")) { update(target); }
  });
})();
