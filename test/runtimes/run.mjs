/**
 * `npm run test:runtimes`: runs the shared suite (suite.js) from the packed package under Node 20
 * (this Node), Node 22, Node 24, Bun, Deno, workerd and Chromium, and prints one row per runtime.
 *
 * 1. `npm pack`s the built package (dist/ must exist: `npm run build`) and unpacks it into a temp
 *    app's node_modules/runstream, beside eventsource-parser, as `npm install runstream` would.
 * 2. For each runtime: starts a fresh reference server (from the packed runstream/testing) and a
 *    control server on 127.0.0.1, runs the suite in that runtime, reads its report. Every runtime
 *    is bounded by --timeout (ms, default 120000).
 * 3. Prints the table, writes test-results/runtimes.json, exits 1 if any row failed. A runtime
 *    whose binary is missing is "skipped"; with CI set, a skipped row fails too.
 *
 * Binaries: test/runtimes/node_modules (`npm ci --prefix test/runtimes`, run here when missing;
 * Linux x64 packages), /usr/bin/chromium (`apt-get install chromium`). Options: --only=name[,name] (e.g. --only=deno,chromium),
 * --filter=text (tests whose name contains it), --timeout=ms.
 */
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = (...parts) => join(here, 'node_modules', ...parts);

const { values: options } = parseArgs({
  options: {
    only: { type: 'string' },
    filter: { type: 'string' },
    timeout: { type: 'string', default: '120000' },
  },
});
const RUNTIME_TIMEOUT = Number(options.timeout);
const only = options.only?.split(',').map((name) => name.trim().toLowerCase());

/**
 * @typedef {{ name: string, ok: boolean, ms: number, error?: string }} TestResult
 * @typedef {{ runtime?: { name: string, version: string }, passed: number, failed: number, ms: number, tests: TestResult[] }} Report
 * @typedef {{ runtime: string, version: string, status: 'passed' | 'failed' | 'skipped', passed: number, failed: number, ms: number, note?: string, tests: TestResult[] }} Row
 */

// ── Staging: the package as a user installs it ───────────────────────────────────────────────

function stage() {
  for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/testing/index.js']) {
    if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'runstream-runtimes-'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
  );
  const tarball = join(dir, packed[0].filename);
  const app = join(dir, 'app');
  const pkg = join(app, 'node_modules', 'runstream');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  // runstream's one dependency, as npm would put it beside the package.
  cpSync(join(root, 'node_modules', 'eventsource-parser'), join(app, 'node_modules', 'eventsource-parser'), { recursive: true });
  for (const file of ['assert.js', 'harness.js', 'suite.js', 'entry/cli.js', 'entry/worker.js', 'entry/browser.html']) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    cpSync(join(here, file), join(app, file));
  }
  const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'runstream-matrix-app', private: true, type: 'module', dependencies: { runstream: version } }, null, 2));
  return { dir, app, pkg, tarball: packed[0].filename, files: packed[0].entryCount };
}

// ── Servers: the reference server and its control server ─────────────────────────────────────

/** @param {string} pkg */
async function startServers(pkg) {
  /** @type {typeof import('runstream/testing')} */
  const { startReferenceServer } = await import(pathToFileURL(join(pkg, 'dist/testing/index.js')).href);
  // 20 ms between events: an abort after the second event of a 10-event run leaves most unsent.
  // Keepalive comments every 50 ms land between events.
  const reference = await startReferenceServer({ eventDelay: 20, keepaliveInterval: 50 });
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'content-type',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
  };
  const control = createServer((req, res) => {
    const reply = (status, body) => {
      res.writeHead(status, { ...cors, ...(body === undefined ? {} : { 'content-type': 'application/json' }) });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (req.method === 'OPTIONS') return reply(204);
    if (req.method === 'GET' && req.url === '/log') return reply(200, { requests: reference.requests, streams: reference.streams });
    // POST /drop {path, afterEvents, midEvent}: reference.dropNext(); POST /play {route, script}:
    // reference.play(), for a test that must not race a scripted job's clock.
    if (req.method === 'POST' && (req.url === '/drop' || req.url === '/play')) {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        if (text.length < 100_000) text += chunk;
      });
      req.on('end', () => {
        try {
          const body = JSON.parse(text);
          if (req.url === '/drop') reference.dropNext(body.path, { afterEvents: body.afterEvents, midEvent: body.midEvent });
          else reference.play(body.route, body.script);
          reply(204);
        } catch (error) {
          reply(400, { error: String(error) });
        }
      });
      return;
    }
    reply(404, { error: 'not found' });
  });
  await new Promise((done) => control.listen(0, '127.0.0.1', done));
  const controlUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (control.address()).port}`;
  return {
    server: reference.url,
    control: controlUrl,
    async close() {
      control.closeAllConnections();
      await Promise.all([reference.close(), new Promise((done) => control.close(() => done()))]);
    },
  };
}

// ── Runtimes ────────────────────────────────────────────────────────────────────────────────

/**
 * Runs a command, bounded by `timeout` ms (then SIGKILL); resolves with its output.
 * @param {string} command @param {string[]} args @param {{ cwd: string, env?: NodeJS.ProcessEnv, timeout: number }} opts
 */
function exec(command, args, { cwd, env, timeout }) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ code: -1, stdout, stderr: `${stderr}${error.message}`, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, timedOut });
    });
  });
}

/** @param {string} stdout @returns {Report | undefined} */
function parseReport(stdout) {
  const line = stdout.split('\n').find((text) => text.startsWith('RUNSTREAM_REPORT '));
  return line ? JSON.parse(line.slice('RUNSTREAM_REPORT '.length)) : undefined;
}

/** A runtime with a command line: `<binary> [args] entry/cli.js <server> <control> [filter]`. */
function cliRuntime(name, binary, args = [], env = {}) {
  return {
    name,
    binary,
    /** @param {{ app: string, server: string, control: string }} ctx @returns {Promise<Report>} */
    async run({ app, server, control }) {
      const result = await exec(binary, [...args, 'entry/cli.js', server, control, ...(options.filter ? [options.filter] : [])], {
        cwd: app,
        env,
        timeout: RUNTIME_TIMEOUT,
      });
      const report = parseReport(result.stdout);
      if (report) return report;
      const why = result.timedOut ? `timed out after ${RUNTIME_TIMEOUT} ms` : `exited with code ${result.code} and no report`;
      throw new Error(`${why}\n${result.stderr.trim().split('\n').slice(-15).join('\n')}`);
    },
  };
}

/** A free TCP port on 127.0.0.1 (there is a small window before workerd binds it). */
async function freePort() {
  const probe = createServer();
  await new Promise((done) => probe.listen(0, '127.0.0.1', done));
  const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
  await new Promise((done) => probe.close(done));
  return port;
}

const WORKERD = bin('@cloudflare', 'workerd-linux-64', 'bin', 'workerd');
// A compatibility date workerd supports; it sets the Web API behaviour the Worker gets.
const COMPATIBILITY_DATE = '2025-09-01';

const workerd = {
  name: 'workerd',
  binary: WORKERD,
  /** @param {{ dir: string, app: string, server: string, control: string }} ctx @returns {Promise<Report>} */
  async run({ dir, app, server, control }) {
    const port = await freePort();
    const embed = (file) => JSON.stringify(relative(dir, join(app, file)));
    // The Worker loads the packed files as they are, one module each: `runstream` and
    // `eventsource-parser` are the bare names the package imports, the rest relative paths.
    const parser = 'node_modules/eventsource-parser/dist';
    writeFileSync(
      join(dir, 'config.capnp'),
      `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .matrix),
    # Outbound fetch may reach loopback ("local": the reference server) and nothing else; workerd
    # allows "public" only by default, where fetch to 127.0.0.1 fails with "internal error".
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const matrix :Workerd.Worker = (
  modules = [
    (name = "entry/worker.js", esModule = embed ${embed('entry/worker.js')}),
    (name = "suite.js", esModule = embed ${embed('suite.js')}),
    (name = "harness.js", esModule = embed ${embed('harness.js')}),
    (name = "assert.js", esModule = embed ${embed('assert.js')}),
    (name = "runstream", esModule = embed ${embed('node_modules/runstream/dist/index.js')}),
    (name = "eventsource-parser", esModule = embed ${embed(`${parser}/index.js`)}),
    (name = "errors.js", esModule = embed ${embed(`${parser}/errors.js`)}),
    (name = "parse.js", esModule = embed ${embed(`${parser}/parse.js`)}),
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  globalOutbound = "loopback",
);
`,
    );
    const child = spawn(WORKERD, ['serve', 'config.capnp'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk));
    const exited = new Promise((done) => child.on('close', done));
    const deadline = AbortSignal.timeout(RUNTIME_TIMEOUT);
    try {
      const query = new URLSearchParams({ server, control, ...(options.filter ? { filter: options.filter } : {}) });
      for (;;) {
        if (child.exitCode !== null) throw new Error(`workerd exited with code ${child.exitCode}\n${output.trim()}`);
        try {
          const response = await fetch(`http://127.0.0.1:${port}/?${query}`, { signal: deadline });
          if (!response.ok) throw Object.assign(new Error(`workerd answered ${response.status}: ${await response.text()}\n${output.trim()}`), { fatal: true });
          const report = await response.json();
          report.runtime.version = execFileSync(WORKERD, ['--version'], { encoding: 'utf8' }).trim().replace(/^workerd /, '');
          return report;
        } catch (error) {
          if (error.fatal || deadline.aborted) throw error;
          // Not listening yet.
          await new Promise((done) => setTimeout(done, 100));
        }
      }
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  },
};

const chromiumRuntime = {
  name: 'chromium',
  binary: process.env.RUNSTREAM_CHROMIUM ?? '/usr/bin/chromium',
  /** @param {{ app: string, server: string, control: string }} ctx @returns {Promise<Report>} */
  async run({ app, server, control }) {
    const { launchChromium } = await import('./chromium.mjs');
    const { serveDir } = await import('./serve.mjs');
    const site = await serveDir(app);
    const browser = await launchChromium();
    try {
      const page = await browser.context.newPage();
      /** @type {string[]} */
      const console_ = [];
      page.on('console', (message) => console_.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => console_.push(`pageerror: ${error.message}`));
      const query = new URLSearchParams({ server, control, ...(options.filter ? { filter: options.filter } : {}) });
      await page.goto(`${site.url}/entry/browser.html?${query}`);
      try {
        await page.waitForFunction(() => 'runstreamReport' in globalThis, undefined, { timeout: RUNTIME_TIMEOUT, polling: 100 });
      } catch (error) {
        throw new Error(`${error.message}\n${console_.slice(-15).join('\n')}`);
      }
      const report = await page.evaluate(() => /** @type {any} */ (globalThis).runstreamReport);
      if (report.error) throw new Error(`${report.error}\n${console_.slice(-15).join('\n')}`);
      report.runtime.version = browser.version;
      return report;
    } finally {
      await browser.close();
      await site.close();
    }
  },
};

const DENO = bin('@deno', 'linux-x64-glibc', 'deno');
const RUNTIMES = [
  cliRuntime(`node ${process.versions.node.split('.')[0]}`, process.execPath),
  cliRuntime('node 22', bin('node22', 'bin', 'node')),
  cliRuntime('node 24', bin('node24', 'bin', 'node')),
  cliRuntime('bun', bin('@oven', 'bun-linux-x64', 'bin', 'bun'), ['run', '--no-install'], { DO_NOT_TRACK: '1', BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' }),
  // --allow-net=127.0.0.1: loopback only. package.json beside the entry makes Deno resolve bare
  // specifiers from node_modules, as Node does.
  cliRuntime('deno', DENO, ['run', '--no-prompt', '--no-remote', '--allow-net=127.0.0.1', '--allow-read=.'], { DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }),
  workerd,
  chromiumRuntime,
];

// ── Main ────────────────────────────────────────────────────────────────────────────────────

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Installs the runtime binaries (test/runtimes/package-lock.json) when they are missing. */
function installBinaries() {
  if (existsSync(join(here, 'node_modules', '.package-lock.json'))) return;
  console.log('installing the runtime binaries: npm ci --prefix test/runtimes');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
}

async function main() {
  const started = Date.now();
  installBinaries();
  const staged = stage();
  console.log(`runstream runtime matrix: ${staged.tarball} (${staged.files} files) unpacked into ${staged.app}`);
  /** @type {Row[]} */
  const rows = [];
  try {
    for (const runtime of RUNTIMES) {
      if (only && !only.some((name) => runtime.name.replace(' ', '').startsWith(name.replace(' ', '')))) continue;
      const t0 = Date.now();
      if (!existsSync(runtime.binary)) {
        const hint = runtime.name === 'chromium' ? 'apt-get install chromium' : 'npm ci --prefix test/runtimes (Linux x64 only)';
        rows.push({ runtime: runtime.name, version: '-', status: 'skipped', passed: 0, failed: 0, ms: 0, note: `${runtime.binary} not found (${hint})`, tests: [] });
        continue;
      }
      const servers = await startServers(staged.pkg);
      try {
        const report = await runtime.run({ dir: staged.dir, app: staged.app, server: servers.server, control: servers.control });
        const ok = report.failed === 0 && report.passed > 0;
        rows.push({
          runtime: runtime.name,
          version: report.runtime?.version ?? '?',
          status: ok ? 'passed' : 'failed',
          passed: report.passed,
          failed: report.failed,
          ms: Date.now() - t0,
          tests: report.tests,
        });
      } catch (error) {
        rows.push({ runtime: runtime.name, version: '?', status: 'failed', passed: 0, failed: 0, ms: Date.now() - t0, note: String(error?.message ?? error), tests: [] });
      } finally {
        await servers.close();
      }
      const row = rows.at(-1);
      process.stderr.write(`  ${row.runtime}: ${row.status} (${row.passed} passed, ${row.failed} failed, ${seconds(row.ms)})\n`);
    }
  } finally {
    rmSync(staged.dir, { recursive: true, force: true });
  }

  const table = [
    ['runtime', 'version', 'passed', 'failed', 'time', 'result'],
    ...rows.map((row) => [row.runtime, row.version, String(row.passed), String(row.failed), seconds(row.ms), row.status]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  console.log('');
  for (const cells of table) console.log(cells.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd());
  for (const row of rows) {
    const failures = row.tests.filter((result) => !result.ok);
    if (row.note || failures.length) console.log(`\n${row.runtime}:${row.note ? ` ${row.note}` : ''}`);
    for (const failure of failures) console.log(`  ✗ ${failure.name}\n    ${failure.error}`);
  }

  const strict = Boolean(process.env.CI);
  const bad = rows.filter((row) => row.status === 'failed' || (strict && row.status === 'skipped'));
  const tests = rows.reduce((sum, row) => ({ passed: sum.passed + row.passed, failed: sum.failed + row.failed }), { passed: 0, failed: 0 });
  const results = join(root, 'test-results', 'runtimes.json');
  mkdirSync(dirname(results), { recursive: true });
  writeFileSync(results, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
  console.log(`\n${rows.length} runtimes in ${seconds(Date.now() - started)}; ${tests.passed + tests.failed} suite runs of ${rows.find((row) => row.tests.length)?.tests.length ?? 0} tests; report in ${relative(root, results)}`);
  console.log(`runtimes: ${rows.length - bad.length} passed, ${bad.length} failed`);
  if (bad.length || rows.length === 0) process.exitCode = 1;
}

await main();
