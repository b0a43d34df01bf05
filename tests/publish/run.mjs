// Builds the portal with --compress for a free port, serves it with nginx and the
// recipe of docs/publishing.md, runs nginx.test.mjs and lighthouse.mjs against it, and
// stops nginx. Called by run.sh.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, startNginx } from './nginx.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const arg = (name) => {
  const i = process.argv.indexOf(name);
  if (i < 0 || !process.argv[i + 1]) throw new Error(`usage: run.mjs --fenjin BIN --site DIR`);
  return process.argv[i + 1];
};
const fenjin = arg('--fenjin');
const site = arg('--site');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fenjin-publish-'));
fs.chmodSync(work, 0o755);
const root = path.join(work, 'portal');
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let nginx;
let status = 0;
// Stopped from outside (run.sh's timeout, Ctrl-C): stop nginx and the test that runs.
let running;
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    running?.kill(sig);
    nginx?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(1);
  });
}
try {
  const run = (cmd, args, env = {}) => new Promise((resolve) => {
    console.log(`== ${path.basename(cmd)} ${args.join(' ')}`);
    running = spawn(cmd, args, { stdio: 'inherit', cwd: HERE, env: { ...process.env, ...env } });
    running.on('error', () => resolve(1));
    running.on('exit', (code) => { running = undefined; resolve(code ?? 1); });
  });
  if (await run(fenjin, ['build', '--root', site, '--output', root, '--now', '2026-11-24', '--compress', '--base-url', `${url}/`]) !== 0) {
    throw new Error('the portal does not build');
  }
  nginx = await startNginx({ docPath: path.join(REPO, 'docs/publishing.md'), root, port });
  console.log(`== nginx serves the portal on ${url} (${nginx.conf})`);
  const env = { PORTAL_URL: url, PORTAL_ROOT: root };
  status = await run(process.execPath, ['--test', '--test-reporter=spec', 'nginx.test.mjs'], env);
  const lh = await run(process.execPath, ['lighthouse.mjs'], env);
  status = status || lh;
} catch (e) {
  console.error(`tests/publish: ${e.message}`);
  status = 1;
} finally {
  nginx?.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(status);
