#!/usr/bin/env bash
# Runs every fuzz target in turn for MINUTES each (default 12), one job at a time at the
# lowest priority, logging to fuzz/long-run.log. Usage: fuzz/run-long.sh [MINUTES]
set -uo pipefail
cd "$(dirname "$0")"
minutes=${1:-12}
log=long-run.log
[ -d corpus ] || ./seed.sh
for t in front_matter markdown site_yaml i18n site statistics; do
  echo "== $t: $minutes min, $(date -u +%FT%TZ)" >> "$log"
  nice -n 19 cargo +nightly fuzz run "$t" "corpus/$t" -- \
    -max_total_time=$((minutes * 60)) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >> "$log" 2>&1
  echo "== $t: exit $?, $(date -u +%FT%TZ)" >> "$log"
done
