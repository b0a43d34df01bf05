// Browser tests of the built campaign portal: run them with tests/browser/run.sh, which
// builds the portal, serves it on 127.0.0.1 and sets PORTAL_URL and PORTAL_ROOT.
//
// Every check runs on every page of PAGES in both languages; a page that is missing from
// the build fails each check with "answered 404".

import { test, describe, before, after } from 'node:test';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

// The pages under test: `name` names the screenshots, `path` is the Chinese URL; the
// English one is the same under /en/.
export const PAGES = [
  { name: 'home', path: '/' },
  { name: 'notice', path: '/announcements/campaign-plan-2022/' },
  { name: 'lecturer', path: '/lecturers/sample-a/' },
  { name: 'city', path: '/cities/harbin/' },
  { name: 'union', path: '/unions/agriculture/' },
  { name: 'activity', path: '/activities/red-footprints/' },
  { name: 'figures', path: '/figures/' },
  { name: 'search', path: '/search/' },
];
export const LANGS = [
  { code: 'zh', prefix: '' },
  { code: 'en', prefix: '/en' },
];

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const PORTAL_URL = process.env.PORTAL_URL?.replace(/\/+$/, '');
const PORTAL_ROOT = process.env.PORTAL_ROOT;
if (!PORTAL_URL || !PORTAL_ROOT) {
  throw new Error('PORTAL_URL and PORTAL_ROOT are not set: run these tests with tests/browser/run.sh');
}
const ORIGIN = new URL(PORTAL_URL).origin;
const SHOTS = process.env.SHOTS_DIR ?? path.join(REPO, 'target', 'browser-shots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const VIEWPORTS = {
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  // Not isMobile: with mobile emulation Chromium zooms an overflowing page out, which widens
  // window.innerWidth to the page's width and would hide the very overflow this looks for.
  narrow: { viewport: { width: 320, height: 640 }, deviceScaleFactor: 1 },
};

const TARGETS = PAGES.flatMap((p) => LANGS.map((lang) => ({
  ...p,
  lang: lang.code,
  url: `${PORTAL_URL}${lang.prefix}${p.path}`,
  label: `${lang.prefix}${p.path} (${p.name}, ${lang.code})`,
})));
const translationOf = (t) => TARGETS.find((o) => o.name === t.name && o.lang !== t.lang);

const TEST_TIMEOUT = 60_000;

/** A failed check: its message says everything, its stack is the line of this file that failed. */
class Failure extends Error {
  constructor(message) {
    super(message);
    const here = (new Error().stack ?? '').split('\n')
      .filter((l) => l.includes('portal.test.mjs') && !/at (new Failure|check) /.test(l));
    this.stack = `Failure: ${message}\n${here.slice(0, 1).join('\n')}`;
  }
}
Failure.prototype.name = 'Failure';
function check(ok, message) {
  if (!ok) throw new Failure(typeof message === 'function' ? message() : message);
}
let browser;
const contexts = {};
/** Requests to any other host, from every page of every test: host -> URLs. */
const foreign = new Map();
let vnuRun;

const isLocal = (url) => {
  const u = new URL(url);
  return ['data:', 'blob:', 'about:'].includes(u.protocol) || u.origin === ORIGIN;
};

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  // The validator needs no browser: start it now so that it runs beside the browser tests.
  vnuRun = runVnu();
  vnuRun.catch(() => {}); // awaited (and reported) by its test
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  for (const [name, options] of Object.entries(VIEWPORTS)) {
    const ctx = await browser.newContext({ ...options, serviceWorkers: 'block' });
    ctx.setDefaultTimeout(15_000);
    ctx.setDefaultNavigationTimeout(20_000);
    // Nothing may leave the local server; abort it at once instead of waiting for a
    // closed network, and remember it (the request test reports it per page).
    await ctx.route(() => true, (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      const host = new URL(url).host || url;
      if (!foreign.has(host)) foreign.set(host, new Set());
      foreign.get(host).add(url);
      return route.abort('blockedbyclient');
    });
    contexts[name] = ctx;
  }
});

after(async () => {
  await browser?.close();
});

const answered = (url, status) => `${rel(url)} answered ${status ?? 'nothing'}${status === 404 ? ' (the page is missing from the build)' : ''}`;

/** Opens `url` in a new page of context `ctx`; throws unless it answers 200. */
async function open(ctx, url, { waitUntil = 'load' } = {}) {
  const page = await contexts[ctx].newPage();
  const response = await page.goto(url, { waitUntil });
  const status = response?.status();
  if (status !== 200) {
    await page.close();
    throw new Failure(answered(url, status));
  }
  return page;
}

/** Runs fn(page) on `url` and closes the page, whatever happens. */
async function withPage(ctx, url, fn, options) {
  const page = await open(ctx, url, options);
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

const rel = (url) => {
  const u = new URL(url);
  return u.origin === ORIGIN ? decodeURI(u.pathname) + u.search + u.hash : url;
};

describe('screenshots (phone 360×740 @2x, desktop 1280×800; full page)', () => {
  for (const t of TARGETS) {
    for (const size of ['phone', 'desktop']) {
      const file = path.join(SHOTS, `${t.name}-${size}-${t.lang}.png`);
      test(`${t.label} ${size} → ${path.relative(REPO, file)}`, { timeout: TEST_TIMEOUT }, async () => {
        await withPage(size, t.url, async (page) => {
          await page.evaluate(() => document.fonts.ready);
          await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        });
      });
    }
  }
});

describe('no horizontal overflow at 320 px', () => {
  for (const t of TARGETS) {
    test(t.label, { timeout: TEST_TIMEOUT }, async () => {
      await withPage('narrow', t.url, async (page) => {
        await page.evaluate(() => document.fonts.ready);
        const r = await page.evaluate(() => {
          const vw = window.innerWidth;
          const describe = (el) => {
            let s = el.tagName.toLowerCase();
            if (el.id) s += `#${el.id}`;
            if (el.classList.length) s += `.${[...el.classList].join('.')}`;
            return s;
          };
          const pathOf = (el) => {
            const parts = [];
            for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(describe(e));
            return parts.join(' > ');
          };
          // Inside a scrolling or clipping box that itself fits, sticking out is harmless.
          const contained = (el) => {
            for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
              if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= vw + 0.5) return true;
            }
            return false;
          };
          // The elements that stick out on the right (what makes the page scroll sideways),
          // outermost first: their descendants are left out.
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            const b = el.getBoundingClientRect();
            if (b.width === 0 && b.height === 0) continue;
            if (b.right <= vw + 0.5) continue;
            if (culprits.some((c) => c.el.contains(el)) || contained(el)) continue;
            culprits.push({ el, left: Math.round(b.left), right: Math.round(b.right), width: Math.round(b.width) });
          }
          return {
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: vw,
            culprits: culprits.slice(0, 10).map((c) => ({
              element: pathOf(c.el),
              box: `left ${c.left}px, right ${c.right}px, width ${c.width}px`,
              html: c.el.outerHTML.replace(/\s+/g, ' ').slice(0, 160),
            })),
          };
        });
        const ok = r.scrollWidth <= r.innerWidth && r.innerWidth === VIEWPORTS.narrow.viewport.width;
        if (!ok) {
          throw new Failure(`${t.label}: document.documentElement.scrollWidth is ${r.scrollWidth}px, window.innerWidth ${r.innerWidth}px`
            + (r.culprits.length ? `; elements sticking out of the 320px viewport:\n${r.culprits.map((c) => `  - ${c.element} (${c.box})\n      ${c.html}`).join('\n')}` : ''));
        }
      });
    });
  }
});

describe('the language switch (nav.lang a[hreflang]) leads to the translation and back', () => {
  /** Clicks the nav.lang link to the language other than the page's; returns where it led. */
  async function switchLanguage(page) {
    const links = await page.locator('nav.lang a').evaluateAll((as) => as.map((a) => ({
      href: a.href, hreflang: a.getAttribute('hreflang'), rel: a.getAttribute('rel'), text: a.textContent.trim(),
    })));
    check(links.length > 0, `${rel(page.url())}: no link in nav.lang`);
    const unmarked = links.filter((l) => !l.hreflang);
    check(unmarked.length === 0, `${rel(page.url())}: nav.lang links without hreflang`);
    const own = await page.evaluate(() => document.documentElement.lang);
    const others = links.filter((l) => l.hreflang !== own);
    check(others.length === 1, `${rel(page.url())} (lang="${own}"): expected one nav.lang link to the other language, found ${JSON.stringify(links)}`);
    const link = others[0];
    const index = links.indexOf(link);
    const from = page.url();
    const [response] = await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.locator('nav.lang a').nth(index).click(),
    ]);
    return { link, from, response, lang: await page.evaluate(() => document.documentElement.lang) };
  }

  for (const t of TARGETS) {
    const back = translationOf(t);
    test(`${t.label} → ${rel(back.url)} → back`, { timeout: TEST_TIMEOUT }, async () => {
      await withPage('desktop', t.url, async (page) => {
        const ownLang = await page.evaluate(() => document.documentElement.lang);
        const there = await switchLanguage(page);
        check(rel(there.link.href) === rel(back.url),
          `${t.label}: the language switch "${there.link.text}" points to ${rel(there.link.href)}`
          + `${there.link.rel === 'nofollow' ? ' (rel="nofollow": fenjin found no translation and fell back to the nearest section)' : ''}`
          + `, not to the translation ${rel(back.url)}`);
        check(there.response?.status() === 200, `${t.label}: the language switch led to ${rel(page.url())}, which answered ${there.response?.status()}`);
        check(rel(page.url()) === rel(back.url), `${t.label}: the language switch landed on ${rel(page.url())}`);
        check(there.lang === there.link.hreflang, `${rel(page.url())}: <html lang="${there.lang}"> but the link that led here says hreflang="${there.link.hreflang}"`);
        const home = await switchLanguage(page);
        check(rel(home.link.href) === rel(t.url), `${rel(back.url)}: its language switch points to ${rel(home.link.href)}, not back to ${rel(t.url)}`);
        check(home.response?.status() === 200, `${rel(back.url)}: the language switch led to ${rel(page.url())}, which answered ${home.response?.status()}`);
        check(rel(page.url()) === rel(t.url), `${rel(back.url)}: the language switch landed on ${rel(page.url())}, not back on ${rel(t.url)}`);
        check(home.lang === ownLang, `${rel(page.url())}: <html lang> is "${home.lang}" after switching back, "${ownLang}" before`);
      });
    });
  }
});

describe('no request leaves the local server', () => {
  for (const t of TARGETS) {
    test(t.label, { timeout: TEST_TIMEOUT }, async () => {
      const page = await contexts.desktop.newPage();
      const requests = [];
      page.on('request', (r) => requests.push({ url: r.url(), type: r.resourceType() }));
      try {
        const response = await page.goto(t.url, { waitUntil: 'networkidle' });
        check(response?.status() === 200, () => answered(t.url, response?.status()));
        // Bring lazy images and anything loaded on scroll into play.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForLoadState('networkidle');
      } finally {
        await page.close();
      }
      const away = requests.filter((r) => !isLocal(r.url));
      check(away.length === 0, `${t.label}: ${away.length} request(s) to hosts other than ${ORIGIN}:\n`
        + away.map((r) => `  - ${r.type}: ${r.url}`).join('\n'));
    });
  }

});

describe('every local resource a page loads exists', () => {
  for (const t of TARGETS) {
    test(t.label, { timeout: TEST_TIMEOUT }, async () => {
      const page = await contexts.desktop.newPage();
      const broken = [];
      page.on('response', (r) => {
        if (r.status() >= 400 && r.url() !== t.url) broken.push(`${r.status()} ${r.request().resourceType()} ${rel(r.url())}`);
      });
      page.on('requestfailed', (r) => {
        if (isLocal(r.url())) broken.push(`failed (${r.failure()?.errorText}) ${r.resourceType()} ${rel(r.url())}`);
      });
      try {
        const response = await page.goto(t.url, { waitUntil: 'networkidle' });
        check(response?.status() === 200, () => answered(t.url, response?.status()));
      } finally {
        await page.close();
      }
      check(broken.length === 0, `${t.label}: broken resources:\n${broken.map((b) => `  - ${b}`).join('\n')}`);
    });
  }
});

describe('axe: no serious or critical violation', () => {
  for (const t of TARGETS) {
    test(t.label, { timeout: TEST_TIMEOUT }, async (ctx) => {
      await withPage('desktop', t.url, async (page) => {
        const results = await new AxeBuilder({ page }).analyze();
        const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        const minor = results.violations.filter((v) => !bad.includes(v));
        if (minor.length) ctx.diagnostic(`lesser axe findings: ${minor.map((v) => `${v.id} [${v.impact}] ×${v.nodes.length}`).join(', ')}`);
        if (bad.length) {
          const lines = bad.flatMap((v) => [
            `- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl.replace(/\?.*$/, '')}), ${v.nodes.length} element(s):`,
            ...v.nodes.slice(0, 12).flatMap((n) => [
              `    at ${n.target.join(' ')}: ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`,
              ...(n.failureSummary ?? '').split('\n').map((s) => `      ${s.trim()}`).filter((s) => s.trim()),
            ]),
            ...(v.nodes.length > 12 ? [`    … and ${v.nodes.length - 12} more`] : []),
          ]);
          throw new Failure(`${t.label}: ${bad.length} serious/critical axe violation(s):\n${lines.join('\n')}`);
        }
      });
    });
  }
});

describe('images have text alternatives; inline SVGs are named or hidden', () => {
  for (const t of TARGETS) {
    test(t.label, { timeout: TEST_TIMEOUT }, async () => {
      await withPage('desktop', t.url, async (page) => {
        const problems = await page.evaluate(() => {
          const out = [];
          const snippet = (el) => el.outerHTML.replace(/\s+/g, ' ').slice(0, 160);
          const hidden = (el) => el.closest('[aria-hidden="true"]') !== null;
          for (const img of document.querySelectorAll('img')) {
            const alt = img.getAttribute('alt');
            const role = img.getAttribute('role');
            if (alt === null) out.push(`<img> without alt: ${snippet(img)}`);
            else if (alt.trim() === '' && alt !== '') out.push(`<img> whose alt is only white space: ${snippet(img)}`);
            else if (alt === '' && role !== 'presentation' && role !== 'none' && !hidden(img)) {
              out.push(`<img alt=""> (decorative) without role="presentation" or aria-hidden="true": ${snippet(img)}`);
            }
          }
          for (const svg of document.querySelectorAll('svg')) {
            if (svg.parentElement?.closest('svg')) continue; // only the outermost svg of a drawing
            if (hidden(svg)) continue; // decorative
            const role = svg.getAttribute('role');
            const label = svg.getAttribute('aria-label')?.trim();
            const labelledBy = (svg.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)
              .map((id) => document.getElementById(id)?.textContent.trim() ?? '').join(' ').trim();
            const title = [...svg.children].find((c) => c.tagName.toLowerCase() === 'title')?.textContent.trim();
            if (role !== 'img') out.push(`<svg> that is neither aria-hidden="true" (decorative) nor role="img" (role=${role === null ? 'none set' : `"${role}"`}): ${snippet(svg)}`);
            if (!label && !labelledBy && !title) out.push(`<svg> without an accessible name (aria-label, aria-labelledby or a <title> child) and not aria-hidden="true": ${snippet(svg)}`);
          }
          return out;
        });
        check(problems.length === 0, `${t.label}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      });
    });
  }
});

// ---- the Nu HTML Checker over every .html file of the build ----

function htmlFiles(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...htmlFiles(p));
    else if (e.isFile() && e.name.endsWith('.html')) out.push(p);
  }
  return out.sort();
}

function runVnu() {
  const jar = String(createRequire(import.meta.url)('vnu-jar')); // the package exports the jar's path
  const files = htmlFiles(PORTAL_ROOT);
  return new Promise((resolve, reject) => {
    if (files.length === 0) { reject(new Error(`no .html file in ${PORTAL_ROOT}`)); return; }
    // C.UTF-8 so that Java can open the paths with Chinese characters (/tags/通知/).
    const java = spawn('java', ['-Xss1m', '-jar', jar, '--errors-only', '--format', 'json', ...files], {
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    java.stdout.on('data', (d) => { stdout += d; });
    java.stderr.on('data', (d) => { stderr += d; });
    java.on('error', (e) => reject(new Error(`cannot run java: ${e.message}`)));
    java.on('close', (code) => {
      let report;
      try {
        report = JSON.parse(stderr.trim() || stdout.trim() || '{"messages":[]}');
      } catch {
        reject(new Error(`vnu.jar exited ${code} without a JSON report:\n${stderr}${stdout}`));
        return;
      }
      resolve({ code, files, messages: report.messages ?? [] });
    });
  });
}

describe('chart labels are whole: every text inside its chart, none over a bar or another label', () => {
  const CHART_PAGES = TARGETS.filter((t) => t.name === 'figures' || t.name === 'home');
  for (const t of CHART_PAGES) {
    for (const width of [320, 1280]) {
      test(`${t.label} at ${width} px`, { timeout: TEST_TIMEOUT }, async () => {
        await withPage(width === 320 ? 'narrow' : 'desktop', t.url, async (page) => {
          await page.evaluate(() => document.fonts.ready);
          const r = await page.evaluate(() => {
            const charts = [...document.querySelectorAll('svg.chart')];
            const problems = [];
            const overlap = (a, b) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5
              && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;
            charts.forEach((svg, n) => {
              const name = svg.getAttribute('aria-label');
              const vb = svg.viewBox.baseVal;
              const texts = [...svg.querySelectorAll(':scope > text')].map((el) => ({ el, b: el.getBBox() }));
              const bars = [...svg.querySelectorAll(':scope > rect')].map((el) => el.getBBox());
              for (const { el, b } of texts) {
                const label = `chart ${n + 1} (${name}): “${el.textContent}”`;
                if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5
                    || b.y + b.height > vb.y + vb.height + 0.5) {
                  problems.push(`${label} at x ${b.x.toFixed(1)}–${(b.x + b.width).toFixed(1)}, y ${b.y.toFixed(1)}–${(b.y + b.height).toFixed(1)} leaves the viewBox ${vb.width}×${vb.height}`);
                }
                // The progress chart writes its percentage on its own bar by design.
                if (svg.querySelectorAll(':scope > rect').length > 2 && bars.some((bar) => overlap(b, bar))) {
                  problems.push(`${label} is drawn over a bar`);
                }
              }
              for (let i = 0; i < texts.length; i++) {
                for (let j = i + 1; j < texts.length; j++) {
                  if (overlap(texts[i].b, texts[j].b)) {
                    problems.push(`chart ${n + 1} (${name}): “${texts[i].el.textContent}” overlaps “${texts[j].el.textContent}”`);
                  }
                }
              }
            });
            return { charts: charts.length, problems };
          });
          check(r.charts > 0, `${t.label} has no svg.chart`);
          check(r.problems.length === 0, () => `${t.label} at ${width} px:\n  ${r.problems.join('\n  ')}`);
          if (t.name === 'figures' && width === 320) {
            const file = path.join(SHOTS, `figures-charts-320-${t.lang}.png`);
            await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
          }
        });
      });
    }
  }
});

describe('Nu HTML Checker (vnu.jar --errors-only)', () => {
  test('no error in any .html file of the portal', { timeout: 150_000 }, async (ctx) => {
    const { code, files, messages } = await vnuRun;
    ctx.diagnostic(`checked ${files.length} files`);
    const errors = messages.filter((m) => m.type === 'error' || m.type === 'non-document-error');
    const where = (m) => {
      let file = m.url ?? '?';
      try { file = path.relative(PORTAL_ROOT, fileURLToPath(m.url)); } catch { /* keep the URL */ }
      return `${file}:${m.lastLine ?? m.firstLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}`;
    };
    const lines = errors.map((m) => `  ${where(m)}: ${m.type === 'non-document-error' ? '[checker] ' : ''}${m.message}`
      + (m.extract ? `\n      ${m.extract.replace(/\s+/g, ' ').trim()}` : ''));
    check(lines.length === 0, `${errors.length} error(s) in the built HTML:\n${lines.join('\n')}`);
    check(code === 0, `vnu.jar exited ${code}`);
  });
});

describe('afterwards', () => {
  test('no page loaded by any test requested another host', { timeout: TEST_TIMEOUT }, () => {
    const hosts = [...foreign].map(([host, urls]) => `  - ${host}: ${[...urls].slice(0, 5).join(', ')}`);
    check(hosts.length === 0, `requests to other hosts:\n${hosts.join('\n')}`);
  });
});
