// docs/publishing.md's nginx recipe, run for real over a `--compress` build of the
// portal (tests/publish/run.sh starts nginx and sets PORTAL_URL and PORTAL_ROOT).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

const PORTAL_URL = process.env.PORTAL_URL;
const PORTAL_ROOT = process.env.PORTAL_ROOT;
if (!PORTAL_URL || !PORTAL_ROOT) throw new Error('run with tests/publish/run.sh');

/** A raw GET: no decompression, no redirect following. */
function get(urlPath, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(urlPath, PORTAL_URL), { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${urlPath} timed out`)));
  });
}

/** Every answer, whatever its location, keeps the security headers. */
function secure(r, what) {
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
  assert.equal(r.headers['referrer-policy'], 'strict-origin-when-cross-origin', `${what}: Referrer-Policy`);
}

const hashed = (dir, re) => {
  const f = fs.readdirSync(path.join(PORTAL_ROOT, dir)).find((n) => re.test(n));
  assert.ok(f, `no ${re} in ${dir}/`);
  return `/${dir ? `${dir}/` : ''}${f}`;
};

test('clean URLs, the 301 to the slash and a Chinese tag URL', async () => {
  const home = await get('/');
  assert.equal(home.status, 200);
  assert.equal(home.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(home.headers['cache-control'], 'no-cache');
  secure(home, '/');
  const city = await get('/cities/harbin/');
  assert.equal(city.status, 200);
  assert.match(city.body.toString(), /哈尔滨/);
  const bare = await get('/cities/harbin');
  assert.equal(bare.status, 301);
  assert.equal(bare.headers.location, '/cities/harbin/');
  secure(bare, 'the 301');
  const tag = fs.readdirSync(path.join(PORTAL_ROOT, 'tags')).find((n) => /[\u4e00-\u9fff]/.test(n));
  assert.ok(tag, 'the portal has a Chinese tag');
  const term = await get(`/tags/${encodeURIComponent(tag)}/`);
  assert.equal(term.status, 200, `/tags/${tag}/`);
  assert.ok(term.body.toString().includes(tag));
});

test('each language gets its own 404 page, with status 404', async () => {
  const zh = await get('/no/such/page/');
  assert.equal(zh.status, 404);
  assert.match(zh.body.toString(), /<html lang="zh-Hans"/);
  assert.equal(zh.headers['cache-control'], 'no-cache');
  secure(zh, 'the Chinese 404');
  const en = await get('/en/no/such/page/');
  assert.equal(en.status, 404);
  assert.match(en.body.toString(), /<html lang="en"/);
  assert.match(en.body.toString(), /Page not found/);
  secure(en, 'the English 404');
  const direct = await get('/404.html');
  assert.equal(direct.status, 404, 'the 404 page is not a page of its own');
});

test('precompressed files are served with Content-Encoding br and gzip', async () => {
  const plain = fs.readFileSync(path.join(PORTAL_ROOT, 'index.html'));
  const br = await get('/', { 'accept-encoding': 'br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(zlib.brotliDecompressSync(br.body), plain);
  const gz = await get('/', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(zlib.gunzipSync(gz.body), plain);
  const css = hashed('css', /^site\.[0-9a-f]{8}\.css$/);
  const cssBr = await get(css, { 'accept-encoding': 'gzip, br' });
  assert.equal(cssBr.headers['content-encoding'], 'br');
  secure(cssBr, css);
  const none = await get('/');
  assert.equal(none.headers['content-encoding'], undefined, 'a client that asks for nothing gets plain bytes');
});

test('MIME types: calendar, figures, manifest, CSS, JavaScript, icons', async () => {
  const types = {
    '/calendar.ics': /^text\/calendar/,
    '/en/calendar.ics': /^text\/calendar/,
    '/figures/participation.csv': /^text\/csv; charset=utf-8$/,
    '/manifest.webmanifest': /^application\/manifest\+json/,
    '/en/manifest.webmanifest': /^application\/manifest\+json/,
    [hashed('css', /^site\.[0-9a-f]{8}\.css$/)]: /^text\/css; charset=utf-8$/,
    [hashed('js', /^search\.[0-9a-f]{8}\.js$/)]: /javascript; charset=utf-8$/,
    '/favicon.ico': /^image\/(x-icon|vnd\.microsoft\.icon)$/,
    [hashed('', /^favicon\.[0-9a-f]{8}\.svg$/)]: /^image\/svg\+xml/,
    '/atom.xml': /xml/,
  };
  for (const [p, re] of Object.entries(types)) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.match(r.headers['content-type'], re, p);
    secure(r, p);
  }
});

test('cache headers: pages revalidate, fingerprinted files a year, feeds ten minutes', async () => {
  const year = 'public, max-age=31536000, immutable';
  for (const p of [hashed('css', /^site\.[0-9a-f]{8}\.css$/), hashed('js', /^search\.[0-9a-f]{8}\.js$/),
    hashed('', /^apple-touch-icon\.[0-9a-f]{8}\.png$/)]) {
    assert.equal((await get(p)).headers['cache-control'], year, p);
  }
  for (const p of ['/', '/en/', '/cities/harbin/', '/search/']) {
    assert.equal((await get(p)).headers['cache-control'], 'no-cache', p);
  }
  for (const p of ['/atom.xml', '/sitemap.xml', '/calendar.ics', '/manifest.webmanifest', '/_search/zh/meta.json']) {
    assert.equal((await get(p)).headers['cache-control'], 'public, max-age=600', p);
  }
  assert.equal((await get('/favicon.ico')).headers['cache-control'], 'public, max-age=86400');
});

test("fenjin's output marker is not served", async () => {
  assert.ok(fs.existsSync(path.join(PORTAL_ROOT, '.fenjin-output')));
  const r = await get('/.fenjin-output');
  assert.equal(r.status, 404);
  secure(r, '/.fenjin-output');
});
