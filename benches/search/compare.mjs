// fenjin's search against Pagefind on the same built site, in Chromium.
//
//   node benches/search/compare.mjs --site DIR [--queries FILE] [--out DIR]
//
// Builds the site with target/release/fenjin (--compress, for the .gz files a server
// sends), indexes the same output with Pagefind (npm `pagefind`, run locally), serves it
// on 127.0.0.1 (precompressed .gz where it exists, gzip -9 on the fly otherwise, as a
// static host with compression would) and runs every query of FILE (default
// tests/search/queries.json) through both tools' browser APIs. Prints a Markdown report:
// recall@3 (queries with expectations), bytes on the wire for a first query (fresh
// cache, the module included) and for later queries (median), and query time.
//
// Setup: `npm ci` in benches/search (pagefind, playwright-core), Debian's chromium.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const SITE = path.resolve(arg('--site', REPO));
const QUERIES = JSON.parse(fs.readFileSync(arg('--queries', path.join(REPO, 'tests/search/queries.json')), 'utf8'));
const OUT = path.resolve(arg('--out', fs.mkdtempSync(path.join(os.tmpdir(), 'search-bench-'))));

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.css': 'text/css', '.wasm': 'application/wasm' };
const server = http.createServer((req, res) => {
  let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(OUT, p);
  if (!file.startsWith(OUT) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404); res.end(); return;
  }
  const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
  // Pagefind's index files are compressed already; everything else travels gzipped.
  const precompressed = /\.pf_|\.pagefind$/.test(file);
  let body;
  const headers = { 'Content-Type': type };
  if (precompressed) body = fs.readFileSync(file);
  else if (fs.existsSync(file + '.gz')) { body = fs.readFileSync(file + '.gz'); headers['Content-Encoding'] = 'gzip'; }
  else { body = zlib.gzipSync(fs.readFileSync(file), { level: 9 }); headers['Content-Encoding'] = 'gzip'; }
  headers['Content-Length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
};
let t = Date.now();
run(path.join(REPO, 'target/release/fenjin'), ['build', '--root', SITE, '--output', OUT, '--force', '--compress', '--now', '2026-11-24', '--base-url', ORIGIN + '/']);
const fenjinBuild = Date.now() - t;
t = Date.now();
run(path.join(HERE, 'node_modules/.bin/pagefind'), ['--site', OUT, '--quiet']);
const pagefindIndex = Date.now() - t;

const du = (dir) => {
  let n = 0, files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !e.name.endsWith('.gz') && !e.name.endsWith('.br')) { n += fs.statSync(path.join(e.parentPath, e.name)).size; files++; }
  }
  return { n, files };
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const TOOLS = {
  fenjin: {
    async setup(page, lang) {
      await page.evaluate(async ([lang]) => {
        // The search page names the module by its content hash.
        const html = await (await fetch('/search/')).text();
        const m = await import(html.match(/\/js\/search\.[0-9a-f]{8}\.js/)[0]);
        window.__s = m.searcher(`/_search/${lang}/`, (u) => fetch(u).then((r) => (r.ok ? r.json() : null)));
      }, [lang]);
    },
    query: (page, q) => page.evaluate(async (q) => {
      const t0 = performance.now();
      const hits = await window.__s(q, {}, 3);
      return { ms: performance.now() - t0, urls: hits.map((h) => new URL(h.u).pathname) };
    }, q),
  },
  pagefind: {
    async setup(page, lang) {
      await page.evaluate(async () => {
        window.__pf = await import('/pagefind/pagefind.js');
        await window.__pf.init();
      });
    },
    query: (page, q) => page.evaluate(async (q) => {
      const t0 = performance.now();
      const r = await window.__pf.search(q);
      const data = await Promise.all(r.results.slice(0, 3).map((x) => x.data()));
      return { ms: performance.now() - t0, urls: data.map((d) => new URL(d.url, location.href).pathname) };
    }, q),
  },
};

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : 0; };
const report = {};
for (const [name, tool] of Object.entries(TOOLS)) {
  const r = { hit: 0, judged: 0, first: [], later: [], ms: [], misses: [] };
  for (const lang of [...new Set(QUERIES.map((q) => q.lang))]) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    let bytes = 0;
    page.on('requestfinished', async (req) => {
      const s = await req.sizes().catch(() => null);
      if (s && !req.url().endsWith('/404.html')) bytes += s.responseBodySize + s.responseHeadersSize;
    });
    // A page of the site in that language, to search from (the tool's files are fetched later).
    await page.goto(`${ORIGIN}${lang === 'en' ? '/en' : ''}/404.html`);
    bytes = 0;
    let first = true;
    await tool.setup(page, lang);
    for (const c of QUERIES.filter((q) => q.lang === lang)) {
      const before = bytes;
      const { ms, urls } = await tool.query(page, c.q);
      await page.waitForTimeout(30); // let the size callbacks land
      (first ? r.first : r.later).push(bytes - (first ? 0 : before));
      first = false;
      r.ms.push(ms);
      if (c.all || c.any) {
        r.judged++;
        const ok = (c.all ?? []).every((p) => urls.includes(p)) && (!c.any?.length || c.any.some((p) => urls.includes(p)));
        if (ok) r.hit++; else r.misses.push(`${c.q}: ${JSON.stringify(urls)}`);
      }
    }
    await ctx.close();
  }
  report[name] = r;
}
await browser.close();
server.close();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const fj = du(path.join(OUT, '_search')), pf = du(path.join(OUT, 'pagefind'));
console.log(`Site: ${path.relative(REPO, SITE) || '.'} (${QUERIES.length} queries)\n`);
console.log('| | fenjin | Pagefind 1.x |\n| --- | --- | --- |');
const row = (label, f, p) => console.log(`| ${label} | ${f} | ${p} |`);
const rr = (x) => x.judged ? `${x.hit}/${x.judged} (${(100 * x.hit / x.judged).toFixed(0)} %)` : '—';
row('recall@3', rr(report.fenjin), rr(report.pagefind));
row('index on disk (uncompressed)', `${kb(fj.n)} in ${fj.files} files`, `${kb(pf.n)} in ${pf.files} files`);
row('first query: bytes on the wire (module + index)', report.fenjin.first.map(kb).join(', '), report.pagefind.first.map(kb).join(', '));
row('later queries: bytes on the wire (median)', kb(median(report.fenjin.later)), kb(median(report.pagefind.later)));
row('query time in Chromium (median / max)', `${median(report.fenjin.ms).toFixed(1)} / ${Math.max(...report.fenjin.ms).toFixed(1)} ms`, `${median(report.pagefind.ms).toFixed(1)} / ${Math.max(...report.pagefind.ms).toFixed(1)} ms`);
row('build / index time', `${(fenjinBuild / 1000).toFixed(2)} s (whole build)`, `${(pagefindIndex / 1000).toFixed(2)} s (index only)`);
for (const [name, r] of Object.entries(report)) {
  if (r.misses.length) console.log(`\n${name} misses:\n${r.misses.map((m) => `- ${m}`).join('\n')}`);
}
