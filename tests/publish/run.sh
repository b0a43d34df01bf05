#!/usr/bin/env bash
# The publishing recipe run for real, then Lighthouse: the one entry point.
#
#   tests/publish/run.sh
#
# Installs what the machine lacks (Debian's nginx and its brotli_static module, chromium,
# fonts-noto-cjk, the npm packages of package-lock.json: lighthouse 12.2.3), builds the
# portal with --compress for a free port on 127.0.0.1, starts nginx there with the server
# block of docs/publishing.md (nginx.mjs), runs nginx.test.mjs, then Lighthouse on every
# page kind in both languages (lighthouse.mjs), and stops nginx whatever happens.
# PUBLISH_TESTS_TIMEOUT (seconds, default 1200) stops everything.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"
started=$SECONDS
say() { printf '== %s\n' "$*"; }

missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -f /usr/share/nginx/modules-available/mod-http-brotli-static.conf ] \
  || dpkg-query -W -f='${Status}' libnginx-mod-http-brotli-static 2>/dev/null | grep -q 'ok installed' \
  || missing+=(libnginx-mod-http-brotli-static)
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q 'ok installed' || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt-get)"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
export PATH="$PATH:/usr/sbin"

if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "tests/publish/run.sh: Node.js 20 or newer with npm is needed" >&2
  exit 1
fi
lock_sum="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
stamp="$HERE/node_modules/.installed-from-lock"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "npm ci (tests/publish)"
  (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" >"$stamp"
fi

say "cargo build --release"
cargo build --release --quiet
fenjin="${CARGO_TARGET_DIR:-$REPO/target}/release/fenjin"
[ -x "$fenjin" ] || fenjin="$REPO/$fenjin"

export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
status=0
timeout --kill-after=10 "${PUBLISH_TESTS_TIMEOUT:-1200}" \
  node "$HERE/run.mjs" --fenjin "$fenjin" --site "${SITE_ROOT:-$REPO}" || status=$?
say "publishing tests: $( [ $status -eq 0 ] && echo passed || echo "FAILED (exit $status)" ) in $((SECONDS - started)) s"
exit $status
