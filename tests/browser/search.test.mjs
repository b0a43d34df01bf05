// Search in the browser: the tokenizer cases against the shipped module, its size, the
// quality set typed into the search page on a phone, keyboard use, the screen-reader
// announcement and the page without JavaScript. Run by tests/browser/run.sh, which sets
// PORTAL_URL and PORTAL_ROOT.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PORTAL_URL = process.env.PORTAL_URL?.replace(/\/+$/, '');
const PORTAL_ROOT = process.env.PORTAL_ROOT;
if (!PORTAL_URL || !PORTAL_ROOT) throw new Error('run with tests/browser/run.sh');
const SHOTS = process.env.SHOTS_DIR ?? path.join(REPO, 'target', 'browser-shots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const CASES = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/search/queries.json'), 'utf8'));
// The module is written under a content hash (js/search.<hash>.js).
const MODULE_NAME = fs.readdirSync(path.join(PORTAL_ROOT, 'js')).find((f) => /^search\.[0-9a-f]{8}\.js$/.test(f));
if (!MODULE_NAME) throw new Error(`no js/search.<hash>.js in ${PORTAL_ROOT}`);
const MODULE = path.join(PORTAL_ROOT, 'js', MODULE_NAME);

let browser;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
});
after(async () => { await browser?.close(); });

const searchUrl = (lang, q) => `${PORTAL_URL}${lang === 'en' ? '/en' : ''}/search/?q=${encodeURIComponent(q)}`;

/** Opens the search page for `q` and returns the result paths once they are announced. */
async function results(page, lang, q) {
  await page.goto(searchUrl(lang, q));
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status')?.textContent ?? '';
    return s && !/…|\.\.\./.test(s);
  });
  return page.$$eval('#search-results > li > a', (as) => as.map((a) => new URL(a.href).pathname));
}

test('the shipped module cuts text exactly as the Rust tokenizer (shared cases)', async () => {
  const { tokenize } = await import(pathToFileURL(MODULE).href);
  const cases = JSON.parse(fs.readFileSync(path.join(REPO, 'tests/search/tokenizer-cases.json'), 'utf8'));
  for (const c of cases) assert.deepEqual(tokenize(c.text, c.query), c.terms, JSON.stringify(c.text));
});

test('the module is at most 8 KB gzipped and only the search page loads it', () => {
  const gz = zlib.gzipSync(fs.readFileSync(MODULE), { level: 9 }).length;
  assert.ok(gz <= 8192, `search.js is ${gz} bytes gzipped`);
  const home = fs.readFileSync(path.join(PORTAL_ROOT, 'index.html'), 'utf8');
  assert.ok(!home.includes(MODULE_NAME), 'the home page does not load the search module');
  const search = fs.readFileSync(path.join(PORTAL_ROOT, 'search/index.html'), 'utf8');
  assert.ok(search.includes(`/js/${MODULE_NAME}"`), 'the search page loads it by its hashed name');
});

test('the quality set finds the expected pages in the top three on a phone', async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const failures = [];
  for (const c of CASES) {
    const top = (await results(page, c.lang, c.q)).slice(0, 3);
    const ok = (c.all ?? []).every((p) => top.includes(p)) && (!c.any?.length || c.any.some((p) => top.includes(p)));
    if (!ok) failures.push(`${c.q} (${c.lang}): got ${JSON.stringify(top)}`);
  }
  await ctx.close();
  assert.deepEqual(failures, [], `${failures.length} of ${CASES.length} queries fail`);
});

test('results show kind, city and a highlighted excerpt; screenshots of 劳模 and craftsman', async () => {
  for (const [lang, q] of [['zh', '劳模'], ['zh', '哈尔滨'], ['en', 'craftsman']]) {
    for (const [name, options] of [['phone', PHONE], ['narrow', { viewport: { width: 320, height: 640 } }]]) {
      const ctx = await browser.newContext(options);
      const page = await ctx.newPage();
      const found = await results(page, lang, q);
      assert.ok(found.length > 0, `${q}: no results`);
      const first = await page.$eval('#search-results > li', (li) => ({
        meta: li.querySelector('.search-meta')?.textContent ?? '',
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      }));
      assert.ok(first.meta.length > 0, `${q}: the first result names its kind`);
      assert.ok(first.marks.length > 0, `${q}: the excerpt marks the match`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${q} at ${name}: ${overflow}px of horizontal overflow`);
      await page.screenshot({ path: path.join(SHOTS, `search-${name}-${lang}-${q === 'craftsman' ? 'craftsman' : encodeURIComponent(q).replace(/%/g, '')}.png`), fullPage: true });
      await ctx.close();
    }
  }
});

test('the form works from the keyboard and announces the results', async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  await page.goto(`${PORTAL_URL}/search/`);
  const live = await page.getAttribute('#search-status', 'aria-live');
  assert.equal(live, 'polite');
  assert.equal(await page.$eval('#q', (i) => document.querySelector(`label[for="${i.id}"]`) !== null), true, 'the box is labelled');
  await page.focus('#q');
  await page.keyboard.type('光盘');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /找到 \d+ 条结果/.test(document.getElementById('search-status').textContent));
  assert.match(page.url(), /\?q=%E5%85%89%E7%9B%98/, 'the query is in the address, to share');
  // Tab from the box reaches the filters, then the results.
  const order = [];
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName));
  }
  assert.ok(order.includes('kind') && order.includes('city') && order.includes('A'), `tab order: ${order}`);
  // A filter narrows the results without a new submit.
  await page.selectOption('#kind', 'activity');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('kind') === 'activity');
  await page.waitForFunction(() => !/…/.test(document.getElementById('search-status').textContent));
  const kinds = await page.$$eval('.search-meta', (ps) => ps.map((p) => p.textContent));
  assert.ok(kinds.length > 0 && kinds.every((k) => k.startsWith('活动')), `kinds: ${kinds}`);
  await ctx.close();
});

test('without JavaScript the page says so', async () => {
  const ctx = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(`${PORTAL_URL}/search/?q=劳模`);
  const text = await page.textContent('body');
  assert.match(text, /搜索需要浏览器启用 JavaScript/);
  await ctx.close();
});

test('bytes fetched by a first and a later query (printed for the README)', async () => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  let bytes = 0;
  page.on('response', async (r) => {
    if (r.url().includes('/_search/')) bytes += (await r.body().catch(() => Buffer.alloc(0))).length;
  });
  await results(page, 'zh', '劳模');
  const first = bytes;
  const t0 = Date.now();
  await page.fill('#q', '光盘');
  await page.press('#q', 'Enter');
  await page.waitForFunction(() => /找到/.test(document.getElementById('search-status').textContent) && document.querySelector('#search-results a'));
  const ms = Date.now() - t0;
  console.log(`# search on the portal: first query ${first} bytes of index, a second query ${bytes - first} more, answered in ${ms} ms`);
  assert.ok(first > 0);
  await ctx.close();
});
