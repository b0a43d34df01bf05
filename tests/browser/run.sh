#!/usr/bin/env bash
# Browser tests of the built portal: the one entry point (see tests/browser/README.md).
#
#   tests/browser/run.sh
#
# Installs what the machine lacks (Debian's chromium and fonts-noto-cjk, a Java runtime,
# the npm packages of package-lock.json), builds the portal with the release binary into
# a temporary folder, serves it on 127.0.0.1 and runs portal.test.mjs, search.test.mjs and
# images.test.mjs with Node's test
# runner against it. Exits non-zero if anything fails.
#
# Environment: BROWSER_TESTS_TIMEOUT (seconds, default 600) stops the server and the tests
# whatever happens; KEEP_PORTAL=1 keeps the built portal and prints where it is;
# SITE_ROOT=DIR builds another site folder than this repository (fenjin build --root).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
started=$SECONDS
say() { printf '== %s\n' "$*"; }

# --- what a fresh machine lacks -------------------------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || missing+=(fonts-noto-cjk)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt-get)"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "tests/browser/run.sh: Node.js 20 or newer with npm is needed" >&2
  exit 1
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "tests/browser/run.sh: Node.js 20 or newer is needed (found $(node --version))" >&2
  exit 1
fi

# npm ci when node_modules is missing or was installed from another package-lock.json.
# --ignore-scripts: no package here needs one, and vnu-jar's would try to download a Java.
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
stamp="$HERE/node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "npm ci (tests/browser)"
  (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

# --- the portal -------------------------------------------------------------------------
say "cargo build --release"
cargo build --release --quiet
fenjin="${CARGO_TARGET_DIR:-$REPO/target}/release/fenjin"
[ -x "$fenjin" ] || fenjin="$REPO/$fenjin"

work="$(mktemp -d "${TMPDIR:-/tmp}/fenjin-browser.XXXXXX")"
cleanup() {
  if [ "${KEEP_PORTAL:-}" = 1 ]; then echo "the portal is kept in $work/portal"; else rm -rf "$work"; fi
}
trap cleanup EXIT

export SHOTS_DIR="$REPO/target/browser-shots"
mkdir -p "$SHOTS_DIR"
rm -f "$SHOTS_DIR"/*.png # no stale pictures of pages that no longer build

# The server picks a free port and hands it to the command as PORTAL_URL; the portal is
# built for that address (--base-url) so that every link and stylesheet stays local.
say "build, serve and test (stops after ${BROWSER_TESTS_TIMEOUT:-600} s at the latest)"
status=0
node "$HERE/serve.mjs" --root "$work/portal" --timeout "${BROWSER_TESTS_TIMEOUT:-600}" -- \
  bash -c 'set -euo pipefail
    "$1" build --root "$4" --output "$2" --now 2026-11-24 --force --base-url "$PORTAL_URL/"
    cd "$3"
    node --test --test-reporter=spec portal.test.mjs search.test.mjs images.test.mjs' \
  bash "$fenjin" "$work/portal" "$HERE" "${SITE_ROOT:-$REPO}" || status=$?

say "browser tests: $( [ $status -eq 0 ] && echo passed || echo "FAILED (exit $status)" ) in $((SECONDS - started)) s; screenshots in ${SHOTS_DIR#"$REPO"/}/"
exit $status
