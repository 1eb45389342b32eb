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

// The navigation's 更多 menu (and a session row's 操作 menu) is a <details>: it opens by a
// tap, Enter or Space with no script. Here: a tap elsewhere or Escape closes it, Escape
// returning the focus to its summary, and opening one closes the others.
document.addEventListener("click", function (event) {
  document.querySelectorAll("details.menu[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) { menu.open = false; }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  var menu = event.target.closest && event.target.closest("details.menu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});

// A session row's 取消本节…: ask for the reason in #cancel-dialog, on the page, instead of
// following the link to the same question on a page of its own (programs/cancel.html).
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-cancel-dialog]");
  var dialog = document.getElementById("cancel-dialog");
  if (!link || !dialog || typeof dialog.showModal !== "function") { return; }
  event.preventDefault();
  var form = dialog.querySelector("form");
  form.action = link.dataset.action;
  dialog.querySelector(".cancel-what").textContent = link.dataset.what;
  form.querySelector("textarea").value = "";
  var menu = link.closest("details");
  if (menu) { menu.open = false; }
  dialog.returnFocus = menu ? menu.querySelector("summary") : link;
  dialog.showModal();
  form.querySelector("textarea").focus();
});
document.addEventListener("click", function (event) {
  var back = event.target.closest && event.target.closest("dialog #cancel-back");
  if (back) {
    event.preventDefault();
    back.closest("dialog").close();
  }
});
document.addEventListener("close", function (event) {
  if (event.target.returnFocus) { event.target.returnFocus.focus(); }
}, true);

// The bar stays one line from 768 px: when its links don't fit (a narrow tablet, longer
// English words), the last ones move to the top of 更多, in order, and come back when
// there is room again. Without this script the bar wraps instead (nothing is lost).
function fitNav() {
  var nav = document.querySelector("nav.nav");
  var more = nav && nav.querySelector(".nav-more");
  if (!more) { return; }
  var menu = more.querySelector(".nav-menu");
  menu.querySelectorAll("a[data-moved]").forEach(function (link) {
    link.removeAttribute("data-moved");
    nav.insertBefore(link, more);
  });
  more.hidden = !menu.querySelector("a");
  if (!window.matchMedia("(min-width: 768px)").matches) { return; }
  while (nav.scrollWidth > nav.clientWidth + 1) {
    var links = nav.querySelectorAll(":scope > a");
    if (!links.length) { break; }
    var last = links[links.length - 1];
    last.setAttribute("data-moved", "1");
    menu.insertBefore(last, menu.firstChild);
    more.hidden = false;
  }
}
var fitPending = false;
function fitSoon() {
  if (fitPending) { return; }
  fitPending = true;
  window.requestAnimationFrame(function () { fitPending = false; fitNav(); });
}
document.addEventListener("DOMContentLoaded", fitNav);
window.addEventListener("load", fitNav);
window.addEventListener("resize", fitSoon);

// Logout on a tablet that ran a session: warn if run mode still holds unsent taps or
// notes (a dialog with big buttons, no hover), then clear what the tablet keeps: the
// queues in localStorage, the run pages the service worker cached, and the worker itself.
// The server's answer also carries Clear-Site-Data for browsers without this script.
(function () {
  "use strict";
var RUN_KEYS = ["runmode.pending.", "runmode.notes."];

function unsentCount() {
  var n = 0;
  try {
    for (var i = 0; i < window.localStorage.length; i++) {
      var key = window.localStorage.key(i) || "";
      if (key.indexOf(RUN_KEYS[0]) === 0) {
        n += Object.keys(JSON.parse(window.localStorage.getItem(key)) || {}).length;
      } else if (key.indexOf(RUN_KEYS[1]) === 0) {
        n += 1;
      }
    }
  } catch (e) { /* no storage: nothing kept */ }
  return n;
}

function clearTablet() {
  try {
    [window.localStorage, window.sessionStorage].forEach(function (store) {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i) || "";
        if (key.indexOf("runmode.") === 0) { store.removeItem(key); }
      }
    });
  } catch (e) { /* no storage */ }
  var jobs = [];
  if (window.caches) {
    jobs.push(window.caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("planner-run-") === 0; })
        .map(function (key) { return window.caches.delete(key); }));
    }));
  }
  if (navigator.serviceWorker) {
    jobs.push(navigator.serviceWorker.getRegistrations().then(function (regs) {
      return Promise.all(regs.map(function (reg) { return reg.unregister(); }));
    }));
  }
  return Promise.all(jobs).catch(function () { return null; });
}

function logoutDialog(form, n, leave) {
  var d = form.dataset;
  var dialog = document.createElement("dialog");
  dialog.className = "logout-dialog";
  dialog.setAttribute("aria-labelledby", "logout-dialog-title");
  var title = document.createElement("h2");
  title.id = "logout-dialog-title";
  title.textContent = d.title;
  var body = document.createElement("p");
  body.textContent = d.body.replace("{n}", String(n));
  var buttons = document.createElement("div");
  buttons.className = "actions";
  var stay = document.createElement("button");
  stay.type = "button";
  stay.className = "btn btn-primary btn-big";
  stay.textContent = d.stay;
  var go = document.createElement("button");
  go.type = "button";
  go.className = "btn btn-danger btn-big";
  go.textContent = d.leave;
  buttons.append(stay, go);
  dialog.append(title, body, buttons);
  document.body.appendChild(dialog);
  stay.addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { dialog.remove(); });
  go.addEventListener("click", function () { go.disabled = true; leave(); });
  dialog.showModal();
  stay.focus();
}

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.classList || !form.classList.contains("logout-form") || form.dataset.cleared) {
    return;
  }
  event.preventDefault();
  var leave = function () {
    clearTablet().then(function () {
      form.dataset.cleared = "1";
      form.submit();
    });
  };
  var n = unsentCount();
  if (n > 0 && typeof HTMLDialogElement === "function") { logoutDialog(form, n, leave); }
  else if (n > 0) { if (window.confirm(form.dataset.title)) { leave(); } }
  else { leave(); }
});
}());
