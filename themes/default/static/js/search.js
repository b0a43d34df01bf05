// fenjin search: the browser half of src/search (same tokenizer, shards and ranking).
// Loaded only by the search page. No dependencies.

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}\u{30000}-\u{3134f}]/u;
const WORD = /[\p{L}\p{N}]/u;
const QUOTES = '“”‘’「」『』《》〈〉"\'';
const K1 = 1.2, B = 0.75, RERANK = 10, LIMIT = 10;

export function normalize(text) {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

// Han runs give characters and pairs (a query: only the pairs of a longer run);
// runs of letters and digits give one term.
export function tokenize(text, query) {
  const out = [];
  let word = '';
  let han = [];
  const flushHan = () => {
    if (han.length === 1 || !query) out.push(...han);
    for (let i = 0; i + 1 < han.length; i++) out.push(han[i] + han[i + 1]);
    han = [];
  };
  for (const c of normalize(text)) {
    if (han.length && !word && QUOTES.includes(c)) continue;
    if (HAN.test(c)) {
      if (word) { out.push(word); word = ''; }
      han.push(c);
    } else if (WORD.test(c)) {
      if (han.length) flushHan();
      word += c;
    } else {
      if (word) { out.push(word); word = ''; }
      if (han.length) flushHan();
    }
  }
  if (word) out.push(word);
  if (han.length) flushHan();
  return out;
}

// FNV-1a over UTF-8 bytes.
export function shardOf(term, shards) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(term)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

// A searcher over one language's index at `base` (a URL ending in /).
export function searcher(base, fetchJson) {
  const cache = new Map();
  const get = (path) => {
    if (!cache.has(path)) cache.set(path, fetchJson(base + path).catch(() => null));
    return cache.get(path);
  };
  const search = async function (q, filters = {}, limit = LIMIT) {
    const m = await get('meta.json');
    if (!m) throw new Error('no index');
    const terms = [...new Set(tokenize(q, true))].sort(cmp);
    if (!terms.length || !m.n) return [];
    const ki = filters.kind ? m.kinds.indexOf(filters.kind) : null;
    const ci = filters.city ? m.cities.indexOf(filters.city) : null;
    const allowed = (d) => (ki === null || ki === m.k[d]) && (ci === null || ci === m.c[d]);
    const shards = new Map();
    await Promise.all(terms.map(async (t) => {
      const s = shardOf(t, m.shards);
      shards.set(s, (await get(`t/${s}.json`)) || {});
    }));
    const scores = new Map();
    for (const t of terms) {
      const list = shards.get(shardOf(t, m.shards))[t];
      if (!list) continue;
      const df = list.length / 2;
      const idf = Math.log(1 + (m.n - df + 0.5) / (df + 0.5));
      let doc = 0;
      for (let i = 0; i < list.length; i += 2) {
        doc += list[i];
        if (!allowed(doc)) continue;
        const tf = list[i + 1];
        const norm = m.avgdl > 0 ? m.l[doc] / m.avgdl : 1;
        const s = idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * norm));
        const e = scores.get(doc) || [0, 0];
        e[0] += s; e[1] += 1;
        scores.set(doc, e);
      }
    }
    let most = 0;
    for (const v of scores.values()) most = Math.max(most, v[1]);
    const order = (a, b) => b[1] - a[1] || a[0] - b[0];
    const ranked = [...scores].filter(([, v]) => v[1] === most).map(([d, v]) => [d, v[0]]).sort(order);
    const phrase = normalize(q).split(/\s+/).filter(Boolean).join(' ');
    const top = ranked.slice(0, RERANK);
    const chunks = new Map();
    await Promise.all([...new Set(top.map(([d]) => Math.floor(d / m.chunk)))].map(async (c) => {
      chunks.set(c, (await get(`d/${c}.json`)) || []);
    }));
    const hit = (d) => chunks.get(Math.floor(d / m.chunk))[d % m.chunk];
    const rescored = top.map(([d, s]) => {
      const h = hit(d);
      if (h) {
        if (normalize(h.t + ' ' + h.x).includes(phrase)) s *= 1.5;
        if (normalize(h.t).includes(phrase)) s *= 1.5;
      }
      return [d, s];
    }).sort(order);
    return rescored.slice(0, limit).map(([d]) => hit(d)).filter(Boolean);
  };
  search.meta = () => get('meta.json');
  return search;
}

// The excerpt: the text around the first match, the matches marked.
function excerpt(text, q) {
  const words = [...new Set([q.trim(), ...tokenize(q, true)])].filter(Boolean)
    .sort((a, b) => b.length - a.length);
  const lower = text.toLowerCase();
  let at = -1;
  for (const w of words) { at = lower.indexOf(w.toLowerCase()); if (at >= 0) break; }
  const start = Math.max(0, at - 40);
  const piece = (start > 0 ? '…' : '') + text.slice(start, start + 140) + (text.length > start + 140 ? '…' : '');
  const frag = document.createDocumentFragment();
  const pl = piece.toLowerCase();
  let i = 0;
  while (i < piece.length) {
    let best = -1, len = 0;
    for (const w of words) {
      const j = pl.indexOf(w.toLowerCase(), i);
      if (j >= 0 && (best < 0 || j < best || (j === best && w.length > len))) { best = j; len = w.length; }
    }
    if (best < 0) { frag.append(piece.slice(i)); break; }
    frag.append(piece.slice(i, best));
    const mark = document.createElement('mark');
    mark.textContent = piece.slice(best, best + len);
    frag.append(mark);
    i = best + len;
  }
  return frag;
}

function init() {
  const form = document.querySelector('form.search-form');
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const input = $('q'), kind = $('kind'), city = $('city'), status = $('search-status'), list = $('search-results');
  const msg = (name, n) => (form.dataset[name] || '').replace('{n}', n);
  const search = searcher(form.dataset.index, (url) => fetch(url).then((r) => (r.ok ? r.json() : null)));
  const params = new URLSearchParams(location.search);
  input.value = params.get('q') || '';
  let seq = 0;
  const run = async () => {
    const q = input.value.trim();
    const my = ++seq;
    const url = new URL(location.href);
    for (const [k, v] of [['q', q], ['kind', kind.value], ['city', city.value]]) {
      if (v) url.searchParams.set(k, v); else url.searchParams.delete(k);
    }
    history.replaceState(null, '', url);
    if (!q) { list.replaceChildren(); status.textContent = ''; return; }
    status.textContent = msg('msgLoading');
    let hits;
    try { hits = await search(q, { kind: kind.value, city: city.value }); } catch { status.textContent = msg('msgError'); return; }
    if (my !== seq) return;
    list.replaceChildren(...hits.map((h) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = h.u; a.textContent = h.t;
      const meta = document.createElement('p');
      meta.className = 'search-meta';
      meta.textContent = [h.k, h.c, h.d].filter(Boolean).join(' · ');
      const p = document.createElement('p');
      p.append(excerpt(h.x, q));
      li.append(a, meta, p);
      return li;
    }));
    status.textContent = hits.length ? msg('msgResults', hits.length) : msg('msgNone');
  };
  const meta = search.meta().then((m) => {
    for (const c of m.cities) city.append(new Option(c, c));
    for (const o of [...kind.options]) if (o.value && !m.kinds.includes(o.value)) o.remove();
    kind.value = params.get('kind') || '';
    city.value = params.get('city') || '';
  }).catch(() => {});
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  kind.addEventListener('change', run);
  city.addEventListener('change', run);
  let timer;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  meta.then(() => { if (input.value) run(); });
}

if (typeof document !== 'undefined') init();
