// Run mode (templates/runs/run.html only): a countdown per activity, and attendance
// taps that survive poor Wi-Fi. No eval and no inline handlers (strict CSP): the page
// describes itself in data-attributes, and everything is wired with addEventListener.
//
// Taps: each tap gets an id and the tablet's time and goes into localStorage first
// (student id and status only, never a name), then is POSTed. A 2xx answer clears it;
// a network failure, a 5xx, an expired login or a stale CSRF token leave it there,
// marked 未发送, and it is resent on the "online" event and every few seconds. The
// server keeps the latest tap per member, so resending and a second tablet are safe.
(function () {
  "use strict";

  var PREFIX = "runmode.pending.";
  var RETRY_MS = 5000;
  var POLL_MS = 15000;
  var memory = {};  // used when localStorage is unavailable (private mode)

  // ---------- the queue of unsent taps, per session ----------
  function readQueue(session) {
    try { return JSON.parse(window.localStorage.getItem(PREFIX + session)) || {}; }
    catch (e) { return memory[session] || {}; }
  }

  function writeQueue(session, queue) {
    var empty = Object.keys(queue).length === 0;
    try {
      if (empty) { window.localStorage.removeItem(PREFIX + session); }
      else { window.localStorage.setItem(PREFIX + session, JSON.stringify(queue)); }
    } catch (e) { memory[session] = queue; }
  }

  function queuedSessions() {
    var out = Object.keys(memory);
    try {
      for (var i = 0; i < window.localStorage.length; i++) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf(PREFIX) === 0) { out.push(key.slice(PREFIX.length)); }
      }
    } catch (e) { /* memory only */ }
    return out;
  }

  function newTapId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  // ---------- attendance tiles ----------
  function Roll(list) {
    this.list = list;
    this.session = list.dataset.session;
    this.url = list.dataset.tapUrl;
    this.stateUrl = list.dataset.stateUrl;
    this.csrf = list.dataset.csrf;
    this.order = [];
    this.labels = {};
    var pairs = JSON.parse(list.dataset.statuses);
    for (var i = 0; i < pairs.length; i++) {
      this.order.push(pairs[i][0]);
      this.labels[pairs[i][0]] = pairs[i][1];
    }
    this.sync = document.getElementById("run-sync");
    this.inflight = {};   // tap id → true while its POST is under way
    this.confirmed = {};  // student id → the status the server last confirmed
    this.lastTap = 0;
    this.epoch = 0;       // bumped on every tap, send and answer: a poll that saw an
                          // older state of the server is ignored
    this.anySaved = false;
    this.stale = false;   // a poll is owed once the sends under way are answered
  }

  Roll.prototype.tile = function (studentId) {
    return this.list.querySelector("button.member-tile[data-student=\"" + studentId + "\"]");
  };

  Roll.prototype.nextStatus = function (status) {
    var i = this.order.indexOf(status);
    return this.order[(i + 1) % this.order.length];  // unmarked (-1) → the first
  };

  // state: "" | "saving" | "saved" | "unsent" | "login" | an error message
  Roll.prototype.show = function (studentId, status, state) {
    var tile = this.tile(studentId);
    if (!tile) { return; }
    var d = this.list.dataset;
    var notes = {"": "", saving: d.labelSaving, saved: d.labelSaved, unsent: d.labelUnsent,
                 login: d.labelLogin};
    tile.dataset.status = status || "";
    tile.className = "member-tile status-" + (status || "none");
    if (state === "unsent" || state === "login") { tile.classList.add("is-unsent"); }
    else if (state === "saving") { tile.classList.add("is-saving"); }
    else if (state === "saved") { tile.classList.add("is-saved"); }
    else if (state) { tile.classList.add("is-refused"); }
    tile.querySelector(".tile-status").textContent = this.labels[status] || d.labelNone;
    tile.querySelector(".tile-note").textContent = state in notes ? notes[state] : state;
    // keep the no-script form's next status in step with the tile
    tile.form.querySelector("input[name=status]").value = this.nextStatus(status);
  };

  Roll.prototype.tap = function (tile) {
    if (tile.disabled) { return; }
    this.mark(tile.dataset.student, this.nextStatus(tile.dataset.status), false);
    this.updateSync();
  };

  // 全部出席: one tap marks every member not yet marked (as this tablet knows) present,
  // each through the queue like a tap; if_unset asks the server never to overwrite a
  // status another tablet set meanwhile (an excused absence): the answer shows it.
  Roll.prototype.allPresent = function () {
    var tiles = this.list.querySelectorAll("button.member-tile[data-student]");
    for (var i = 0; i < tiles.length; i++) {
      if (!tiles[i].disabled && !tiles[i].dataset.status) {
        this.mark(tiles[i].dataset.student, this.order[0], true);
      }
    }
    this.updateSync();
  };

  Roll.prototype.mark = function (studentId, status, ifUnset) {
    // the tablet's clock, strictly increasing on this page so two quick taps keep order
    var at = Math.max(Date.now(), this.lastTap + 1);
    this.lastTap = at;
    this.epoch += 1;
    var entry = {tap_id: newTapId(), session: this.session, student_id: studentId,
                 status: status, tapped_at: new Date(at).toISOString(), url: this.url};
    if (ifUnset) { entry.if_unset = true; }
    var queue = readQueue(this.session);
    queue[studentId] = entry;  // a newer tap replaces the unsent older one: latest wins
    writeQueue(this.session, queue);
    this.show(studentId, status, "saving");
    this.send(entry);
  };

  Roll.prototype.isCurrent = function (entry) {
    var queued = readQueue(entry.session)[entry.student_id];
    return Boolean(queued) && queued.tap_id === entry.tap_id;
  };

  Roll.prototype.forget = function (entry) {
    var queue = readQueue(entry.session);
    if (queue[entry.student_id] && queue[entry.student_id].tap_id === entry.tap_id) {
      delete queue[entry.student_id];
      writeQueue(entry.session, queue);
      return true;
    }
    return false;
  };

  Roll.prototype.send = function (entry) {
    var self = this;
    if (self.inflight[entry.tap_id]) { return; }
    self.inflight[entry.tap_id] = true;
    self.epoch += 1;
    var body = new URLSearchParams();
    body.append("student_id", entry.student_id);
    body.append("status", entry.status);
    body.append("tapped_at", entry.tapped_at);
    body.append("tap_id", entry.tap_id);
    if (entry.if_unset) { body.append("if_unset", "1"); }
    fetch(entry.url, {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      redirect: "manual",  // an expired login answers with a redirect: not a success
      headers: {"Accept": "application/json", "X-CSRFToken": self.csrf}
    }).then(function (resp) {
      if (resp.ok) {
        return resp.json().then(function (data) {
          if (!data || data.tap_id !== entry.tap_id) { throw new Error("unexpected answer"); }
          self.saved(entry, data);
        });
      }
      if ([403, 404, 409, 422].indexOf(resp.status) >= 0) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          self.refused(entry, data);
        });
      }
      // 400 (stale CSRF token), a login redirect, 429, 5xx: keep it and retry
      self.unsent(entry, resp.type === "opaqueredirect" || resp.status === 400);
    }).catch(function () {
      self.unsent(entry, false);
    }).then(function () {
      delete self.inflight[entry.tap_id];
      self.epoch += 1;
      self.updateSync();
      if (self.stale && !Object.keys(self.inflight).length) { self.poll(); }
    });
  };

  Roll.prototype.saved = function (entry, data) {
    this.anySaved = true;
    var ours = entry.session === this.session;
    if (ours) { this.confirmed[entry.student_id] = data.status; }
    // the answer carries the member's status as it stands: if another tablet tapped
    // later, that tap won and the tile shows it (unless a newer tap here is pending)
    if (this.forget(entry) && ours) { this.show(entry.student_id, data.status, "saved"); }
  };

  Roll.prototype.refused = function (entry, data) {
    var ours = entry.session === this.session;
    if (this.forget(entry) && ours) {
      this.show(entry.student_id, this.confirmed[entry.student_id],
                (data && data.error) || this.list.dataset.labelUnsent);
    }
  };

  Roll.prototype.unsent = function (entry, login) {
    if (entry.session === this.session && this.isCurrent(entry)) {
      this.show(entry.student_id, entry.status, login ? "login" : "unsent");
    }
  };

  Roll.prototype.flush = function () {
    var sessions = queuedSessions();
    for (var i = 0; i < sessions.length; i++) {
      var queue = readQueue(sessions[i]);
      for (var key in queue) {
        if (Object.prototype.hasOwnProperty.call(queue, key)) { this.send(queue[key]); }
      }
    }
    this.updateSync();
  };

  Roll.prototype.pendingCount = function () {
    var sessions = queuedSessions(), n = 0;
    for (var i = 0; i < sessions.length; i++) { n += Object.keys(readQueue(sessions[i])).length; }
    return n;
  };

  Roll.prototype.updateSync = function () {
    if (!this.sync) { return; }
    var n = this.pendingCount(), inflight = Object.keys(this.inflight).length;
    var d = this.list.dataset;
    if (n > inflight || (n > 0 && !navigator.onLine)) {
      this.sync.textContent = d.labelPending.replace("{n}", String(n));
      this.sync.className = "run-sync is-unsent";
    } else if (n === 0) {
      this.sync.textContent = this.anySaved ? d.labelAllSaved : "";
      this.sync.className = this.anySaved ? "run-sync is-saved" : "run-sync";
    }
  };

  // Another tablet may mark the same session: take the server's statuses for tiles
  // with nothing pending here.
  Roll.prototype.poll = function () {
    var self = this, started = self.epoch;
    if (!navigator.onLine) { return; }
    if (Object.keys(self.inflight).length) { self.stale = true; return; }  // after them
    self.stale = false;
    fetch(self.stateUrl, {credentials: "same-origin", cache: "no-store", redirect: "manual",
                          headers: {"Accept": "application/json"}})
      .then(function (resp) { return resp.ok ? resp.json() : null; })
      .then(function (data) {
        if (!data || !data.attendance || self.epoch !== started) { return; }
        var queue = readQueue(self.session);
        var tiles = self.list.querySelectorAll("button.member-tile[data-student]");
        for (var i = 0; i < tiles.length; i++) {
          var id = tiles[i].dataset.student, status = data.attendance[id] || "";
          if (queue[id] || status === (tiles[i].dataset.status || "")) { continue; }
          self.confirmed[id] = status;
          self.show(id, status, "");
        }
      })
      .catch(function () { /* offline: try again later */ });
  };

  Roll.prototype.start = function () {
    var self = this;
    var tiles = self.list.querySelectorAll("button.member-tile[data-student]");
    for (var i = 0; i < tiles.length; i++) {
      self.confirmed[tiles[i].dataset.student] = tiles[i].dataset.status;
    }
    // taps left from before a reload: show them as unsent until they go through
    var queue = readQueue(self.session);
    for (var key in queue) {
      if (Object.prototype.hasOwnProperty.call(queue, key)) {
        self.show(key, queue[key].status, "unsent");
      }
    }
    self.list.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList.contains("tile-form")) { return; }
      event.preventDefault();
      self.tap(form.querySelector("button.member-tile"));
    });
    var all = document.getElementById("all-present");
    if (all) {
      all.closest(".all-present-row").hidden = false;
      all.addEventListener("click", function () { self.allPresent(); });
    }
    window.addEventListener("online", function () { self.flush(); self.poll(); });
    window.addEventListener("offline", function () { self.updateSync(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { self.flush(); self.poll(); }
    });
    window.setInterval(function () { if (self.pendingCount()) { self.flush(); } }, RETRY_MS);
    window.setInterval(function () { self.poll(); }, POLL_MS);
    self.flush();
  };

  // ---------- activity countdown ----------
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(ms) {
    var s = Math.ceil(Math.abs(ms) / 1000);
    return pad(Math.floor(s / 60)) + ":" + pad(s % 60);
  }

  function Timer(panel) {
    this.panel = panel;
    this.items = document.querySelectorAll("[data-activity]");
    this.key = "runmode.timer." + panel.dataset.session;
    this.state = {index: 0, remaining: this.minutes(0), running: false, endsAt: 0};
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(this.key));
      if (saved && saved.index >= 0 && saved.index <= this.items.length) { this.state = saved; }
    } catch (e) { /* start afresh */ }
    this.ticker = null;
  }

  Timer.prototype.minutes = function (index) {
    var item = this.items[index];
    return item ? parseInt(item.dataset.minutes, 10) * 60000 : 0;
  };

  Timer.prototype.left = function () {
    return this.state.running ? this.state.endsAt - Date.now() : this.state.remaining;
  };

  Timer.prototype.save = function () {
    try { window.sessionStorage.setItem(this.key, JSON.stringify(this.state)); } catch (e) { /* */ }
  };

  Timer.prototype.act = function (action) {
    var st = this.state, done = st.index >= this.items.length;
    if (action === "start" && !st.running && !done) {
      st.running = true;
      st.endsAt = Date.now() + st.remaining;
    } else if (action === "pause" && st.running) {
      st.remaining = st.endsAt - Date.now();
      st.running = false;
    } else if (action === "next" && !done) {
      var wasRunning = st.running;
      st.index += 1;
      st.remaining = this.minutes(st.index);
      st.running = wasRunning && st.index < this.items.length;
      st.endsAt = Date.now() + st.remaining;
    }
    this.save();
    this.render();
  };

  Timer.prototype.render = function () {
    var st = this.state, d = this.panel.dataset, done = st.index >= this.items.length;
    var left = this.left(), over = !done && left < 0;
    var byId = function (id) { return document.getElementById(id); };
    for (var i = 0; i < this.items.length; i++) {
      var current = i === st.index;
      this.items[i].classList.toggle("is-current", current);
      if (current) { this.items[i].setAttribute("aria-current", "step"); }
      else { this.items[i].removeAttribute("aria-current"); }
    }
    var item = this.items[st.index];
    byId("timer-phase").textContent = item ? item.dataset.phase : "";
    byId("timer-title").textContent = item ? item.dataset.title : d.labelDone;
    byId("timer-step").textContent = item ? d.labelStep.replace("{n}", String(st.index + 1)) : "";
    byId("timer-clock").textContent = done ? "00:00" : (over ? "+" : "") + clock(left);
    this.panel.classList.toggle("is-over", over);
    var label = done ? d.labelDone : over ? d.labelOver : st.running ? d.labelRunning
      : st.remaining === this.minutes(st.index) ? d.labelReady : d.labelPaused;
    var stateEl = byId("timer-state");
    if (stateEl.textContent !== label) { stateEl.textContent = label; }
    this.button("start").disabled = st.running || done;
    this.button("pause").disabled = !st.running;
    this.button("next").disabled = done;
    var self = this;
    if (st.running && !self.ticker) {
      self.ticker = window.setInterval(function () { self.render(); }, 250);
    } else if (!st.running && self.ticker) {
      window.clearInterval(self.ticker);
      self.ticker = null;
    }
  };

  Timer.prototype.button = function (action) {
    return this.panel.querySelector("[data-timer-action=\"" + action + "\"]");
  };

  Timer.prototype.start = function () {
    var self = this;
    self.panel.hidden = false;
    self.panel.addEventListener("click", function (event) {
      var button = event.target.closest("[data-timer-action]");
      if (button) { self.act(button.dataset.timerAction); }
    });
    self.render();
  };

  // ---------- field notes (随堂笔记): queued like taps ----------
  // What is typed goes into localStorage at once ("runmode.notes.<session>": the text,
  // the headcount, the version it was typed on), so a reload or a dead network loses
  // nothing; it is sent a moment after typing stops, on 保存记录, on "online" and every
  // few seconds, one save at a time. Each save carries a new id and the ids of the
  // earlier saves whose answers never came: the server recognises a resend and a save
  // on top of this tablet's own, so nothing is written twice and no false conflict
  // arises (planner/runs/services.save_record). Another device's newer save answers
  // 409 with the conflict form, the worker's text kept in it.
  var NOTES = "runmode.notes.";
  var TYPING_MS = 1500;

  function Notes(form) {
    this.form = form;
    this.session = form.dataset.session;
    this.key = NOTES + this.session;
    this.sync = form.querySelector(".note-sync");
    this.inflight = false;
    this.timer = null;
  }

  Notes.prototype.read = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key)); }
    catch (e) { return memory[this.key] || null; }
  };

  Notes.prototype.write = function (entry) {
    try {
      if (entry) { window.localStorage.setItem(this.key, JSON.stringify(entry)); }
      else { window.localStorage.removeItem(this.key); }
    } catch (e) { memory[this.key] = entry; }
  };

  Notes.prototype.input = function (name) {
    return this.form.querySelector("[name=\"" + name + "\"]");
  };

  Notes.prototype.values = function () {
    var headcount = this.input("headcount");
    return {notes: this.input("notes").value, headcount: headcount ? headcount.value : null};
  };

  Notes.prototype.show = function (state) {
    var d = this.form.dataset;
    var labels = {saving: d.labelSaving, saved: d.labelSaved, unsent: d.labelUnsent,
                  login: d.labelLogin, "": ""};
    this.sync.textContent = state in labels ? labels[state] : state;
    this.sync.className = "note-sync" + (state === "saved" ? " ok" : state && state !== "saving"
      ? " is-unsent" : "");
  };

  // the worker typed: keep it now, send it when typing stops
  Notes.prototype.changed = function (now) {
    var entry = this.read() || {version: parseInt(this.input("version").value, 10) || 0,
                                unanswered: []};
    var v = this.values();
    entry.notes = v.notes;
    entry.headcount = v.headcount;
    this.write(entry);
    if (!this.inflight) { this.show("unsent"); }
    var self = this;
    window.clearTimeout(self.timer);
    self.timer = window.setTimeout(function () { self.send(); }, now ? 0 : TYPING_MS);
  };

  Notes.prototype.send = function () {
    var self = this, entry = self.read();
    if (!entry || self.inflight || self.replaced) { return; }
    self.inflight = true;
    var saveId = newTapId();
    var earlier = entry.unanswered.slice(-19);
    entry.unanswered = earlier.concat([saveId]);
    self.write(entry);
    var sent = {notes: entry.notes, headcount: entry.headcount};
    var body = new URLSearchParams();
    body.append("notes", entry.notes);
    if (entry.headcount !== null && entry.headcount !== undefined) {
      body.append("headcount", entry.headcount);
    }
    body.append("version", String(entry.version));
    body.append("save_id", saveId);
    if (earlier.length) { body.append("unanswered", earlier.join(",")); }
    self.show("saving");
    fetch(self.form.action, {
      method: "POST", body: body, credentials: "same-origin", cache: "no-store",
      redirect: "manual",
      headers: {"Accept": "application/json", "X-CSRFToken": self.csrf()}
    }).then(function (resp) {
      if (resp.ok) {
        return resp.json().then(function (data) {
          if (!data || data.save_id !== saveId) { throw new Error("unexpected answer"); }
          self.saved(sent, data.version);
        });
      }
      if (resp.status === 409) {
        return resp.json().then(function (data) {
          if (data && data.conflict && data.html) { self.conflict(data.html); }
          else { self.refused((data && data.error) || ""); }
        });
      }
      if ([403, 404, 422].indexOf(resp.status) >= 0) {
        return resp.json().catch(function () { return {}; }).then(function (data) {
          self.refused((data && data.error) || "");
        });
      }
      self.show(resp.type === "opaqueredirect" || resp.status === 400 ? "login" : "unsent");
    }).catch(function () {
      self.show("unsent");
    }).then(function () {
      self.inflight = false;
    });
  };

  Notes.prototype.csrf = function () {
    var token = this.input("csrf_token");
    return token ? token.value : "";
  };

  Notes.prototype.saved = function (sent, version) {
    this.input("version").value = String(version);
    var entry = this.read();
    if (!entry) { return; }
    if (entry.notes === sent.notes && entry.headcount === sent.headcount) {
      this.write(null);
      this.show("saved");
      return;
    }
    // typed on while it was on its way: the rest goes on top of the saved version
    entry.version = version;
    entry.unanswered = [];
    this.write(entry);
    this.send();
  };

  Notes.prototype.refused = function (message) {
    this.write(null);  // the server will not take it: the text stays on screen
    this.show(message || this.form.dataset.labelUnsent);
  };

  Notes.prototype.conflict = function (html) {
    this.write(null);  // the conflict form keeps the worker's text in its own box
    this.replaced = true;
    var section = this.form.closest(".run-record");
    section.insertAdjacentHTML("afterend", html);
    var fresh = section.nextElementSibling;
    section.parentNode.removeChild(section);
    var form = fresh.querySelector("form.record-form");
    if (form) { new Notes(form).start(); }
  };

  Notes.prototype.pending = function () { return Boolean(this.read()); };

  Notes.prototype.start = function () {
    var self = this;
    // the page answers itself: htmx must not post this form as well
    ["hx-post", "hx-target", "hx-swap"].forEach(function (a) { self.form.removeAttribute(a); });
    var entry = self.read();
    if (entry) {  // typed before a reload, not sent yet
      self.input("notes").value = entry.notes;
      var headcount = self.input("headcount");
      if (headcount && entry.headcount !== null) { headcount.value = entry.headcount; }
      self.show("unsent");
    }
    self.form.addEventListener("input", function () { self.changed(false); });
    self.form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopPropagation();
      if (!self.form.querySelector("button[type=submit]").disabled) { self.changed(true); }
    });
    window.addEventListener("online", function () { self.send(); });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { self.send(); }
    });
    window.setInterval(function () { if (self.pending()) { self.send(); } }, RETRY_MS);
    self.send();
  };

  // ---------- the page itself, for a dead network (static/js/sw.js) ----------
  function keepOffline(run) {
    if (!run || !run.dataset.sw || !("serviceWorker" in navigator)) { return; }
    var urls = [window.location.pathname];
    document.querySelectorAll("script[src], link[rel=stylesheet]").forEach(function (el) {
      urls.push(el.src || el.href);
    });
    navigator.serviceWorker.register(run.dataset.sw, {scope: "/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) { registration.active.postMessage({type: "keep", urls: urls}); }
    }).catch(function () { /* no service worker: the page still works online */ });
  }

  // ---------- the notes form (htmx): say so when the network is down ----------
  function noteErrors() {
    var toggle = function (hidden) {
      return function (event) {
        var note = event.target.querySelector && event.target.querySelector(".send-error");
        if (note) { note.hidden = hidden; }
      };
    };
    document.body.addEventListener("htmx:beforeRequest", toggle(true));
    document.body.addEventListener("htmx:sendError", toggle(false));
  }

  function init() {
    var list = document.getElementById("member-tiles");
    if (list && list.dataset.tapUrl) { new Roll(list).start(); }
    var panel = document.getElementById("run-timer");
    if (panel) { new Timer(panel).start(); }
    var form = document.querySelector("form.record-form");
    if (form) { new Notes(form).start(); }
    noteErrors();
    keepOffline(document.getElementById("run"));
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); }
  else { init(); }
}());
