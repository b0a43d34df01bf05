// Lighthouse (mobile preset, the default) on every page kind of the portal in both
// languages, served by nginx with the recipe (tests/publish/run.sh sets PORTAL_URL and
// PORTAL_ROOT). Fails unless every page scores 100 in all four categories. Reports go to
// target/lighthouse/ (one HTML report per page and summary.json).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PORTAL_URL = process.env.PORTAL_URL?.replace(/\/+$/, '');
const PORTAL_ROOT = process.env.PORTAL_ROOT;
if (!PORTAL_URL || !PORTAL_ROOT) throw new Error('run with tests/publish/run.sh');
const OUT = path.join(REPO, 'target', 'lighthouse');
const ATTEMPTS = 4;
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const NOT_FOUND_CONFIG = {
  extends: 'lighthouse:default',
  audits: [{
    path: 'errors-in-console',
    options: { ignoredPatterns: ['ERR_BLOCKED_BY_CLIENT.Inspector', 'the server responded with a status of 404 (Not Found)'] },
  }],
};

const firstDir = (dir, re) => fs.readdirSync(path.join(PORTAL_ROOT, dir), { withFileTypes: true })
  .filter((e) => e.isDirectory() && re.test(e.name) && e.name !== 'page').map((e) => e.name).sort()[0];

/** Every page kind, as [name, path without the language prefix]. */
function kinds(prefix) {
  const tagsDir = `${prefix}/tags`.replace(/^\//, '');
  const tag = firstDir(tagsDir, prefix ? /^[a-z0-9-]+$/ : /[\u4e00-\u9fff]/);
  return [
    ['home', '/'],
    ['section list', '/announcements/'],
    ['notice', '/announcements/campaign-plan-2022/'],
    ['lecturer', '/lecturers/sample-a/'],
    ['city', '/cities/harbin/'],
    ['activity', '/activities/red-footprints/'],
    ['figures', '/figures/'],
    ['search', '/search/'],
    ['tag list', '/tags/'],
    ['tag page', `/tags/${encodeURIComponent(tag)}/`],
    ['alias redirect', '/notice-2022-27/'],
    ['404', '/no/such/page/'],
  ].map(([name, p]) => [name, `${prefix}${p}`]);
}

const pages = [];
for (const [lang, prefix] of [['zh', ''], ['en', '/en']]) {
  for (const [kind, p] of kinds(prefix)) {
    if (kind !== '404') {
      const file = path.join(PORTAL_ROOT, decodeURIComponent(p), 'index.html');
      if (!fs.existsSync(file)) throw new Error(`the portal has no ${p} (${kind}): update tests/publish/lighthouse.mjs`);
    }
    pages.push({ lang, kind, path: p });
  }
}

// LIGHTHOUSE_PAGES=404,home measures only those kinds, while working on them; the run
// then fails whatever the scores, so that it can never stand for the gate.
const only = process.env.LIGHTHOUSE_PAGES?.split(',').map((k) => k.trim());
if (only) {
  pages.splice(0, pages.length, ...pages.filter((p) => only.includes(p.kind)));
  console.log(`LIGHTHOUSE_PAGES is set: only ${pages.length} pages (${only.join(', ')}); this run fails on purpose`);
}

fs.mkdirSync(OUT, { recursive: true });
for (const f of fs.readdirSync(OUT)) fs.rmSync(path.join(OUT, f));
const chrome = await chromeLauncher.launch({ chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', chromeFlags: FLAGS });
// Stopped from outside: Chrome goes too.
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => { chrome.kill(); process.exit(1); });
const started = Date.now();
const summary = [];
let failed = 0;
try {
  for (const p of pages) {
    let lhr;
    let report;
    // The performance score comes from timings taken on this machine: when other work
    // slows a trace, the page is measured again, up to four times in all. The other
    // three categories do not depend on timing and are never retried.
    // The 404 page answers 404 on purpose: Lighthouse is told to audit it anyway, its
    // `http-status-code` audit (which catches pages that answer 4xx by mistake) is left
    // out, and Chrome's console line about the document's own 404 is not counted as an
    // error; below, every other request of the page must have succeeded.
    // nginx.test.mjs checks the status itself.
    const notFound = p.kind === '404';
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const r = await lighthouse(`${PORTAL_URL}${p.path}`, {
        port: chrome.port, output: 'html', logLevel: 'error', onlyCategories: CATEGORIES,
        ...(notFound ? { ignoreStatusCode: true, skipAudits: ['http-status-code'] } : {}),
      }, notFound ? NOT_FOUND_CONFIG : undefined);
      if (r.lhr.runtimeError) throw new Error(`${p.path}: ${r.lhr.runtimeError.code}: ${r.lhr.runtimeError.message}`);
      // The best of the attempts counts.
      if (!lhr || r.lhr.categories.performance.score > lhr.categories.performance.score) {
        lhr = r.lhr;
        report = r.report;
      }
      const low = CATEGORIES.filter((c) => lhr.categories[c].score !== 1);
      if (!(low.length === 1 && low[0] === 'performance' && attempt < ATTEMPTS)) break;
      p.retries = attempt;
      console.log(`   ${p.lang} ${p.kind}: performance ${Math.round(r.lhr.categories.performance.score * 100)}, measuring again`);
    }
    if (notFound) {
      const requests = lhr.audits['network-requests'].details.items;
      const doc = requests.find((q) => q.resourceType === 'Document');
      if (doc?.statusCode !== 404) throw new Error(`${p.path} answered ${doc?.statusCode}, not 404`);
      const bad = requests.filter((q) => q !== doc && !(q.statusCode >= 200 && q.statusCode < 400));
      if (bad.length) throw new Error(`${p.path}: requests that failed: ${bad.map((q) => `${q.url} ${q.statusCode}`).join(', ')}`);
    }
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c].score ?? 0) * 100)]));
    const bytes = lhr.audits['total-byte-weight']?.numericValue;
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual'
        && CATEGORIES.some((c) => lhr.categories[c].auditRefs.some((r) => r.id === a.id && r.weight > 0)))
      .map((a) => a.id);
    const name = `${p.lang}-${p.kind.replace(/\s+/g, '-')}`;
    fs.writeFileSync(path.join(OUT, `${name}.html`), report);
    const ok = CATEGORIES.every((c) => scores[c] === 100);
    if (!ok) failed++;
    summary.push({ ...p, url: lhr.finalDisplayedUrl, scores, bytes, failing, benchmarkIndex: lhr.environment.benchmarkIndex });
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${p.lang} ${p.kind.padEnd(14)} ${CATEGORIES.map((c) => scores[c]).join(' / ')}  ${bytes} B${failing.length ? `  failing: ${failing.join(', ')}` : ''}`);
  }
} finally {
  await chrome.kill();
}
fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify(summary, null, 2));
const bench = summary.map((x) => x.benchmarkIndex).sort((a, b) => a - b);
// Lighthouse's CPU benchmark of this machine (a typical desktop scores 1,000-2,000): a
// low value means the performance timings were taken on a slow or loaded machine.
console.log(`lighthouse ${pages.length} pages in ${Math.round((Date.now() - started) / 1000)} s; benchmarkIndex ${bench[0]}-${bench.at(-1)}; reports in target/lighthouse/`);
if (only) process.exit(2);
if (failed) {
  console.error(`${failed} page(s) below 100 in some category`);
  process.exit(1);
}
