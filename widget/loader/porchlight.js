// Porchlight loader: defines window.Porchlight as a command queue at once, then loads the
// WASM runtime from the directory this script came from and hands it the queue (and the way to
// load the messenger, live chat, from there too when it is needed).
//   <script async src="https://EDGE/porchlight.js" data-workspace="WORKSPACE_ID"></script>
// Optional: data-api="https://api.example.com" (API base), data-nonce="…" (CSP nonce for the
// widget's <style>), window.porchlightSettings = {workspaceId, userId, …} before the tag.
(function (w, d) {
  var warned;
  function warn(e) {
    if (!warned) {
      warned = 1;
      try {
        console.warn("Porchlight: could not load the messenger", e);
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
    // Imports porchlight-<name>.js from our directory and initialises its WASM, fetched while
    // the glue module loads, not after it: first the runtime ("widget"), which loads the
    // messenger (live chat) with it only when needed; a retry (n > 0) asks for a fresh copy.
    var load = function (name, n) {
      var base = dir + "porchlight-" + name;
      var again = n ? "?r=" + n : "";
      var wasm = fetch(base + "_bg.wasm" + again);
      wasm["catch"](function () {}); // reported by the import's rejection
      return import(base + ".js" + again).then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () {
          return m;
        });
      });
    };
    var config = {
      workspaceId: data.workspace || (settings && settings.workspaceId),
      apiBase: (data.api || dir).replace(/\/+$/, ""),
      settings: settings,
      nonce: data.nonce,
      load: load
    };

    load("widget")
      .then(function (m) {
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
      ["catch"](warn);
  } catch (e) {
    warn(e);
  }
})(window, document);
