// Responsive images on a phone: run with tests/browser/run.sh (PORTAL_URL, PORTAL_ROOT).
//
// On a 360 px phone at 2× the portal must download the small WebP variant of each photo,
// never the original or a desktop-size copy, and reserve the picture's space before it
// arrives (width and height attributes: no layout shift).

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PORTAL_URL = process.env.PORTAL_URL?.replace(/\/+$/, '');
if (!PORTAL_URL || !process.env.PORTAL_ROOT) {
  throw new Error('PORTAL_URL and PORTAL_ROOT are not set: run these tests with tests/browser/run.sh');
}
const SHOTS = process.env.SHOTS_DIR ?? path.join(REPO, 'target', 'browser-shots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let browser;
let ctx;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  ctx = await browser.newContext({ ...PHONE, serviceWorkers: 'block' });
  ctx.setDefaultTimeout(15_000);
});
after(async () => {
  await browser?.close();
});

/** Opens `url` on the phone, runs fn(page, images) where `images` lists the image
 * responses so far ({url, bytes}), and closes the page. */
async function onPhone(url, fn) {
  const page = await ctx.newPage();
  const images = [];
  page.on('response', async (r) => {
    if (r.request().resourceType() !== 'image') return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    images.push({ url: decodeURI(new URL(r.url()).pathname), bytes: body.length });
  });
  try {
    const response = await page.goto(`${PORTAL_URL}${url}`, { waitUntil: 'load' });
    assert.equal(response?.status(), 200, `${url} answered ${response?.status()}`);
    return await fn(page, images);
  } finally {
    await page.close();
  }
}

/** Waits until the <img> matched by `selector` has loaded; returns what it shows. */
async function loaded(page, selector) {
  const img = page.locator(selector).first();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((sel) => {
    const el = document.querySelector(sel);
    return el && el.complete && el.naturalWidth > 0;
  }, selector);
  return img.evaluate((el) => ({
    currentSrc: decodeURI(new URL(el.currentSrc).pathname),
    naturalWidth: el.naturalWidth,
    attrs: { width: el.getAttribute('width'), height: el.getAttribute('height'), loading: el.getAttribute('loading') },
    box: el.getBoundingClientRect().toJSON(),
  }));
}

const variantWidth = (url) => Number(/\.(\d+)\.[0-9a-f]{10}\.(webp|jpg|png)$/.exec(url)?.[1]);

describe('a 360 px phone (2×) downloads the small variants', () => {
  test('lecturer portrait: the 320-wide WebP for a 96 px picture', async () => {
    await onPhone('/lecturers/sample-a/', async (page, images) => {
      const shown = await loaded(page, '.profile .portrait img');
      assert.match(shown.currentSrc, /\/lecturers\/sample-a\/sample-a\.320\.[0-9a-f]{10}\.webp$/);
      assert.equal(shown.attrs.loading, null, 'the portrait is above the fold: not lazy');
      const photos = images.filter((i) => i.url.includes('/sample-a'));
      assert.deepEqual(photos.map((i) => variantWidth(i.url)), [320], JSON.stringify(photos));
      assert.ok(!images.some((i) => i.url.endsWith('/sample-a.jpg')), 'the original is never loaded');
    });
  });

  test('city picture: lazy, then the 720-wide WebP for a full-width picture', async () => {
    await onPhone('/cities/harbin/', async (page, images) => {
      const before = images.filter((i) => i.url.includes('harbin-winter'));
      assert.deepEqual(before, [], 'nothing loaded before it scrolls into view');
      const shown = await loaded(page, '.gallery img');
      assert.match(shown.currentSrc, /harbin-winter\.720\.[0-9a-f]{10}\.webp$/);
      // naturalWidth is in CSS pixels: the 720-pixel file at 720/328 = 2.2 pixels per px.
      assert.ok(Math.abs(shown.naturalWidth - 328) < 1, `naturalWidth ${shown.naturalWidth}`);
      assert.equal(shown.attrs.loading, 'lazy');
      assert.ok(shown.attrs.width && shown.attrs.height, 'width and height reserve the space');
      // Shown at the width of the column (328 px), with the aspect ratio of the file.
      assert.ok(Math.abs(shown.box.width - 328) < 1, JSON.stringify(shown.box));
      assert.ok(Math.abs(shown.box.height - 328 * 960 / 1440) < 2, JSON.stringify(shown.box));
      const photos = images.filter((i) => i.url.includes('harbin-winter'));
      assert.deepEqual(photos.map((i) => variantWidth(i.url)), [720], JSON.stringify(photos));
      const source = fs.statSync(path.join(REPO, 'content/cities/harbin-winter.jpg')).size;
      const sent = photos.reduce((n, i) => n + i.bytes, 0);
      console.log(`harbin-winter.jpg: source ${source} B, sent to the phone ${sent} B`);
      assert.ok(sent > 0 && sent < source, `${sent} B sent for a ${source} B source`);
      await page.screenshot({ path: path.join(SHOTS, 'images-city-phone-zh.png') });
    });
  });
});
