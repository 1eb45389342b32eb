// The run page's service worker (served as /sw.js, registered by runmode.js on today's
// run page only, for the worker or admin who runs it). It keeps today's run pages and the
// static files they load, so a worker who opened today's session once can reopen it with
// no Wi-Fi. Network first: the cached copy answers only when the network fails.
//
// What it keeps: a run page only when the server marked its answer with
// X-Planner-Offline: <the session's day> (never JSON, never another page, never a page
// for a supervisor or teacher), and /static/ files a run page asked for. Nothing else.
// The cache is named by an opaque per-login key (?k=, an HMAC: no name, no id), older
// keys' caches are dropped when a new login's worker takes over, and logging out deletes
// the cache and unregisters this worker (static/js/app.js; the server also answers the
// logout with Clear-Site-Data).
"use strict";

var PREFIX = "planner-run-";
var CACHE = PREFIX + (new URL(self.location.href).searchParams.get("k") || "none");
var RUN_PAGE = /^\/sessions\/\d+\/run$/;
var HEADER = "X-Planner-Offline";

function today() {  // today in Beijing by the tablet's clock, as the server writes it
  try {
    return new Intl.DateTimeFormat("en-CA", {timeZone: "Asia/Shanghai", year: "numeric",
                                             month: "2-digit", day: "2-digit"}).format(new Date());
  } catch (e) {
    var d = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
}

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(PREFIX) === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

// Keep a run page the server marked as today's, and drop the pages of other days.
function keepPage(path, response) {
  var day = response.headers.get(HEADER);
  return caches.open(CACHE).then(function (cache) {
    if (!day) { return cache.delete(path, {ignoreVary: true}); }
    return cache.put(path, response).then(function () {
      return cache.keys();
    }).then(function (requests) {
      return Promise.all(requests.map(function (req) {
        return cache.match(req, {ignoreVary: true}).then(function (hit) {
          var other = hit && hit.headers.get(HEADER);
          if (other && other !== day) { return cache.delete(req, {ignoreVary: true}); }
          return null;
        });
      }));
    });
  });
}

function offline() {
  return new Response("<!doctype html><meta charset=utf-8><title>离线</title>" +
    "<p>没有网络，本机也没有保存这个页面。No network, and this page is not kept on this tablet.</p>",
    {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function runPage(event, path) {
  return fetch(event.request).then(function (response) {
    if (response.ok && response.type === "basic") {
      event.waitUntil(keepPage(path, response.clone()));
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(path, {ignoreVary: true});
    }).then(function (hit) {
      return hit && hit.headers.get(HEADER) === today() ? hit : offline();
    });
  });
}

function fromRunPage(clientId) {
  if (!clientId) { return Promise.resolve(false); }
  return self.clients.get(clientId).then(function (client) {
    return Boolean(client) && RUN_PAGE.test(new URL(client.url).pathname);
  });
}

function asset(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      event.waitUntil(fromRunPage(event.clientId).then(function (yes) {
        return yes ? caches.open(CACHE).then(function (cache) {
          return cache.put(request.url, copy);
        }) : null;
      }));
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request.url, {ignoreVary: true});
    }).then(function (hit) { return hit || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && RUN_PAGE.test(url.pathname) && !url.search) {
    event.respondWith(runPage(event, url.pathname));
  } else if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(asset(event));
  }
});

// The page that registered this worker was loaded before it was in control: it sends
// its own path and the static files it loaded, fetched again here and kept.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) { return; }
  event.waitUntil(Promise.all(data.urls.slice(0, 20).map(function (raw) {
    var url = new URL(raw, self.location.origin);
    if (url.origin !== self.location.origin) { return null; }
    if (RUN_PAGE.test(url.pathname) && !url.search) {
      return fetch(url.pathname, {credentials: "same-origin", redirect: "manual"})
        .then(function (response) {
          return response.ok && response.type === "basic" ? keepPage(url.pathname, response) : null;
        }).catch(function () { return null; });
    }
    if (url.pathname.indexOf("/static/") === 0) {
      return fetch(url.href).then(function (response) {
        return response.ok ? caches.open(CACHE).then(function (cache) {
          return cache.put(url.href, response);
        }) : null;
      }).catch(function () { return null; });
    }
    return null;
  })));
});
