#!/usr/bin/env node
// A tiny static file server for the built portal, used only by the browser tests.
//
//   node serve.mjs --root DIR [--host 127.0.0.1] [--port 0] [--timeout SECONDS] [-- COMMAND ARGS...]
//
// It listens on 127.0.0.1 (port 0 = a free port chosen by the system) and serves DIR:
// a folder URL serves its index.html (a folder URL without the final slash is redirected
// to the one with it), anything missing gets DIR/404.html with status 404, and every
// text type is sent with `charset=utf-8`. Only GET and HEAD are answered.
//
// With `-- COMMAND ARGS...` it runs that command with PORTAL_URL (http://127.0.0.1:PORT,
// no final slash) and PORTAL_ROOT (DIR) in its environment, stops serving when the
// command ends and exits with the command's status. Whatever happens, it stops after
// --timeout seconds (default 240): it then kills the command's whole process group and
// exits 124. Without a command it serves until the timeout or Ctrl-C.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

function usage(msg) {
  if (msg) console.error(`serve.mjs: ${msg}`);
  console.error('usage: node serve.mjs --root DIR [--host H] [--port N] [--timeout SECONDS] [-- COMMAND ARGS...]');
  process.exit(2);
}

const opts = { root: null, host: '127.0.0.1', port: 0, timeout: 240 };
let command = [];
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { command = argv.slice(i + 1); break; }
    const value = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === '--root') opts.root = value();
    else if (a === '--host') opts.host = value();
    else if (a === '--port') opts.port = Number(value());
    else if (a === '--timeout') opts.timeout = Number(value());
    else usage(`unknown argument ${a}`);
  }
  if (!opts.root) usage('--root is required');
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('bad --port');
  if (!(opts.timeout > 0)) usage('bad --timeout');
}
const ROOT = path.resolve(opts.root);

const TEXT = 'charset=utf-8';
const TYPES = {
  '.html': `text/html; ${TEXT}`,
  '.htm': `text/html; ${TEXT}`,
  '.css': `text/css; ${TEXT}`,
  '.js': `text/javascript; ${TEXT}`,
  '.mjs': `text/javascript; ${TEXT}`,
  '.json': `application/json; ${TEXT}`,
  '.map': `application/json; ${TEXT}`,
  '.webmanifest': `application/manifest+json; ${TEXT}`,
  '.xml': `application/xml; ${TEXT}`,
  '.xsl': `application/xslt+xml; ${TEXT}`,
  '.atom': `application/atom+xml; ${TEXT}`,
  '.rss': `application/rss+xml; ${TEXT}`,
  '.svg': `image/svg+xml; ${TEXT}`,
  '.txt': `text/plain; ${TEXT}`,
  '.md': `text/markdown; ${TEXT}`,
  '.csv': `text/csv; ${TEXT}`,
  '.ics': `text/calendar; ${TEXT}`,
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.wasm': 'application/wasm',
};
const typeOf = (file) => file.endsWith('atom.xml') ? `application/atom+xml; ${TEXT}` : TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

function statOrNull(p) {
  try { return fs.statSync(p); } catch { return null; }
}

function sendFile(req, res, status, file, stat) {
  res.writeHead(status, {
    'Content-Type': typeOf(file),
    'Content-Length': stat.size,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

function notFound(req, res) {
  const file = path.join(ROOT, '404.html');
  const stat = statOrNull(file);
  if (stat?.isFile()) { sendFile(req, res, 404, file, stat); return; }
  const body = 'Not Found\n';
  res.writeHead(404, { 'Content-Type': `text/plain; ${TEXT}`, 'Content-Length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function handle(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': `text/plain; ${TEXT}` });
    res.end('Method Not Allowed\n');
    return;
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    res.writeHead(400, { 'Content-Type': `text/plain; ${TEXT}` });
    res.end('Bad Request\n');
    return;
  }
  const file = path.join(ROOT, pathname);
  if (pathname.includes('\0') || (file !== ROOT && !file.startsWith(ROOT + path.sep))) {
    notFound(req, res);
    return;
  }
  let stat = statOrNull(file);
  if (stat?.isDirectory()) {
    if (!pathname.endsWith('/')) {
      const u = new URL(req.url, 'http://localhost');
      res.writeHead(301, { Location: u.pathname + '/' + u.search, 'Content-Type': `text/plain; ${TEXT}` });
      res.end();
      return;
    }
    const index = path.join(file, 'index.html');
    stat = statOrNull(index);
    if (stat?.isFile()) { sendFile(req, res, 200, index, stat); return; }
    notFound(req, res);
    return;
  }
  if (stat?.isFile() && !pathname.endsWith('/')) { sendFile(req, res, 200, file, stat); return; }
  notFound(req, res);
}

const server = http.createServer((req, res) => {
  try {
    handle(req, res);
  } catch (e) {
    console.error(`serve.mjs: ${req.url}: ${e.message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});

let child = null;
let finished = false;
function finish(code) {
  if (finished) return;
  finished = true;
  server.close();
  server.closeAllConnections?.();
  process.exitCode = code;
  // Nothing else keeps the event loop alive, but be sure.
  setTimeout(() => process.exit(code), 2000).unref();
}

function killChild(signal) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, signal); } catch { try { child.kill(signal); } catch { /* gone */ } }
}

const hardTimeout = setTimeout(() => {
  console.error(`serve.mjs: hard timeout of ${opts.timeout} s reached: stopping${child ? ' the tests' : ''}`);
  killChild('SIGTERM');
  setTimeout(() => killChild('SIGKILL'), 5000).unref();
  finish(124);
}, opts.timeout * 1000);

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killChild(sig);
    clearTimeout(hardTimeout);
    finish(130);
  });
}

server.on('error', (e) => {
  console.error(`serve.mjs: ${e.message}`);
  clearTimeout(hardTimeout);
  finish(2);
});

server.listen(opts.port, opts.host, () => {
  const { port } = server.address();
  const url = `http://${opts.host}:${port}`;
  console.error(`serve.mjs: serving ${ROOT} at ${url}/ (stops after ${opts.timeout} s at the latest)`);
  if (command.length === 0) return;
  child = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    detached: true, // its own process group, so a timeout can stop Chromium and Java too
    env: { ...process.env, PORTAL_URL: url, PORTAL_ROOT: ROOT },
  });
  child.on('error', (e) => {
    console.error(`serve.mjs: cannot run ${command[0]}: ${e.message}`);
    clearTimeout(hardTimeout);
    finish(127);
  });
  child.on('exit', (code, signal) => {
    clearTimeout(hardTimeout);
    // Leave nothing behind: a browser or a JVM the command started but did not stop.
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is already empty */ }
    finish(code ?? 128 + (signal ? (({ SIGINT: 2, SIGKILL: 9, SIGTERM: 15 })[signal] ?? 1) : 1));
  });
});
