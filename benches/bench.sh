#!/usr/bin/env bash
# Build-speed benchmark for fenjin, with Hugo side by side when it is installed.
#
#   bash benches/bench.sh                       # N = 1000 and 10000 pages per language
#   BENCH_SIZES="1000" BENCH_RUNS=3 bash benches/bench.sh
#   BENCH_INSTALL_HUGO=1 bash benches/bench.sh  # apt-get install hugo first if it is missing
#   BENCH_SIZES="10000 100000" BENCH_RUNS=3 BENCH_WORK=/var/tmp bash benches/bench.sh
#                                               # the scale targets (issue 13); search on and off
#
# The Markdown report goes to stdout; progress, warnings and tool logs go to stderr.
# See benches/README.md for what is measured and every environment variable.
set -euo pipefail

# ---------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd -- "$SCRIPT_DIR/.." && pwd -P)
SHARED=${SHARED:-$REPO/../shared}
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-5}
NOW=${BENCH_NOW:-2026-11-24}
INSTALL_HUGO=${BENCH_INSTALL_HUGO:-0}
KEEP=${BENCH_KEEP:-0}
SEARCH=${BENCH_SEARCH:-both}
HUGO_MAX=${BENCH_HUGO_MAX:-10000}
FENJIN=$REPO/target/release/fenjin
GEN=$SHARED/bench/gen_corpus.py
TEMPLATES=$SCRIPT_DIR/templates

log() { printf '%s\n' "bench: $*" >&2; }
warn() { printf '%s\n' "WARNING: $*" >&2; WARNINGS+=("$*"); }
die() { printf '%s\n' "bench: error: $*" >&2; exit 2; }
WARNINGS=()
FAILED=0

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer (got '$RUNS')"
for n in $SIZES; do
    [[ $n =~ ^[1-9][0-9]*$ ]] || die "BENCH_SIZES must be positive integers (got '$n')"
done
[[ -n ${SIZES// /} ]] || die "BENCH_SIZES is empty"
case $SEARCH in
    0 | off) MODES=(off) ;;
    1 | on) MODES=(on) ;;
    both) MODES=(off on) ;;
    *) die "BENCH_SEARCH must be off, on or both (got '$SEARCH')" ;;
esac
[[ $HUGO_MAX =~ ^[0-9]+$ ]] || die "BENCH_HUGO_MAX must be a number of pages (got '$HUGO_MAX')"
[[ -f $GEN ]] || die "corpus generator not found at $GEN (set SHARED=/path/to/shared)"
SHARED=$(cd -- "$SHARED" && pwd -P)
GEN=$SHARED/bench/gen_corpus.py
[[ -d $TEMPLATES ]] || die "benchmark templates not found at $TEMPLATES"

# apt-get as root, or through sudo when it does not ask for a password.
APT=()
if [[ $(id -u) -eq 0 ]]; then
    APT=(env DEBIAN_FRONTEND=noninteractive apt-get)
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    APT=(sudo env DEBIAN_FRONTEND=noninteractive apt-get)
fi
APT_UPDATED=0
apt_install() { # apt_install PACKAGE...; updates the package lists once if the first try fails
    [[ ${#APT[@]} -gt 0 ]] || return 1
    command -v apt-get >/dev/null 2>&1 || return 1
    if "${APT[@]}" install -y -q --no-install-recommends "$@" >&2; then return 0; fi
    [[ $APT_UPDATED -eq 1 ]] && return 1
    APT_UPDATED=1
    "${APT[@]}" update -q >&2 && "${APT[@]}" install -y -q --no-install-recommends "$@" >&2
}

command -v python3 >/dev/null 2>&1 || apt_install python3 || die "python3 is required (apt-get install python3)"
command -v cargo >/dev/null 2>&1 || die "cargo is required (install Rust with rustup: https://rustup.rs)"

# ---------------------------------------------------------------------------------------
# Measuring: wall time (s) and peak resident set size (KiB) of one command
# ---------------------------------------------------------------------------------------

TIMER=${BENCH_TIMER:-}
if [[ $TIMER == python ]]; then
    :
elif /usr/bin/time --version 2>&1 | grep -q GNU; then
    TIMER=gnu
elif [[ ! -e /usr/bin/time ]] && apt_install time && /usr/bin/time --version 2>&1 | grep -q GNU; then
    TIMER=gnu
else
    TIMER=python
    log "GNU /usr/bin/time not available; measuring with python's resource module"
fi

# measure RESULT_FILE LOG_FILE CMD...: runs CMD with stdout+stderr to LOG_FILE and writes
# "SECONDS PEAK_KIB" to RESULT_FILE. Returns CMD's exit status.
measure() {
    local result=$1 logf=$2
    shift 2
    if [[ $TIMER == gnu ]]; then
        local raw=$result.raw rc=0 t0 t1
        t0=${EPOCHREALTIME:-}
        /usr/bin/time -f '%e %M' -o "$raw" "$@" >"$logf" 2>&1 || rc=$?
        t1=${EPOCHREALTIME:-}
        # on failure GNU time writes "Command exited with non-zero status N" first.
        # %e has 10 ms steps; bash >= 5 gives microseconds around it (EPOCHREALTIME).
        tail -n 1 "$raw" | awk -v t0="${t0/,/.}" -v t1="${t1/,/.}" \
            '{ if (t0 != "" && t1 != "") printf "%.3f %s\n", t1 - t0, $2; else print }' >"$result"
        rm -f "$raw"
        return "$rc"
    fi
    python3 - "$result" "$logf" "$@" <<'PY'
import resource, subprocess, sys, time
result, logf, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(logf, "wb") as log:
    t0 = time.perf_counter()
    rc = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
with open(result, "w") as f:
    f.write(f"{wall:.3f} {peak}\n")
sys.exit(rc)
PY
}

median() { # median of the numbers on stdin
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

fmt_secs() { awk -v s="$1" 'BEGIN { if (s < 1) printf "%.3f s", s; else if (s < 10) printf "%.2f s", s; else printf "%.1f s", s }'; }
fmt_kib() {
    awk -v k="$1" 'BEGIN { m = k / 1024; if (m >= 1024) printf "%.1f GiB", m / 1024; else printf "%.0f MiB", m }'
}
fmt_int() { printf '%s' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }

# ---------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------

if ! command -v hugo >/dev/null 2>&1 && [[ $INSTALL_HUGO == 1 ]]; then
    log "installing hugo with apt-get"
    apt_install hugo || warn "could not install hugo with apt-get; running fenjin alone"
fi
HUGO=$(command -v hugo 2>/dev/null || true)
HUGO_VERSION=""
if [[ -n $HUGO ]]; then
    HUGO_VERSION=$("$HUGO" version 2>/dev/null | sed -n 's/.*[hH]ugo v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n 1)
    log "hugo $HUGO_VERSION at $HUGO"
else
    log "hugo not found: fenjin only (BENCH_INSTALL_HUGO=1 installs it with apt-get)"
fi

log "cargo build --release in $REPO"
(cd "$REPO" && cargo build --release >&2) || die "cargo build --release failed"
[[ -x $FENJIN ]] || die "$FENJIN was not built"
FENJIN_VERSION=$("$FENJIN" --version 2>/dev/null | awk '{ print $2 }')
COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $COMMIT != unknown ]] && [[ -n $(git -C "$REPO" status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    COMMIT="$COMMIT + uncommitted changes"
fi

# ---------------------------------------------------------------------------------------
# Work folder: on tmpfs when there is one, removed at exit unless BENCH_KEEP=1
# ---------------------------------------------------------------------------------------

if [[ -n ${BENCH_WORK:-} ]]; then
    mkdir -p "$BENCH_WORK"
    WORK=$(mktemp -d "$BENCH_WORK/fenjin-bench.XXXXXX")
elif [[ -d /dev/shm && -w /dev/shm ]]; then
    WORK=$(mktemp -d /dev/shm/fenjin-bench.XXXXXX)
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/fenjin-bench.XXXXXX")
fi
WORK_FS=$(df -P -T "$WORK" 2>/dev/null | awk 'NR == 2 { print $2 }')
cleanup() {
    if [[ $KEEP == 1 ]]; then log "kept corpora and outputs in $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
log "working in $WORK (${WORK_FS:-unknown} file system)"

# ---------------------------------------------------------------------------------------
# Output checks
# ---------------------------------------------------------------------------------------

# check_counts TOOL N OUT MANIFEST FEED_NAME: compares the pages each data-kind marker counts
# (and the feeds) with the manifest; prints one WARNING line per mismatch.
check_counts() {
    local tool=$1 n=$2 out=$3 manifest=$4 feed=$5 kind expected got
    local counts
    counts=$(grep -r -h -o -a --include='*.html' '<body data-kind="[A-Za-z0-9_-]*"' "$out" |
        sed 's/.*data-kind="\([^"]*\)"/\1/' | sort | uniq -c || true)
    local -A exp
    eval "$(python3 - "$manifest" <<'PY'
import json, sys
m = json.load(open(sys.argv[1], encoding="utf-8"))
e, k = m["expected_per_language"], len(m["languages"])
for kind, key in [("page", "page"), ("section", "section_pagers"), ("home", "home"),
                  ("taxonomy", "taxonomy_lists"), ("term", "term_pages"), ("feeds", "feeds")]:
    print(f"exp[{kind}]={e[key] * k}")
PY
)"
    local ok=1
    for kind in page section home taxonomy term; do
        got=$(awk -v k="$kind" '$2 == k { print $1 }' <<<"$counts")
        got=${got:-0}
        expected=${exp[$kind]}
        if [[ $got -ne $expected ]]; then
            warn "$tool N=$n: $got files with <body data-kind=\"$kind\">, manifest expects $expected"
            ok=0
        fi
    done
    got=$(find "$out" -type f -name "$feed" | wc -l)
    expected=${exp[feeds]}
    if [[ $got -ne $expected ]]; then
        warn "$tool N=$n: $got $feed feeds, manifest expects $expected"
        ok=0
    fi
    if [[ $ok == 1 ]]; then
        log "$tool N=$n: output complete (page ${exp[page]}, section ${exp[section]}, home ${exp[home]}, taxonomy ${exp[taxonomy]}, term ${exp[term]}, $feed ${exp[feeds]})"
    fi
}

# ---------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------

declare -A F_TIME F_MEM F_FILES F_BYTES H_TIME H_MEM H_FILES H_BYTES STAGE SOURCES
STAGE_NAMES=()

# run_tool TOOL N ROUND: one build into a fresh output folder; appends "secs kib" to the
# tool's sample file unless ROUND is the warm-up. TOOL is fenjin-off, fenjin-on or hugo.
run_tool() {
    local tool=$1 n=$2 round=$3 src out res logf
    out=$WORK/out-$tool-$n
    res=$WORK/res-$tool-$n-$round
    logf=$WORK/log-$tool-$n-$round
    rm -rf -- "$out"
    local cmd
    if [[ $tool == fenjin-* ]]; then
        src=$WORK/ours-$n
        # The two modes share the corpus; only site.yaml differs.
        cp -- "$src/site.yaml.${tool#fenjin-}" "$src/site.yaml"
        cmd=("$FENJIN" build --root "$src" --output "$out" --now "$NOW" --force)
    else
        src=$WORK/hugo-$n
        cmd=("$HUGO" --source "$src" --destination "$out" --quiet)
    fi
    sync
    if ! measure "$res" "$logf" "${cmd[@]}"; then
        warn "$tool N=$n run $round failed; its log:"
        sed 's/^/    /' "$logf" >&2
        return 1
    fi
    if [[ $round != warmup ]]; then
        cat "$res" >>"$WORK/samples-$tool-$n"
    fi
    log "  $tool $round: $(awk '{ printf "%.3f s, %.0f MiB", $1, $2 / 1024 }' "$res")"
}

for n in $SIZES; do
    log "N=$n: generating corpora"
    python3 "$GEN" --pages "$n" --out "$WORK/ours-$n" --flavor ours >&2
    cp -R -- "$TEMPLATES" "$WORK/ours-$n/templates"
    # Hugo builds no search index: `fenjin-off` does the same work, `fenjin-on` more
    # (benches/search/compare.mjs measures search on its own).
    cp -- "$WORK/ours-$n/site.yaml" "$WORK/ours-$n/site.yaml.on"
    { cat "$WORK/ours-$n/site.yaml"; printf '\nsearch: false\n'; } >"$WORK/ours-$n/site.yaml.off"
    SOURCES[$n]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["source_pages"])' "$WORK/ours-$n/manifest.json")
    tools=()
    for m in "${MODES[@]}"; do tools+=("fenjin-$m"); done
    if [[ -n $HUGO && $n -le $HUGO_MAX ]]; then
        python3 "$GEN" --pages "$n" --out "$WORK/hugo-$n" --flavor hugo >&2
        tools+=(hugo)
    elif [[ -n $HUGO ]]; then
        log "N=$n: above BENCH_HUGO_MAX=$HUGO_MAX, fenjin only"
    fi

    log "N=$n: warm-up, then $RUNS runs per tool, alternating (${tools[*]})"
    declare -A broken=()
    for round in warmup $(seq 1 "$RUNS"); do
        for tool in "${tools[@]}"; do
            [[ -n ${broken[$tool]:-} ]] && continue
            run_tool "$tool" "$n" "$round" || { broken[$tool]=1; FAILED=1; }
        done
    done

    for tool in "${tools[@]}"; do
        out=$WORK/out-$tool-$n
        if [[ -n ${broken[$tool]:-} ]]; then
            continue
        fi
        secs=$(awk '{ print $1 }' "$WORK/samples-$tool-$n" | median)
        kib=$(awk '{ print $2 }' "$WORK/samples-$tool-$n" | median)
        files=$(find "$out" -type f | wc -l)
        # sum of file sizes (du would add the folders' own sizes: 4 KiB each on ext4)
        bytes=$(find "$out" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
        if [[ $tool == fenjin-* ]]; then
            F_TIME[$tool,$n]=$secs F_MEM[$tool,$n]=$kib F_FILES[$tool,$n]=$files F_BYTES[$tool,$n]=$bytes
            check_counts "$tool" "$n" "$out" "$WORK/ours-$n/manifest.json" atom.xml
        else
            H_TIME[$n]=$secs H_MEM[$n]=$kib H_FILES[$n]=$files H_BYTES[$n]=$bytes
            check_counts hugo "$n" "$out" "$WORK/hugo-$n/manifest.json" rss.xml
        fi
        rm -rf -- "$out"
    done
    unset broken

    # per-stage timings from one verbose build per mode (not part of the timed runs)
    for m in "${MODES[@]}"; do
        [[ -n ${F_TIME[fenjin-$m,$n]:-} ]] || continue
        rm -rf -- "$WORK/out-fenjin-$n"
        cp -- "$WORK/ours-$n/site.yaml.$m" "$WORK/ours-$n/site.yaml"
        if "$FENJIN" build --root "$WORK/ours-$n" --output "$WORK/out-fenjin-$n" --now "$NOW" --force -v \
            >"$WORK/verbose-$m-$n.log" 2>&1; then
            while read -r stage ms; do
                [[ -n ${STAGE[$stage,any]:-} ]] || { STAGE_NAMES+=("$stage"); STAGE[$stage,any]=1; }
                STAGE[$stage,$m,$n]=$ms
            done < <(sed -n 's/^  \([A-Za-z_][A-Za-z0-9_-]*\) \{1,\}\([0-9][0-9.]*\) ms$/\1 \2/p' "$WORK/verbose-$m-$n.log")
            STAGE[total,$m,$n]=$(sed -n 's/^built .*(\([0-9.]*\) s)$/\1/p' "$WORK/verbose-$m-$n.log")
        else
            warn "fenjin -v search $m N=$n failed"
        fi
    done
    # free the work folder before the next size
    if [[ $KEEP != 1 ]]; then rm -rf -- "$WORK/out-fenjin-$n" "$WORK/hugo-$n" "$WORK/ours-$n"; fi
done

# ---------------------------------------------------------------------------------------
# Report (stdout)
# ---------------------------------------------------------------------------------------

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
hugo_col="Hugo ${HUGO_VERSION:-(not installed)}"

echo "Measured on $(date -u +%Y-%m-%d) on $(nproc) cores${cpu:+ ($cpu)}, ${mem:-? GiB} RAM;"
echo "fenjin $FENJIN_VERSION ($COMMIT). Corpus from gen_corpus.py (seed 20220101), build with"
echo "\`--now $NOW\`; output on ${WORK_FS:-a temporary folder}; $RUNS runs after a warm-up, tools alternating;"
if [[ $TIMER == gnu ]]; then how="GNU time"; else how="python's resource module"; fi
echo "medians of wall time and peak RSS ($how). Ratios = fenjin / Hugo (time or peak memory)."
echo
ratio() { # ratio A B: A / B as "0.23×", or — when either is missing
    awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2f×", a / b; else print "—" }'
}
header="| corpus (pages per language) |"
sep="| --- |"
for m in "${MODES[@]}"; do header+=" fenjin, search $m |"; sep+=" --- |"; done
header+=" $hugo_col (no search) |"
sep+=" --- |"
for m in "${MODES[@]}"; do header+=" time ratio, search $m |"; sep+=" ---: |"; done
header+=" memory ratio, search ${MODES[-1]} |"
sep+=" ---: |"
echo "$header"
echo "$sep"
for n in $SIZES; do
    last=fenjin-${MODES[-1]}
    corpus="$(fmt_int "$n") ($(fmt_int "${SOURCES[$n]:-$((2 * n))}") sources"
    if [[ -n ${F_BYTES[$last,$n]:-} ]]; then
        corpus+=", ~$(awk -v b="${F_BYTES[$last,$n]}" 'BEGIN { printf "%.0f", b / 1e6 }') MB out, $(fmt_int "${F_FILES[$last,$n]}") files"
    fi
    corpus+=")"
    row="| $corpus |"
    for m in "${MODES[@]}"; do
        if [[ -n ${F_TIME[fenjin-$m,$n]:-} ]]; then
            row+=" $(fmt_secs "${F_TIME[fenjin-$m,$n]}"), $(fmt_kib "${F_MEM[fenjin-$m,$n]}") |"
        else
            row+=" failed |"
        fi
    done
    if [[ -z $HUGO || $n -gt $HUGO_MAX ]]; then
        row+=" — |"
    elif [[ -n ${H_TIME[$n]:-} ]]; then
        row+=" $(fmt_secs "${H_TIME[$n]}"), $(fmt_kib "${H_MEM[$n]}") |"
    else
        row+=" failed |"
    fi
    for m in "${MODES[@]}"; do
        row+=" $(ratio "${F_TIME[fenjin-$m,$n]:-}" "${H_TIME[$n]:-}") |"
    done
    row+=" $(ratio "${F_MEM[$last,$n]:-}" "${H_MEM[$n]:-}") |"
    echo "$row"
done

# Scale: the time ratio between consecutive sizes (near-linear means about N2 / N1).
prev=""
for n in $SIZES; do
    if [[ -n $prev ]]; then
        for m in "${MODES[@]}"; do
            if [[ -n ${F_TIME[fenjin-$m,$n]:-} && -n ${F_TIME[fenjin-$m,$prev]:-} ]]; then
                echo
                echo "Scale, search $m: N=$(fmt_int "$n") takes $(ratio "${F_TIME[fenjin-$m,$n]}" "${F_TIME[fenjin-$m,$prev]}") the time of N=$(fmt_int "$prev") ($((n / prev))× the pages)."
            fi
        done
    fi
    prev=$n
done

if [[ -n $HUGO ]]; then
    echo
    for n in $SIZES; do
        last=fenjin-${MODES[-1]}
        line="Output at N=$(fmt_int "$n"):"
        [[ -n ${F_BYTES[$last,$n]:-} ]] && line+=" fenjin (search ${MODES[-1]}) $(awk -v b="${F_BYTES[$last,$n]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB in $(fmt_int "${F_FILES[$last,$n]}") files;"
        [[ -n ${H_BYTES[$n]:-} ]] && line+=" Hugo $(awk -v b="${H_BYTES[$n]}" 'BEGIN { printf "%.1f", b / 1e6 }') MB in $(fmt_int "${H_FILES[$n]}") files."
        echo "$line"
    done
fi

if [[ ${#STAGE_NAMES[@]} -gt 0 ]]; then
    echo
    echo "fenjin's stages (one \`fenjin build -v\` run per mode after the timed runs, ms; \`render\`"
    echo "includes writing the files into the staging folder; the whole build adds the swap into place):"
    echo
    header="| stage |" sep="| --- |"
    for n in $SIZES; do for m in "${MODES[@]}"; do header+=" N=$(fmt_int "$n"), search $m |"; sep+=" ---: |"; done; done
    echo "$header"
    echo "$sep"
    for stage in "${STAGE_NAMES[@]}"; do
        row="| $stage |"
        for n in $SIZES; do for m in "${MODES[@]}"; do row+=" ${STAGE[$stage,$m,$n]:-—} |"; done; done
        echo "$row"
    done
    row="| whole build, as fenjin reports it (10 ms steps) |"
    for n in $SIZES; do
        for m in "${MODES[@]}"; do
            v=${STAGE[total,$m,$n]:-}
            [[ -n $v ]] && v=$(awk -v s="$v" 'BEGIN { printf "%.0f", s * 1000 }')
            row+=" ${v:-—} |"
        done
    done
    echo "$row"
fi

if [[ ${#WARNINGS[@]} -gt 0 ]]; then
    echo
    echo "Warnings:"
    echo
    for w in "${WARNINGS[@]}"; do echo "- $w"; done
fi

exit "$FAILED"
