// Porchlight loader: defines window.Porchlight as a command queue at once, starts the visitor's
// boot request, and loads the WASM runtime from the directory this script came from, handing it
// the queue, the boot in flight and the way to load the messenger (live chat) from there too
// when it is needed.
//   <script async src="https://EDGE/porchlight.js" data-workspace="WORKSPACE_ID"></script>
// Optional: data-api="https://api.example.com" (API base), window.porchlightSettings =
// {workspaceId, userId, …} before the tag. Styles are constructable stylesheets, which a strict
// CSP allows without a nonce; only a browser without them needs one for its <style>: the tag's
// own `nonce`, data-nonce="…" or porchlightSettings.nonce.
//
// PORCHLIGHT_FILES is filled in by the build (scripts/lib.sh `build_site`): each module's glue
// and WASM, named after their content so they can be cached for good. This file alone keeps its
// name and is revalidated on every load.
(function (w, d) {
  var warned;
  function warn(e) {
    if (!warned) {
      warned = 1;
      try {
        console.warn("Porchlight: could not load a module", e);
      } catch (_) {}
    }
  }
  try {
    var P = w.Porchlight;
    // Loaded twice (two tags, SPA re-render): the first copy owns the queue.
    if (P && P.l) return;
    // Keep what a page stub (`Porchlight.q = Porchlight.q || []`) queued before us.
    var q = (P && P.q) || [];
    var queue = function () {
      q.push(arguments);
    };
    queue.q = q;
    queue.l = 1;
    w.Porchlight = queue;

    var s = d.currentScript || d.querySelector("script[data-workspace]");
    var src = (s && s.src) || "";
    var dir = src.slice(0, src.lastIndexOf("/") + 1);
    var data = (s && s.dataset) || {};
    var settings = w.porchlightSettings;
    var files = PORCHLIGHT_FILES;
    // Imports a module's glue from our directory and initialises its WASM, fetched (and
    // compiled as it streams in) while the glue loads, not after it: first the runtime
    // ("widget"), which loads the messenger (live chat) with it only when needed; a retry
    // (n > 0) asks for a fresh copy.
    var loading = {};
    var load = function (name, n) {
      // The early launcher may have started the messenger already: the same load, once.
      if (!n && loading[name]) return loading[name];
      var f = files[name];
      var again = n ? "?r=" + n : "";
      var wasm = fetch(dir + f[1] + again);
      wasm["catch"](function () {}); // reported by the import's rejection
      var p = (loading[name] = import(dir + f[0] + again).then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () {
          return m;
        });
      }));
      // Also what makes a failed load "handled": a caller that ignores it needs no catch.
      p["catch"](function () {
        loading[name] = 0; // the next asker tries afresh
      });
      return p;
    };
    var ws = (settings && typeof settings.workspaceId == "string" && settings.workspaceId) || data.workspace;
    // The engagement module (outbound messages, tooltips, …): the runtime calls its exports
    // through this, in order; it is loaded on the first call, and again after a failed load.
    var engaged, chain = Promise.resolve();
    var engage = function (f, a, b, c) {
      chain = chain
        .then(function () {
          return (engaged = engaged || load("engage", +!!engage.n));
        })
        .then(function (m) {
          m[f](a, b, c);
        })
        ["catch"](function (e) {
          engaged = 0;
          engage.n = 1;
          warn(e);
        });
    };
    var config = {
      workspaceId: ws,
      apiBase: (data.api || dir).replace(/\/+$/, ""),
      settings: settings,
      nonce: data.nonce || (s && s.nonce) || (settings && settings.nonce),
      load: load,
      engage: engage
    };
    // A navigation in a single-page app: the runtime asks what the new page may show. Once the
    // engagement module is here it follows every navigation itself (pushState included).
    var navigated = function () {
      if (!engaged) w.Porchlight("update");
    };
    // Without the Navigation API, `pushState` / `replaceState` are heard by wrapping them: both
    // answer undefined, and one that throws has not navigated. Nothing here throws (a frozen
    // `history` ignores the assignment: this is sloppy-mode code).
    if (w.navigation) w.navigation.addEventListener("currententrychange", navigated);
    else
      ["pushState", "replaceState"].forEach(function (m) {
        var f = history[m];
        history[m] = function () {
          f.apply(this, arguments);
          navigated();
        };
      });
    w.addEventListener("popstate", navigated);
    w.addEventListener("hashchange", navigated);
    // The page boots by itself (a workspace known, no explicit `boot` queued): start that boot
    // now, so it travels while the runtime downloads. The runtime adopts it (`config.boot`) and
    // sends exactly this itself for every later boot (widget/src/session/mod.rs `start_session`).
    // (A page's `q` that is no array is not one the runtime reads either.)
    var explicit =
      q.some &&
      q.some(function (c) {
        return c && c[0] == "boot";
      });
    if (ws && !explicit) {
      try {
        if (d.body) paint(ws);
        else d.addEventListener("DOMContentLoaded", function () {
          paint(ws);
        });
      } catch (_) {}
      // In a task of its own (storage and the request take a few ms): no long task here. The
      // runtime cannot be in yet; if it were, it boots by itself.
      setTimeout(function () {
        try {
          if (!config.started) config.boot = boot(ws);
        } catch (_) {} // e.g. attributes JSON cannot hold: the runtime boots and says why
      });
    }

    load("widget")
      .then(function (m) {
        config.started = 1;
        m.start(q, config);
        // Whatever the runtime does, a call from the page never throws.
        var run = w.Porchlight;
        var safe = function () {
          try {
            return run.apply(this, arguments);
          } catch (e) {
            warn(e);
          }
        };
        safe.l = 1;
        w.Porchlight = safe;
      })
      ["catch"](function (e) {
        // Only the early launcher can be here: the runtime never ran.
        var early = d.getElementById("porchlight-root");
        if (early) early.remove();
        warn(e);
      });
  } catch (e) {
    warn(e);
  }

  // The launcher, drawn now rather than when the runtime has arrived: the runtime's own
  // stylesheet, icon and name (built in), the look the last boot left on this browser
  // (`porchlight:<ws>:paint`, written by the runtime from validated settings: custom properties,
  // set through the CSSOM so a strict CSP allows them) or the stylesheet's defaults. A click asks
  // for `show`, which the runtime replays. The runtime's launcher replaces this one when the
  // boot has answered (widget/src/ui.rs `mount`), or removes it if the boot fails for good.
  function paint(ws) {
    var look = {};
    try {
      look = JSON.parse(w.localStorage.getItem("porchlight:" + ws + ":paint")) || {};
    } catch (_) {}
    if (look.hidden || d.getElementById("porchlight-root")) return;
    var host = d.createElement("div");
    host.id = "porchlight-root";
    host.dataset.early = "";
    for (var k in look.vars || {}) host.style.setProperty(k, look.vars[k]);
    var root = host.attachShadow({ mode: "open" });
    var css = PORCHLIGHT_CSS;
    // A constructable stylesheet (no `style-src` needed); `push` throws where there is none (or
    // only the frozen array of Chromium < 99): then a <style> with the page's nonce.
    try {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets.push(sheet);
    } catch (_) {
      var style = d.createElement("style");
      style.nonce = config.nonce;
      style.textContent = css;
      root.append(style);
    }
    var wrap = d.createElement("div");
    wrap.className = look["class"] || "w";
    // No form can own a button in a shadow root: no `type`.
    wrap.innerHTML =
      '<button class="l" aria-expanded="false"><svg class="i" viewBox="0 0 24 24" aria-hidden="true"><path d="' +
      PORCHLIGHT_ICON +
      '"></path></svg></button>';
    var button = wrap.firstChild;
    // Its name is the one the runtime gave it last time, in the visitor's language then (set as
    // a property: never parsed), else the built-in English one (launcher-label.txt) when the
    // page or the browser asks for English first. Otherwise the language is the edge's to
    // decide: until the runtime's launcher takes over, this one is a picture, hidden from
    // assistive technology and out of the tab order, rather than a control named in English.
    var label = look.label || (String((settings && settings.locale) || navigator.language).slice(0, 2) == "en" && PORCHLIGHT_LABEL);
    if (label) {
      button.ariaLabel = label;
      host.lang = look.lang || "en";
    } else {
      button.tabIndex = -1;
      wrap.ariaHidden = true;
    }
    // As on the runtime's launcher, reaching for it starts the messenger's download.
    button.onpointerenter = button.onfocus = function () {
      load("messenger");
    };
    // On the press, not only the click: the runtime's launcher may replace this one between
    // the press and the release, and that click would never come.
    button.onpointerdown = button.onclick = function () {
      button.onfocus();
      w.Porchlight("show");
    };
    root.append(wrap);
    d.body.append(host);
  }

  // `POST /v1/boot` as the runtime sends it: the page's claims, attributes and locale, the page
  // facts, this browser's anonymous id, and the stored token when it is still live (the edge
  // then resumes that session). Without a token the body goes as text/plain, so a cross-origin
  // page pays no CORS preflight for a first visit; a token needs its Authorization header.
  function boot(ws) {
    var key = "porchlight:" + ws;
    var st = {};
    var ls;
    try {
      ls = w.localStorage;
      st = JSON.parse(ls.getItem(key)) || {};
    } catch (_) {}
    var sid = st.sessionId;
    if (!/^[0-9a-fA-F-]{16,64}$/.test(sid)) {
      var b = new Uint8Array(16);
      crypto.getRandomValues(b);
      sid = "";
      for (var i = 0; i < 16; i++) sid += (b[i] < 16 ? "0" : "") + b[i].toString(16);
      st.sessionId = sid;
      try {
        ls.setItem(key, JSON.stringify(st));
      } catch (_) {}
    }
    var token = st.token;
    var life = st.lifetimeMs > 0 ? st.lifetimeMs : 864e5;
    if (!/^wst_[A-Za-z0-9_]{1,196}$/.test(token) || !(st.expiresAt - Math.min(5e3, life / 10) > Date.now())) token = null;
    var body = {};
    var set = settings || {};
    ["userId", "email", "name", "userHash", "userJwt"].forEach(function (k) {
      if (set[k] != null) body[k] = set[k];
    });
    body.workspaceId = ws;
    if (set.attributes && typeof set.attributes == "object") body.attributes = set.attributes;
    body.page = { url: clip(location.href, 2048), referrer: clip(d.referrer, 2048), title: clip(d.title, 500) };
    // The edge picks the widget's language: the page's locale, else the browser's (in order).
    if (typeof set.locale == "string") body.locale = clip(set.locale, 35);
    body.languages = navigator.languages;
    body.sessionId = sid;
    // What this page may show, in the same answer (the runtime hands it to the engagement
    // module); `bs` is the browsing session as the last page left it (the edge decides).
    body.eligible = { url: body.page.url };
    try {
      var bs = ls.getItem(key + ":bs");
      // Content was shown on this browser before: fetch the engagement module alongside.
      if (bs) {
        body.eligible.bs = bs;
        load("engage");
      }
    } catch (_) {}
    var init = { method: "POST", body: JSON.stringify(body) };
    if (token) init.headers = { "Content-Type": "application/json", Authorization: "Bearer " + token };
    try {
      init.signal = AbortSignal.timeout(15e3);
    } catch (_) {}
    var response = fetch(config.apiBase + "/v1/boot", init);
    response["catch"](function () {}); // the runtime reads it (and retries)
    return { workspaceId: ws, sessionId: sid, token: token, response: response };
  }

  // At most n bytes of UTF-8, cut at a character boundary (as the runtime's `clip`).
  function clip(s, n) {
    s = String(s || "");
    var e = new TextEncoder().encode(s);
    return e.length <= n ? s : new TextDecoder().decode(e.subarray(0, n)).replace(/\uFFFD$/, "");
  }
})(window, document);
