#!/usr/bin/env bash
# Shared steps of the README commands: install what is missing, build, migrate, serve.
# Every install step is skipped when its tool is already there at the right version.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# CI builds a fresh clone each time: keep cargo's output outside it so later runs are incremental.
if [ -n "${CI:-}" ] && [ -z "${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="$HOME/.cache/porchlight/target"
fi
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
WORKER_BUILD_VERSION="0.8.7"   # must match the `worker` crate's minor version
PORT="${PORCHLIGHT_PORT:-8787}"
# wrangler's devtools port (its default, 9229, when unset): set it to run a second `wrangler dev`
# next to another one on this machine.
INSPECTOR_PORT="${PORCHLIGHT_INSPECTOR_PORT:-}"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

ensure_rust() {
  if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! worker-build --version 2>/dev/null | grep -q "$WORKER_BUILD_VERSION"; then
    log "installing worker-build $WORKER_BUILD_VERSION (~4 min, once)"
    cargo install worker-build --version "$WORKER_BUILD_VERSION" --locked
  fi
  local wbv
  wbv="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$\| $wbv "; then
    # --locked fails here (a pinned webpki-roots is missing from the registry).
    log "installing wasm-bindgen-cli $wbv (~2 min, once)"
    cargo install wasm-bindgen-cli --version "$wbv"
  fi
}

ensure_npm() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "npm ci (wrangler, esbuild, binaryen, playwright-core, axe-core, ws)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    log "installing Chromium from apt"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
}

# schemathesis (API fuzzing, tests/fuzz) in a git-ignored venv, every package pinned in
# tests/fuzz/requirements.txt; reinstalled only when that file changes. Needs Python >= 3.10.
PYTHON="${PYTHON:-python3}"
VIRTUALENV_VERSION="21.15.11"   # only for a Python without ensurepip (Debian without python3-venv)
ensure_python() {
  local -x PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  local req=tests/fuzz/requirements.txt stamp=.venv/.requirements.txt
  if [ -x .venv/bin/schemathesis ] && cmp -s "$req" "$stamp"; then return 0; fi
  log "installing schemathesis into .venv (pinned in $req)"
  rm -rf .venv
  if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
    # No ensurepip: bootstrap virtualenv with pip --target (which also works where PEP 668
    # forbids installing into the system Python), and let it make the venv.
    rm -rf .venv
    local boot
    boot="$(mktemp -d)"
    "$PYTHON" -m pip install -q --target "$boot" "virtualenv==$VIRTUALENV_VERSION"
    PYTHONPATH="$boot" "$PYTHON" -m virtualenv -q .venv
    rm -rf "$boot"
  fi
  .venv/bin/python -m pip install -q -r "$req"
  cp "$req" "$stamp"
}

# No inlining of a function into its only caller: more, but more alike, bytes that brotli
# packs better (measured: engage -0.6 KB brotli, widget -0.09, messenger -0.05).
WASM_FEATURES=(--enable-bulk-memory --enable-reference-types --enable-multivalue
  --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals)
WASM_OPT_FLAGS=(-Oz "${WASM_FEATURES[@]}" --one-caller-inline-max-function-size 0)

# A module's cargo output → `OUT/porchlight-NAME_bg.wasm` and its glue `OUT/porchlight-NAME.js`
# (not yet minified): wasm-bindgen, panics stubbed, wasm-opt, short names. Each lever is described
# in ARCHITECTURE.md ("How the build packs the modules"); its measurements are in git log.
pack_module() { # $1 = cargo's .wasm, $2 = out dir, $3 = module name
  local src="$1" out="$2" name="$3"
  local bg="$out/porchlight-${name}_bg.wasm"
  # The loader always names the WASM file (no default path in the glue), and every browser
  # the widget supports (`:has()` in its CSS) has `TextEncoder.encodeInto` (no fallback).
  wasm-bindgen --target web --no-typescript --omit-default-module-path --encode-into always \
    --out-dir "$out" --out-name "porchlight-$name" "$src"
  # Panics trap at once (scripts/stub-panics.mjs): std's handler and its formatting go.
  node scripts/stub-panics.mjs "$bg" "$bg" >/dev/null
  wasm-opt "${WASM_OPT_FLAGS[@]}" --converge "$bg" -o "$bg"
  # One- or two-letter import, export and module names, renamed in the glue to match
  # (scripts/minify-glue.mjs): wasm-bindgen's hashed names cost ~1.7–3.6 KB brotli a module.
  wasm-opt "${WASM_FEATURES[@]}" --minify-imports-and-exports-and-modules --strip-producers \
    --strip-target-features "$bg" -o "$out/min.wasm" >/dev/null
  node scripts/minify-glue.mjs "$bg" "$out/min.wasm" "$out/porchlight-$name.js"
  mv "$out/min.wasm" "$bg"
}

# The widget's two WASM modules → dist/site: the runtime every page loads (`widget`: launcher,
# panel, session) and the messenger it loads only when needed (`messenger`: live chat). Each is
# packed (`pack_module`), its glue minified by esbuild, then renamed
# after its content (`porchlight-widget.<hash>.js`, `porchlight-widget_bg.<hash>.wasm`) so it
# can be cached for a year (`_headers`); the loader, which alone keeps its name, is built with
# those names in it. Then www.
WIDGET_MODULES=(widget messenger engage tour survey)
build_site() {
  log "building the widget (runtime + messenger)"
  local name glue wasm hash files=""
  # One build each: built together, cargo would unify their dependencies' features.
  for name in "${WIDGET_MODULES[@]}"; do
    cargo build -q -p "porchlight-$name" --target wasm32-unknown-unknown --profile widget
  done
  rm -rf dist/site && mkdir -p dist/site dist/tmp
  for name in "${WIDGET_MODULES[@]}"; do
    rm -rf dist/tmp/*
    pack_module "$TARGET_DIR/wasm32-unknown-unknown/widget/porchlight_$name.wasm" dist/tmp "$name"
    esbuild --log-level=warning --minify --format=esm "dist/tmp/porchlight-$name.js" --outfile="dist/tmp/porchlight-$name.js" --allow-overwrite
    # One hash of both files names both (they change together): the loader's bytes.
    hash=$(cat "dist/tmp/porchlight-$name.js" "dist/tmp/porchlight-${name}_bg.wasm" | content_hash -)
    glue="porchlight-$name.$hash.js"
    wasm="porchlight-${name}_bg.$hash.wasm"
    mv "dist/tmp/porchlight-$name.js" "dist/site/$glue"
    mv "dist/tmp/porchlight-${name}_bg.wasm" "dist/site/$wasm"
    files="$files${files:+,}\"$name\":[\"$glue\",\"$wasm\"]"
  done
  rmdir dist/tmp 2>/dev/null || rm -rf dist/tmp
  # The loader draws the core's launcher before the core arrives: its stylesheet, icon and name
  # are the core's own files (widget/src/launcher.*), built in as string constants.
  local json='process.stdout.write(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8")))'
  # The stylesheet without its line breaks (one rule a line there): bytes of the loader's.
  local css='process.stdout.write(JSON.stringify(require("fs").readFileSync(process.argv[1], "utf8").replace(/\n/g, "")))'
  esbuild --log-level=warning --minify "--define:PORCHLIGHT_FILES={$files}" \
    "--define:PORCHLIGHT_CSS=$(node -e "$css" widget/src/launcher.css)" \
    "--define:PORCHLIGHT_ICON=$(node -e "$json" widget/src/launcher-icon.txt)" \
    "--define:PORCHLIGHT_LABEL=$(node -e "$json" widget/src/launcher-label.txt)" \
    widget/loader/porchlight.js --outfile=dist/site/porchlight.js
  cp -R www/. dist/site/
}

# The first 10 hex digits of a file's SHA-256 (`-`: standard input): its name part in dist/site.
content_hash() {
  sha256sum "$1" | cut -c1-10
}

# The built file of a module: `site_file DIR widget js` → porchlight-widget.<hash>.js,
# `site_file DIR widget wasm` → porchlight-widget_bg.<hash>.wasm.
site_file() { # $1 = site dir, $2 = module, $3 = js | wasm
  local pattern="porchlight-$2.*.js"
  [ "$3" = wasm ] && pattern="porchlight-$2_bg.*.wasm"
  (cd "$1" && compgen -G "$pattern" | head -n1)
}

build_edge() {
  log "building the edge Worker"
  (cd edge && WASM_BINDGEN_BIN="$(command -v wasm-bindgen)" ESBUILD_BIN="$ROOT/node_modules/.bin/esbuild" \
    WASM_OPT_BIN="$ROOT/node_modules/.bin/wasm-opt" worker-build --release >/tmp/porchlight-worker-build.log 2>&1) \
    || { cat /tmp/porchlight-worker-build.log; return 1; }
}

# A local root key for the admin API, kept in .dev.vars (git-ignored), made once.
ensure_dev_vars() {
  if [ ! -f .dev.vars ] || ! grep -q '^ROOT_KEY=' .dev.vars; then
    echo "ROOT_KEY=prk_$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >> .dev.vars
  fi
  ROOT_KEY="$(sed -n 's/^ROOT_KEY=//p' .dev.vars | head -n1)"
  export ROOT_KEY
}

migrate() { # $1 = persist dir
  wrangler d1 migrations apply DB --local --persist-to "$1" >/tmp/porchlight-migrate.log 2>&1 \
    || { cat /tmp/porchlight-migrate.log; return 1; }
}

WRANGLER_PID=""
# Starts `wrangler dev` on 127.0.0.1:$PORT in the background and waits for /health.
start_wrangler() { # $1 = persist dir, $2 = log file, rest = extra wrangler args
  local persist="$1" logf="$2"; shift 2
  if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then
    echo "something already serves 127.0.0.1:$PORT; stop it (or set PORCHLIGHT_PORT) and retry" >&2
    return 1
  fi
  # Its own process group (job control on for this one job), so that stopping it also stops
  # workerd, a grandchild.
  # The arguments, for a test that restarts the Worker the same way (tests/fault).
  WRANGLER_CMD=(dev --ip 127.0.0.1 --port "$PORT" --persist-to "$persist" --log-level warn "$@")
  if [ -n "$INSPECTOR_PORT" ]; then WRANGLER_CMD+=(--inspector-port "$INSPECTOR_PORT"); fi
  : >"$logf"
  run_wrangler "$logf"
}

# Runs `wrangler "${WRANGLER_CMD[@]}"` in the background and waits for /health.
run_wrangler() { # $1 = log file (appended to)
  local logf="$1"
  set -m
  wrangler "${WRANGLER_CMD[@]}" >>"$logf" 2>&1 &
  WRANGLER_PID=$!
  set +m
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$WRANGLER_PID" 2>/dev/null; then cat "$logf"; return 1; fi
    sleep 0.5
  done
  cat "$logf"; return 1
}

# A fresh runtime on the same persisted state, with the arguments of the last start_wrangler.
# The local dev proxy (wrangler 4.86) keeps memory per request it forwards: measured here,
# 20-50 KB each, and it stopped serving near 1.8 GB after ~18,000 requests.
restart_wrangler() { # $1 = log file (appended to)
  stop_wrangler
  run_wrangler "$1"
}

stop_wrangler() {
  if [ -n "$WRANGLER_PID" ]; then
    kill -- "-$WRANGLER_PID" 2>/dev/null || kill "$WRANGLER_PID" 2>/dev/null || true
    wait "$WRANGLER_PID" 2>/dev/null || true
    WRANGLER_PID=""
    # workerd can outlive its parent for a moment; make sure the port is free before returning.
    for _ in $(seq 1 20); do
      curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 || return 0
      sleep 0.25
    done
    pkill -f -- "--socket-addr=entry=127.0.0.1:$PORT" 2>/dev/null || true
  fi
}
