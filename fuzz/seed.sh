#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the fixture sites in tests/sites/, the portal's own
# content and the default theme. The corpus is generated, not committed.
set -euo pipefail
cd "$(dirname "$0")"
top=..
mkdir -p corpus/front_matter corpus/markdown corpus/site_yaml corpus/i18n corpus/site corpus/statistics
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "corpus/front_matter/md-$n"
  # The markdown target prepends its own front matter: give it the body only.
  awk 'BEGIN{d=0} d>=2{print; next} /^---[[:space:]]*$/{d++; next} d==0{print}' "$f" > "corpus/markdown/md-$n"
done < <(find "$top/tests/sites" "$top/content" -name '*.md' -print0 | sort -z)
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1)); cp "$f" "corpus/site_yaml/site-$n"
done < <(find "$top/tests/sites" "$top" -maxdepth 3 -name site.yaml -not -path '*/fuzz/*' -print0 | sort -z)
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1)); cp "$f" "corpus/i18n/i18n-$n"
done < <(find "$top/tests/sites" "$top/themes" -path '*/i18n/*.yaml' -print0 | sort -z)
# Whole sites: site.yaml, home, a page, its translation, a template, cut by 0xFF bytes.
n=0
for site in "$top"/tests/sites/*/; do
  [ -f "$site/site.yaml" ] || continue
  n=$((n + 1))
  page=$(find "$site/content" -name "*.md" ! -name "_index*" ! -name "*.en.md" 2>/dev/null | sort | head -1 || true)
  en=${page%.md}.en.md
  tpl=$(find "$site/templates" -name page.html 2>/dev/null | head -1 || true)
  {
    cat "$site/site.yaml"; printf '\xff'
    cat "$site/content/_index.md" 2>/dev/null || true; printf '\xff'
    [ -n "$page" ] && cat "$page"; printf '\xff'
    [ -f "$en" ] && cat "$en"; printf '\xff'
    [ -n "$tpl" ] && cat "$tpl"
  } > "corpus/site/site-$n" || true
done
# Statistics tables: the portal's and the fixtures', and a GBK copy of the portal's.
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1)); cp "$f" "corpus/statistics/csv-$n"
done < <(find "$top/tests/sites" "$top/data" -name 'statistics.csv' -print0 | sort -z)
if command -v iconv >/dev/null 2>&1; then
  iconv -f UTF-8 -t GBK "$top/data/statistics.csv" > corpus/statistics/gbk 2>/dev/null || rm -f corpus/statistics/gbk
fi
printf '\xef\xbb\xbf单位,月份,活动场次,参与人次,线上浏览量\n哈尔滨,2022年8月,"1,234",5,6\n交通运输产业工会,Aug-22,1,2,3\n' > corpus/statistics/bom
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) inputs"; done
