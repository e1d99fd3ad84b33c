#!/usr/bin/env bash
# Builds Opencom's visitor widget (loader + IIFE runtime) at a pinned commit, outside this repo, for
# the bench's side-by-side run (tests/bench/opencom.mjs). None of its code is committed here.
#
#   tests/bench/opencom-build.sh   → prints the directory holding widget.js (the loader, as their
#                                     CDN deploy script makes it), manifest.json and
#                                     v/<version>/widget.js; exit 3 with a one-line reason on
#                                     stderr when it cannot be had.
#
# Opencom publishes no package of its widget (all its workspace packages are private), so the
# source comes from a git repository holding the pinned commit: OPENCOM_SRC = a local clone, a bare
# git dir, or a git URL. Its npm dependencies come from the registry (pnpm, frozen lockfile). The
# build is cached in ~/.cache/porchlight/opencom/<commit> (OPENCOM_CACHE), so once built a machine
# needs no source again. Two builds of the pinned commit here (Node 20, pnpm 9.0.0) were
# byte-identical: runtime sha256 95a0a978af10…, loader fcafdaf7c656… (printed by the bench).
set -euo pipefail

COMMIT="${OPENCOM_COMMIT:-2425492b69e1297001abaadc6170c69b281003bc}"
PNPM="pnpm@9.0.0" # their package.json's packageManager
CACHE="${OPENCOM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/porchlight/opencom}"
OUT="$CACHE/$COMMIT/site"
BUNDLE="apps/widget/dist/opencom-widget.iife.js"

skip() { echo "$*" >&2; exit 3; }
if [ -s "$OUT/widget.js" ] && [ -s "$OUT/manifest.json" ]; then echo "$OUT"; exit 0; fi

[ -n "${OPENCOM_SRC:-}" ] || skip "Opencom's widget is on no package registry, and there is neither a build of it in $CACHE/$COMMIT nor OPENCOM_SRC (a git clone of Opencom holding commit ${COMMIT:0:12}) to build it from"
WORK="$CACHE/$COMMIT/src"
LOG="$CACHE/$COMMIT/build.log"
mkdir -p "$CACHE/$COMMIT"
rm -rf "$WORK" && mkdir -p "$WORK"
: >"$LOG"

# The source tree at the pinned commit, without a checkout of the whole history.
GIT_DIR_SRC=""
if [ -d "$OPENCOM_SRC/.git" ]; then GIT_DIR_SRC="$OPENCOM_SRC/.git"; elif [ -d "$OPENCOM_SRC" ]; then GIT_DIR_SRC="$OPENCOM_SRC"; fi
if [ -z "$GIT_DIR_SRC" ]; then
  GIT_DIR_SRC="$CACHE/$COMMIT/git"
  rm -rf "$GIT_DIR_SRC" && git init -q --bare "$GIT_DIR_SRC"
  git --git-dir="$GIT_DIR_SRC" fetch -q --depth 1 "$OPENCOM_SRC" "$COMMIT" >>"$LOG" 2>&1 ||
    skip "could not fetch commit ${COMMIT:0:12} from OPENCOM_SRC=$OPENCOM_SRC (see $LOG)"
fi
git --git-dir="$GIT_DIR_SRC" cat-file -e "$COMMIT^{commit}" 2>/dev/null || skip "OPENCOM_SRC=$OPENCOM_SRC has no commit ${COMMIT:0:12}"
git --git-dir="$GIT_DIR_SRC" archive "$COMMIT" | tar -x -C "$WORK"

# Their dependencies from the npm registry, as their lockfile pins them; no install scripts run.
(
  cd "$WORK"
  npm exec --yes --package="$PNPM" -- pnpm install --frozen-lockfile --ignore-scripts \
    --filter "@opencom/widget..." --config.confirmModulesPurge=false
  npm exec --yes --package="$PNPM" -- pnpm --filter @opencom/widget build
) >>"$LOG" 2>&1 || skip "building Opencom's widget failed (see $LOG)"
[ -s "$WORK/$BUNDLE" ] || skip "Opencom's build wrote no $BUNDLE (see $LOG)"

# Laid out as their CDN deploy script (scripts/deploy-widget-cdn.sh) lays it out: a loader that
# reads manifest.json, then loads v/<version>/widget.js.
VERSION="$(node -p "require('$WORK/apps/widget/package.json').version")-${COMMIT:0:12}"
rm -rf "$OUT.tmp" && mkdir -p "$OUT.tmp/v/$VERSION"
cp "$WORK/$BUNDLE" "$OUT.tmp/v/$VERSION/widget.js"
printf '{\n  "latest": "%s"\n}\n' "$VERSION" >"$OUT.tmp/manifest.json"
sed "s/__OPENCOM_WIDGET_FALLBACK_VERSION__/$VERSION/g" "$WORK/scripts/widget-loader.js" >"$OUT.tmp/widget.js"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
rm -rf "$WORK" # node_modules and sources: the three files are all the bench needs
echo "$OUT"
