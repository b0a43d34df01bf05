#!/usr/bin/env bash
# Cold and warm build times of a site with N camera-size photos (default 20), and of the
# portal: release build, 3 runs each, medians. Cold = the image cache deleted first.
#
#   benches/images.sh [N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n="${1:-20}"
cargo build --release --quiet --bin fenjin --example bench_photos
fenjin="target/release/fenjin"
work="$(mktemp -d "${TMPDIR:-/tmp}/fenjin-photos.XXXXXX")"
trap 'rm -rf "$work"' EXIT
target/release/examples/bench_photos "$work/site" "$n"

median() { sort -n | sed -n '2p'; }
run() { # root cold|warm -> seconds
  local root="$1" kind="$2"
  [ "$kind" = cold ] && rm -rf "$root/.fenjin-cache"
  local t0 t1
  t0=$(date +%s.%N)
  "$fenjin" build --root "$root" --output "$work/out" --force --now 2026-11-24 2>"$work/log"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
for site in "$work/site" "."; do
  name=$([ "$site" = . ] && echo portal || echo "$n photos")
  for kind in cold warm; do
    s=$(for i in 1 2 3; do run "$site" "$kind"; done | median)
    printf '%-10s %-5s %6.2f s\n' "$name" "$kind" "$s"
  done
  grep '^images:' "$work/log" || true
done
