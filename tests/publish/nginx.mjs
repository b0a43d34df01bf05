// Debian's nginx with docs/publishing.md's recipe, on 127.0.0.1, under a temporary
// prefix. The server block is read from the doc each time, so the doc and the tests
// cannot drift apart; only the TLS lines, `listen` and `root` are changed.

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

/** The first ```nginx block after the `## nginx` heading of the publishing doc. */
export function recipe(docPath) {
  const doc = fs.readFileSync(docPath, 'utf8');
  const section = doc.split(/^## nginx$/m)[1];
  if (!section) throw new Error(`${docPath} has no "## nginx" section`);
  const m = section.match(/```nginx\n([\s\S]*?)```/);
  if (!m) throw new Error(`${docPath}: no nginx code block under "## nginx"`);
  return m[1];
}

/** The recipe for a local test: no TLS, listening on 127.0.0.1:port, serving root. */
export function localBlock(block, { port, root }) {
  const lines = block.split('\n').filter((l) => !/^\s*(listen\b|http2\b|ssl_)/.test(l));
  const out = lines.map((l) => l.replace(/^(\s*)root\s+[^;]+;.*$/, `$1root ${root};`));
  const text = out.join('\n').replace(/server\s*\{/, `server {\n    listen 127.0.0.1:${port};`);
  if (!text.includes(`root ${root};`)) throw new Error('the recipe has no `root` line to point at the build');
  return text;
}

/** A whole nginx.conf around the block: foreground, logs to stderr, files under prefix. */
export function config(block, prefix) {
  const modules = fs.existsSync('/etc/nginx/modules-enabled') ? 'include /etc/nginx/modules-enabled/*.conf;' : '';
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  const tmp = (n) => `${n}_temp_path ${path.join(prefix, n)};`;
  return `${user}
daemon off;
master_process on;
worker_processes 1;
pid ${path.join(prefix, 'nginx.pid')};
error_log stderr warn;
${modules}
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    log_not_found off;
    ${tmp('client_body')} ${tmp('proxy')} ${tmp('fastcgi')} ${tmp('uwsgi')} ${tmp('scgi')}
${block}
}
`;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether nginx is installed. */
export function haveNginx() {
  return spawnSync('nginx', ['-v'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts nginx with the doc's recipe over `root` on `port`; resolves once it answers.
 * Returns { url, stop }. nginx is also stopped when this process exits.
 */
export async function startNginx({ docPath, root, port }) {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'fenjin-nginx-'));
  // Debian's module lines (`load_module modules/….so`) are relative to its prefix.
  if (fs.existsSync('/usr/share/nginx/modules')) fs.symlinkSync('/usr/share/nginx/modules', path.join(prefix, 'modules'));
  const conf = path.join(prefix, 'nginx.conf');
  fs.writeFileSync(conf, config(localBlock(recipe(docPath), { port, root }), prefix));
  const check = spawnSync('nginx', ['-t', '-q', '-p', prefix, '-c', conf, '-e', 'stderr'], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the recipe (${conf}):\n${check.stderr}`);
  const child = spawn('nginx', ['-p', prefix, '-c', conf, '-e', 'stderr'], { stdio: ['ignore', 'inherit', 'inherit'] });
  let exited = false;
  child.on('exit', () => { exited = true; });
  // SIGTERM: a fast shutdown (SIGQUIT would wait for a browser's keep-alive connections).
  const stop = () => {
    if (!exited) child.kill('SIGTERM');
    fs.rmSync(prefix, { recursive: true, force: true });
  };
  process.on('exit', stop);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error('nginx exited at start');
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) { stop(); throw new Error('nginx did not answer within 10 s'); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, stop, conf };
}
