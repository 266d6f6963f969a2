// runstream benchmark (issues #5 and #15). Run with `npm run bench` from the repo root (it
// installs, builds and then runs this file with node --expose-gc); `-- --quick` for a smoke run.
//
// The loopback server runs in this process; every client measurement runs in a fresh child
// process (bench/child.mjs), so process.cpuUsage() there counts the client only. Clients are
// interleaved within each round (order alternates forward/backward), warm-up rounds are
// discarded, and ratios are medians of per-round ratios against a reference measured in the same
// round. The sections other than fan-in are run `--runs` times over (a run is one full pass of
// their rounds); a figure is the median of the per-run figures. Every result is verified (event
// count, data checksum, last id, requests seen by the server) before its time is used.
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { buildCorpora, corpusPrefix, CORPUS_LABELS, SLOW_WORK_ITERATIONS, work } from './corpus.mjs';
import { CALLBACK_PEERS, FIRST_CLIENTS, MEM_CLIENTS, NET_CLIENTS, OTEL_CLIENTS, SLOW_CLIENTS } from './clients.mjs';
import { FANIN_TARGETS, faninPhase, faninReport } from './fanin.mjs';
import { BENCH, RESULTS, ROOT } from './paths.mjs';
import { startServer } from './server.mjs';
import { measureSizes } from './size.mjs';
import { fixed, leastSquares, max, median, min, table, thousands } from './stats.mjs';

const startedAt = performance.now();
const args = parseArgs(process.argv.slice(2));
const QUICK = args.quick === true;
const ALL_PHASES = ['size', 'net', 'mem', 'slow', 'heap', 'ttfe', 'fanin'];
const PHASES = (args.only ?? ALL_PHASES.join(',')).split(',');
for (const p of PHASES) if (!ALL_PHASES.includes(p)) throw new Error(`unknown section ${p} (sections: ${ALL_PHASES.join(', ')})`);
// `mem` is the in-memory section as a whole: throughput and the fast-producer case.
if (PHASES.includes('mem') && !PHASES.includes('slow')) PHASES.push('slow');
/** Sections that read the generated corpora (the fan-in and size sections do not). */
const NEEDS_CORPORA = PHASES.some((p) => ['net', 'mem', 'slow', 'heap', 'ttfe'].includes(p));
/** How many times the sections other than fan-in are run; figures are medians across runs. */
const RUNS = Math.max(1, Number(args.runs ?? (QUICK ? 1 : 3)));
const SETTINGS = QUICK
  ? {
      runs: RUNS,
      warmupRounds: 1, // before the first run of the loopback sections only
      netRounds: 2,
      memRounds: 2,
      slowRounds: 2,
      ttfeRounds: 2,
      heapReps: 1, // per run
      ttfeN: 50,
      ttfeWarm: 10,
      every: 10_000,
      window: 8,
      netBytes: 5e6, // read per network measurement
      memBytes: 5e6, // read per in-memory measurement
    }
  : {
      runs: RUNS,
      warmupRounds: 1,
      netRounds: 3,
      memRounds: 2,
      slowRounds: 2,
      ttfeRounds: 3,
      heapReps: 1,
      ttfeN: 300,
      ttfeWarm: 30,
      every: 100_000,
      window: 8,
      netBytes: 25e6,
      memBytes: 25e6,
    };
if (args.rounds) SETTINGS.netRounds = SETTINGS.memRounds = SETTINGS.slowRounds = SETTINGS.ttfeRounds = Number(args.rounds);
SETTINGS.slowWorkIterations = SLOW_WORK_ITERATIONS;
/**
 * The in-memory sections stop a client whose run takes more than CAP_FACTOR times the
 * baseline's same run (at least CAP_MIN_MS; CAP_DEFAULT_MS while no baseline time is known):
 * it is shown "capped", with the time per event it had, and not run again in any round or run.
 * It is there for clients whose time grows faster than their input (eventsource-client's
 * iterator in memory); a linear client stays far below it.
 */
SETTINGS.capFactor = 8;
SETTINGS.capMinMs = 1000;
SETTINGS.capDefaultMs = QUICK ? 5000 : 15_000;
/** The in-memory throughput configurations: corpus and chunk size. */
const MEM_CONFIGS = [
  ['agent', 64 * 1024],
  ['agent', 1536],
  ['tokens', 64 * 1024],
  ['tokens', 1536],
  ['big', 64 * 1024],
  ['agent-crlf', 64 * 1024],
];
/** The fast-producer / slow-consumer case: corpora, chunk size, consumer speeds. */
const SLOW_CORPORA = ['agent', 'tokens'];
const SLOW_CHUNK = 64 * 1024;
const SPEEDS = ['fast', 'slow'];

/** Targets: issue #15 (per-event, bytes) and issue #5 (heap, time to first event). */
const TARGETS = {
  iterVsFloor: 1.03, // runstream for await ÷ iterator floor, (a) and (b), loopback and in memory
  listenVsPeer: 1.0, // runstream addEventListener ÷ the fastest callback-style peer
  linearity: 1.1, // fast producer: µs per event at the whole length ÷ at a quarter
  heapSlope: 0.1, // KiB per 1,000 events
  retained: 256, // KiB
  ttfe: 1.1,
  connectSize: 5000, // bytes min+gzip (KB = 1,000 bytes)
  fullSize: 8000,
};
/** A ratio target counts as met only in the median of at least this many runs. */
const MIN_RUNS = 3;
/** Peers' published ratios vs the bare baseline (agent-run / token-delta), for comparison. */
const PUBLISHED = {
  'eventsource-client': [1.13, 1.45],
  eventsource: [1.29, 2.01],
  'fetch-event-source': [2.03, 2.2],
  'naive-generator': [1.24, 1.7],
};

const CLIENT_LABELS = {
  'fetch-read': 'transport floor (fetch, read bytes only)',
  baseline: 'BASELINE fetch+TextDecoder+parser+JSON.parse',
  'runstream-iter': 'runstream for await',
  'runstream-listen': 'runstream addEventListener',
  'runstream-otel-noop': 'runstream for await + instrument(), no SDK (no-op)',
  'runstream-otel-sdk': 'runstream for await + instrument(), SDK, in-memory export',
  'iterator-floor': 'iterator floor: baseline + cheapest async iterator',
  'naive-generator': 'naive async generator (reference)',
  'eventsource-client': 'eventsource-client (for await)',
  'eventsource-client-cb': 'eventsource-client (onMessage callback)',
  eventsource: 'eventsource (EventSource API)',
  'fetch-event-source': '@microsoft/fetch-event-source',
  floor: 'floor: TextDecoder + indexOf("\\n")',
};
/** In memory, `fetch` is the in-memory server (memoryFetch in clients.mjs). */
const MEM_LABELS = { ...CLIENT_LABELS, baseline: 'BASELINE in-memory fetch+TextDecoder+parser+JSON.parse' };

function parseArgs(argv) {
  const out = {};
  for (const arg of argv) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}`);
    out[match[1]] = match[2] ?? true;
  }
  return out;
}

function log(message) {
  const s = ((performance.now() - startedAt) / 1000).toFixed(0).padStart(4);
  console.error(`[${s}s] ${message}`);
}

/** The exit code of a child that stopped at its time budget (see exitCapped in child.mjs). */
const CAPPED_EXIT = 3;

/** Runs one job in a fresh `node --expose-gc` child; rejects on error, exit or timeout. */
function runChild(job, timeoutMs, execArgv = []) {
  return new Promise((resolve, reject) => {
    const child = fork(join(BENCH, 'child.mjs'), [JSON.stringify(job)], {
      execArgv: ['--expose-gc', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      settle(new Error(`timed out after ${timeoutMs} ms`));
      child.kill('SIGKILL');
    }, timeoutMs);
    function settle(error, result) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    }
    child.on('message', (message) => (message.ok ? settle(null, message.result) : settle(new Error(message.error))));
    child.on('error', (error) => settle(error));
    child.on('exit', (code, signal) => {
      // A child of the in-memory sections that stopped at its time budget (exitCapped in child.mjs).
      if (code === CAPPED_EXIT && job.capFile) {
        try {
          const result = JSON.parse(readFileSync(job.capFile, 'utf8'));
          rmSync(job.capFile, { force: true });
          return settle(null, result);
        } catch (error) {
          return settle(new Error(`child stopped at its time budget but left no result (${error.message})`));
        }
      }
      settle(new Error(`child exited (${code ?? signal}) without a result`));
    });
  });
}

/** Forward on even rounds, backward on odd ones: ABC CBA ABC…, so drift cancels out. */
function orderFor(round, clients) {
  return round % 2 ? [...clients].reverse() : clients;
}

/** `--clients=a,b` narrows a section's client list (references are not added back). */
function pick(clients) {
  if (!args.clients) return clients.filter((c) => !OTEL_CLIENTS.includes(c));
  const wanted = args.clients.split(',');
  return clients.filter((c) => wanted.includes(c));
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

function versions() {
  const require = createRequire(join(BENCH, 'package.json'));
  const rootRequire = createRequire(join(ROOT, 'package.json'));
  const version = (req, name) => {
    try {
      return JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')).version;
    } catch {
      return 'missing';
    }
  };
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty) commit += ' + uncommitted src/ changes';
  } catch {
    // not a git checkout
  }
  return {
    runstream: `${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version} (${commit}, dist/index.js)`,
    'eventsource-parser (runstream, baseline)': version(rootRequire, 'eventsource-parser'),
    'eventsource-client': version(require, 'eventsource-client'),
    eventsource: version(require, 'eventsource'),
    '@microsoft/fetch-event-source': version(require, '@microsoft/fetch-event-source'),
    esbuild: version(require, 'esbuild'),
  };
}

/** µs per call of the slow consumer's work on this machine (for the report; the work is fixed). */
function calibrateWork() {
  for (let i = 0; i < 20_000; i++) work(SLOW_WORK_ITERATIONS);
  const t = performance.now();
  for (let i = 0; i < 50_000; i++) work(SLOW_WORK_ITERATIONS);
  return ((performance.now() - t) * 1000) / 50_000;
}

// ---------------------------------------------------------------------------------------------

const results = {
  mode: QUICK ? 'quick' : 'full',
  date: new Date().toISOString(),
  machine: machine(),
  versions: versions(),
  settings: SETTINGS,
  targets: { ...TARGETS, minRuns: MIN_RUNS, fanin: FANIN_TARGETS },
  published: PUBLISHED,
  corpora: {},
  net: {},
  mem: {},
  slow: {},
  heap: {},
  ttfe: {},
  size: [],
  elapsedSeconds: {},
  checks: [],
  failures: [],
};

let corpora = {};
let tmp;
let server;
let firstType;
if (NEEDS_CORPORA) {
  log(`building corpora (${results.mode})`);
  corpora = buildCorpora(results.mode);
  for (const [name, c] of Object.entries(corpora)) {
    c.lf = countLf(c.bytes);
    c.warmLf = countLf(c.warm);
    results.corpora[name] = {
      label: CORPUS_LABELS[name],
      events: c.expect.count,
      wireBytes: c.bytes.length,
      avgDataBytes: Math.round((c.dataBytes / c.expect.count) * 10) / 10,
      types: c.types,
    };
  }
  tmp = mkdtempSync(join(os.tmpdir(), 'runstream-bench-'));
  for (const [name, c] of Object.entries(corpora)) {
    writeFileSync(join(tmp, `${name}.sse`), c.bytes);
    writeFileSync(join(tmp, `${name}.warm.sse`), c.warm);
  }
  const firstEvent = Buffer.from(corpora.agent.bytes.subarray(0, corpora.agent.bytes.indexOf('\n\n') + 2));
  firstType = /^event: (.*)$/m.exec(firstEvent.toString())[1];
  server = await startServer(corpora, firstEvent);
}
let jobSeq = 0;
/** Clients stopped at their time budget, by configuration: not measured again in any run. */
const memCaps = new Map();
const slowCaps = new Map();
/** The fast-producer case's prefixes and the measured cost of its slow consumer's work. */
let slowSetup;

function countLf(bytes) {
  let lf = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lf++;
  return lf;
}

function fail(phase, what, error) {
  const message = String(error?.message ?? error).split('\n')[0];
  results.failures.push({ phase, what, error: String(error?.message ?? error) });
  log(`  FAILED ${phase} ${what}: ${message}`);
}

/** Runs one section's pass, logs and stores its elapsed time (seconds, one entry per run). */
async function timed(phase, label, fn) {
  const t = performance.now();
  await fn();
  const seconds = Math.round((performance.now() - t) / 100) / 10;
  (results.elapsedSeconds[phase] ??= []).push(seconds);
  log(`${label}: ${seconds} s`);
}

try {
  if (PHASES.includes('size')) await timed('size', 'bundle sizes done', sizePhase);
  for (let run = 0; run < RUNS; run++) {
    const of = `run ${run + 1}/${RUNS}`;
    if (PHASES.includes('net')) await timed('net', `network ${of} done`, () => netPhase(run));
    if (PHASES.includes('mem')) await timed('mem', `in-memory ${of} done`, () => memPhase(run));
    if (PHASES.includes('slow')) await timed('slow', `fast producer ${of} done`, () => slowPhase(run));
    if (PHASES.includes('heap')) await timed('heap', `heap ${of} done`, () => heapPhase(run));
    if (PHASES.includes('ttfe')) await timed('ttfe', `time to first event ${of} done`, () => ttfePhase(run));
  }
  if (PHASES.includes('fanin')) await timed('fanin', 'fan-in done', () => faninPhase({ quick: QUICK, args, log, fail, results }));
} finally {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

finalize();
results.totalSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
report();
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON: ${join(RESULTS, 'latest.json')}`);
process.exitCode = results.failures.length ? 1 : 0;

// ---------------------------------------------------------------------------------------------
// Measuring

async function sizePhase() {
  log('bundle sizes (esbuild, minify, gzip -9)');
  const { rows, composition } = await measureSizes();
  results.size = rows;
  results.sizeComposition = composition;
}

function verified(result, expect) {
  return result.count === expect.count && result.sum === expect.sum && result.lastId === expect.lastId;
}

/**
 * Warm-up rounds, discarded: only before the first run of the sections that use the loopback
 * server (later runs start on a warm machine and a warm server). The in-memory sections have no
 * server, and each child warms up by itself, so they have none.
 */
function warmupFor(run, inMemory = false) {
  return run === 0 && !inMemory ? SETTINGS.warmupRounds : 0;
}

/**
 * Runs `warmup` discarded and `rounds` measured rounds of every client, the order reversed
 * every other round. `measure(client)` resolves to the round's figures, or `{ capped }`, or
 * throws (the client is then INVALID for this run and not measured again in it). A capped
 * client is not measured again in any later round or run (`caps`, keyed by `capKey`).
 */
async function interleaved({ clients, warmup, rounds, measure, phase, what, caps, capKey }) {
  const perClient = Object.fromEntries(clients.map((c) => [c, { rounds: [] }]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (const client of orderFor(round, clients)) {
      const entry = perClient[client];
      if (entry.invalid || entry.capped) continue;
      const key = capKey?.(client);
      if (key && caps.has(key)) {
        entry.capped = caps.get(key);
        continue;
      }
      try {
        const r = await measure(client);
        if (r.capped) {
          entry.capped = r.capped;
          if (key) caps.set(key, r.capped);
          log(`  ${client} on ${what}: capped (${r.capped.note})`);
          continue;
        }
        if (round >= warmup) entry.rounds.push(r);
      } catch (error) {
        entry.invalid = String(error.message ?? error).split('\n')[0];
        fail(phase, `${client} on ${what}`, error);
      }
    }
  }
  return perClient;
}

/** A capped client's time budget, from the baseline's time for the same run (ms) if known. */
function budgetFrom(refMs) {
  return Number.isFinite(refMs) ? Math.max(SETTINGS.capMinMs, SETTINGS.capFactor * refMs) : SETTINGS.capDefaultMs;
}

/** Streams per network measurement: one, or enough to read ~25 MB (~5 MB in quick mode). */
function netPasses(corpus) {
  return Math.max(1, Math.round(SETTINGS.netBytes / corpus.bytes.length));
}

async function netPhase(run) {
  const clients = pick(NET_CLIENTS);
  for (const [name, corpus] of Object.entries(corpora)) {
    log(`network run ${run + 1}/${RUNS}: ${name} (${thousands(corpus.expect.count)} events, ${fixed(corpus.bytes.length / 1e6, 1)} MB)`);
    const passes = netPasses(corpus);
    const perClient = await interleaved({
      clients,
      warmup: warmupFor(run),
      rounds: SETTINGS.netRounds,
      phase: 'net',
      what: `${name} (run ${run + 1})`,
      measure: async (client) => {
        const tag = `n${++jobSeq}`;
        const job = {
          kind: 'net',
          client,
          corpus: name,
          types: corpus.types,
          url: `${server.base}/corpus/${name}?k=${tag}`,
          warmUrl: `${server.base}/warm/${name}?k=${tag}-w`,
          warmRuns: 1,
          passes,
          expect: corpus.expect,
          warmExpect: corpus.warmExpect,
        };
        const r = await runChild(job, 180_000);
        const requests = server.requests(tag);
        if (client === 'fetch-read' ? r.bytes !== corpus.bytes.length : !verified(r, corpus.expect)) {
          throw new Error(`received ${r.count} events (checksum ${r.sum}, last id ${JSON.stringify(r.lastId)}); expected ${corpus.expect.count} (${corpus.expect.sum}, ${JSON.stringify(corpus.expect.lastId)})`);
        }
        if (requests !== job.passes) throw new Error(`made ${requests} requests for ${job.passes} measured stream(s)`);
        return { wallMs: r.wallMs, cpuUs: r.cpuUs };
      },
    });
    const entry = (results.net[name] ??= { passes, events: corpus.expect.count * passes, bytes: corpus.bytes.length * passes, runs: [] });
    entry.runs.push(perClient);
  }
}

/** In-memory passes per measurement: whole corpora, ~25 MB in all (~5 MB in quick mode). */
function memPasses(corpus) {
  return Math.max(1, Math.round(SETTINGS.memBytes / corpus.bytes.length));
}


async function memPhase(run) {
  const clients = pick(MEM_CLIENTS);
  for (const [name, chunk] of MEM_CONFIGS) {
    const corpus = corpora[name];
    const key = `${name}@${chunk}`;
    log(`in-memory run ${run + 1}/${RUNS}: ${name}, ${chunk} B chunks`);
    const passes = memPasses(corpus);
    let refMs; // the baseline's latest time here, for the cap
    const perClient = await interleaved({
      clients,
      warmup: warmupFor(run, true),
      rounds: SETTINGS.memRounds,
      phase: 'mem',
      what: `${key} (run ${run + 1})`,
      caps: memCaps,
      capKey: (client) => `${key}/${client}`,
      measure: async (client) => {
        const job = {
          kind: 'mem',
          client,
          corpus: name,
          types: corpus.types,
          chunk,
          file: join(tmp, `${name}.sse`),
          warmFile: join(tmp, `${name}.warm.sse`),
          warmRuns: 1,
          passes,
          budgetMs: budgetFrom(refMs),
          capFile: join(tmp, `capped-${++jobSeq}.json`),
          expect: corpus.expect,
          warmExpect: corpus.warmExpect,
          floorExpect: { count: corpus.lf, sum: 0, lastId: '' },
          floorWarmExpect: { count: corpus.warmLf, sum: 0, lastId: '' },
        };
        const r = await runChild(job, 180_000);
        if (r.capped) {
          const usPerEvent = (r.ms * 1000) / r.events;
          const limit = Number.isFinite(refMs) ? ` (${SETTINGS.capFactor}× the baseline's ${fixed(refMs / 1000, 2)} s)` : '';
          return { capped: { run, phase: r.phase, events: r.events, ms: r.ms, usPerEvent, note: `${fixed(usPerEvent, 2)} µs/ev over its first ${thousands(r.events)} events (${r.phase}), stopped at ${fixed(r.ms / 1000, 1)} s${limit}` } };
        }
        if (client === 'baseline') refMs = r.wallMs;
        return { wallMs: r.wallMs, cpuUs: r.cpuUs };
      },
    });
    const entry = (results.mem[key] ??= { corpus: name, chunk, passes, events: corpus.expect.count * passes, bytes: corpus.bytes.length * passes, runs: [] });
    entry.runs.push(perClient);
  }
}

/** Prefixes of a corpus for the fast-producer case: a short warm-up, a quarter, the whole. */
function slowPrefixes(name) {
  const corpus = corpora[name];
  const n = corpus.expect.count;
  const prefix = (count) => {
    const p = corpusPrefix(name, count);
    if (!corpus.bytes.subarray(0, p.bytes).equals(Buffer.from(p.text))) throw new Error(`${name}: the first ${count} events are not a prefix of the corpus`);
    return { bytes: p.bytes, expect: p.expect };
  };
  return {
    warm: prefix(Math.min(20_000, Math.floor(n / 5))),
    quarter: prefix(Math.floor(n / 4)),
    full: { bytes: corpus.bytes.length, expect: corpus.expect },
  };
}


async function slowPhase(run) {
  const clients = pick(SLOW_CLIENTS);
  if (!slowSetup) {
    slowSetup = { workUs: calibrateWork(), prefixes: Object.fromEntries(SLOW_CORPORA.map((name) => [name, slowPrefixes(name)])) };
    results.slowWorkUsPerEvent = slowSetup.workUs;
  }
  for (const name of SLOW_CORPORA) {
    const corpus = corpora[name];
    const prefixes = slowSetup.prefixes[name];
    log(`fast producer run ${run + 1}/${RUNS}: ${name} (${thousands(prefixes.quarter.expect.count)} and ${thousands(prefixes.full.expect.count)} events, consumer work ${fixed(slowSetup.workUs, 2)} µs/ev when slow)`);
    // Each child measures both speeds; a speed a client was capped at is not run again.
    const perSpeed = Object.fromEntries(SPEEDS.map((s) => [s, Object.fromEntries(clients.map((c) => [c, { rounds: [] }]))]));
    const warmup = warmupFor(run, true);
    const refs = {}; // the baseline's latest quarter and whole times per speed, for the cap
    for (let round = 0; round < warmup + SETTINGS.slowRounds; round++) {
      for (const client of orderFor(round, clients)) {
        const speeds = SPEEDS.filter((s) => {
          const entry = perSpeed[s][client];
          const cap = slowCaps.get(`${name}/${s}/${client}`);
          if (cap) entry.capped = cap;
          return !entry.invalid && !cap;
        });
        if (!speeds.length) continue;
        try {
          // A child that stops at a budget returns the speeds it finished; the rest get a new one.
          for (let todo = speeds; todo.length; ) {
            const job = {
              kind: 'slow',
              client,
              corpus: name,
              types: corpus.types,
              file: join(tmp, `${name}.sse`),
              chunk: SLOW_CHUNK,
              prefixes,
              warmRuns: 2,
              speeds: todo,
              spin: SLOW_WORK_ITERATIONS,
              budgets: Object.fromEntries(todo.map((sp) => [sp, { quarter: budgetFrom(refs[sp]?.quarter), full: budgetFrom(refs[sp]?.full) }])),
              capFile: join(tmp, `capped-${++jobSeq}.json`),
            };
            const r = await runChild(job, 180_000);
            for (const [speed, { quarter, full }] of Object.entries(r.speeds)) {
              const entry = perSpeed[speed][client];
              if (quarter.capped || full.capped) {
                entry.capped = slowCapNote(quarter, full, refs[speed], prefixes, run, round);
                slowCaps.set(`${name}/${speed}/${client}`, entry.capped);
                log(`  ${client} on ${name}, ${speed} consumer: capped (${entry.capped.note})`);
                continue;
              }
              if (client === 'baseline') refs[speed] = { quarter: quarter.wallMs, full: full.wallMs };
              if (round >= warmup) entry.rounds.push({ quarter: { wallMs: quarter.wallMs, cpuUs: quarter.cpuUs }, full: { wallMs: full.wallMs, cpuUs: full.cpuUs } });
            }
            const left = todo.filter((sp) => !r.speeds[sp]);
            if (left.length === todo.length) throw new Error(`no result for ${todo.join(', ')}`);
            todo = left;
          }
        } catch (error) {
          for (const speed of speeds) perSpeed[speed][client].invalid = String(error.message ?? error).split('\n')[0];
          fail('slow', `${client} on ${name} (run ${run + 1})`, error);
        }
      }
    }
    const entry = (results.slow[name] ??= { chunk: SLOW_CHUNK, quarterEvents: prefixes.quarter.expect.count, fullEvents: prefixes.full.expect.count, runs: [] });
    entry.runs.push(perSpeed);
  }
}

/** What a capped fast-producer client shows: the time per event it had, and why it stopped. */
function slowCapNote(quarter, full, ref, prefixes, run, round) {
  const part = quarter.capped ? quarter : full;
  const usPerEvent = part.skipped ? NaN : (part.ms * 1000) / part.events;
  const quarterUsPerEvent = quarter.capped ? NaN : (quarter.wallMs * 1000) / prefixes.quarter.expect.count;
  const refMs = ref?.[quarter.capped ? 'quarter' : 'full'];
  const limit = Number.isFinite(refMs) ? `, over ${SETTINGS.capFactor}× the baseline's ${fixed(refMs / 1000, 2)} s` : '';
  let note;
  if (quarter.capped) {
    const where = quarter.phase === 'warm-up' ? 'a warm-up read' : 'the quarter';
    note = `${fixed(usPerEvent, 2)} µs/ev over the first ${thousands(part.events)} events of ${where}, stopped at ${fixed(part.ms / 1000, 1)} s${limit}`;
  } else if (part.skipped) {
    note = `the quarter took ${fixed(quarter.wallMs / 1000, 1)} s${limit}: whole length not run`;
  } else {
    note = `whole length: ${fixed(usPerEvent, 2)} µs/ev over its first ${thousands(part.events)} events, stopped at ${fixed(part.ms / 1000, 1)} s${limit}`;
  }
  return { run, round, phase: quarter.capped ? quarter.phase : 'whole', quarterUsPerEvent, usPerEvent, note };
}

async function heapPhase(run) {
  const corpus = corpora.tokens;
  const clients = ['runstream-iter', 'runstream-listen', 'baseline'];
  log(`heap run ${run + 1}/${RUNS}: ${thousands(corpus.expect.count)} token deltas, gc() + heapUsed every ${thousands(SETTINGS.every)} events`);
  for (const client of clients) results.heap[client] ??= { reps: [] };
  for (let rep = 0; rep < SETTINGS.heapReps; rep++) {
    for (const client of orderFor(run * SETTINGS.heapReps + rep, clients)) {
      const tag = `h${++jobSeq}`;
      const job = {
        kind: 'heap',
        client,
        corpus: 'tokens',
        types: corpus.types,
        url: `${server.base}/corpus/tokens?k=${tag}`,
        // The first ~100k events of a process still grow the heap (lazily compiled code and
        // feedback), in every client: quick mode, whose whole corpus is 100k events, warms up
        // on all of it twice.
        warmUrl: QUICK ? `${server.base}/corpus/tokens?k=${tag}-w` : `${server.base}/warm/tokens?k=${tag}-w`,
        warmRuns: QUICK ? 2 : 1,
        every: SETTINGS.every,
        window: SETTINGS.window,
        expect: corpus.expect,
        warmExpect: QUICK ? corpus.expect : corpus.warmExpect,
      };
      try {
        const r = await runChild(job, 180_000, ['--no-opt']);
        if (!verified(r, corpus.expect)) throw new Error(`received ${r.count} events, expected ${corpus.expect.count}`);
        const { slope } = leastSquares(r.samples);
        results.heap[client].reps.push({
          run,
          samples: r.samples,
          slopeKiBPer1k: (slope * 1000) / 1024,
          retainedKiB: (r.after - r.before) / 1024,
        });
      } catch (error) {
        results.heap[client].invalid = String(error.message ?? error).split('\n')[0];
        fail('heap', `${client} (run ${run + 1})`, error);
      }
    }
  }
}

async function ttfePhase(run) {
  log(`time to first event run ${run + 1}/${RUNS}: ${SETTINGS.ttfeN} fresh connections per client per round`);
  const perClient = await interleaved({
    clients: FIRST_CLIENTS,
    warmup: warmupFor(run),
    rounds: SETTINGS.ttfeRounds,
    phase: 'ttfe',
    what: `time to first event (run ${run + 1})`,
    measure: async (client) => {
      const tag = `t${++jobSeq}`;
      const job = { kind: 'ttfe', client, url: `${server.base}/first/?k=${tag}`, type: firstType, n: SETTINGS.ttfeN, warmN: SETTINGS.ttfeWarm };
      const connectionsBefore = server.connections();
      const r = await runChild(job, 120_000);
      const connections = server.connections() - connectionsBefore;
      const expected = SETTINGS.ttfeN + SETTINGS.ttfeWarm;
      if (r.times.length !== SETTINGS.ttfeN || r.times.some((t) => !(t > 0))) throw new Error('missing first events');
      if (connections !== expected) throw new Error(`${connections} TCP connections for ${expected} streams (expected one each)`);
      return { medianMs: median(r.times), p90Ms: r.times.sort((a, b) => a - b)[Math.floor(r.times.length * 0.9)] };
    },
  });
  (results.ttfe.runs ??= []).push(perClient);
}

// ---------------------------------------------------------------------------------------------
// Summarising: per run (medians and per-round ratios), then across runs (medians of the
// per-run figures, with their range).

/** Per-round ratios of `key` between two clients of one run (same rounds); undefined if either is missing. */
function pairRatios(perClient, a, b, key = (r) => r.wallMs) {
  const A = perClient[a];
  const B = perClient[b];
  if (!A || !B || A.invalid || B.invalid || A.capped || B.capped || !A.rounds.length || A.rounds.length !== B.rounds.length) return undefined;
  const ratios = A.rounds.map((r, i) => key(r) / key(B.rounds[i]));
  return { value: median(ratios), min: min(ratios), max: max(ratios), rounds: ratios };
}

/** One run of a throughput section: medians and per-round ratios against `reference`. */
function summarizeRun(perClient, reference, events, bytes) {
  const out = {};
  for (const [client, e] of Object.entries(perClient)) {
    const s = { invalid: e.invalid, capped: e.capped };
    if (!e.invalid && !e.capped && e.rounds.length) {
      s.wallMs = median(e.rounds.map((r) => r.wallMs));
      s.cpuUs = median(e.rounds.map((r) => r.cpuUs));
      s.eventsPerSec = events / (s.wallMs / 1000);
      s.mbPerSec = bytes / 1e6 / (s.wallMs / 1000);
      s.cpuUsPerEvent = s.cpuUs / events;
      s.ratio = pairRatios(perClient, client, reference);
      s.cpuRatio = pairRatios(perClient, client, reference, (r) => r.cpuUs)?.value;
    }
    out[client] = s;
  }
  return out;
}

/**
 * The per-event targets of one run: runstream for await ÷ the iterator floor, and runstream
 * addEventListener ÷ the fastest callback-style peer of that run (the one with the lowest
 * median per-round ratio against the baseline), both per round, then the median.
 */
function perEventTargets(perClient, summary) {
  const iterVsFloor = pairRatios(perClient, 'runstream-iter', 'iterator-floor');
  let peer;
  for (const name of CALLBACK_PEERS) {
    const r = summary[name]?.ratio?.value;
    if (Number.isFinite(r) && (!peer || r < summary[peer].ratio.value)) peer = name;
  }
  const listenVsPeer = peer ? pairRatios(perClient, 'runstream-listen', peer) : undefined;
  if (listenVsPeer) listenVsPeer.peer = peer;
  return { iterVsFloor, listenVsPeer };
}

/**
 * Across runs: the median of the per-run values, with their range; with a single run, the
 * range is that run's range across rounds (`spread: 'rounds'`). `runs` counts the runs that
 * gave a value.
 */
function overRuns(list) {
  const ok = list.filter((x) => x && Number.isFinite(x.value));
  if (!ok.length) return { value: NaN, runs: 0 };
  const values = ok.map((x) => x.value);
  if (ok.length === 1) return { value: values[0], min: ok[0].min, max: ok[0].max, runs: 1, spread: 'rounds', perRun: values };
  return { value: median(values), min: min(values), max: max(values), runs: ok.length, spread: 'runs', perRun: values };
}

/** The table entry of each client from its per-run summaries. */
function acrossRuns(summaries) {
  const out = {};
  for (const client of Object.keys(summaries[0] ?? {})) {
    const per = summaries.map((s) => s[client]);
    const invalidRun = per.findIndex((s) => s.invalid);
    const cappedRun = per.find((s) => s.capped);
    const ok = per.filter((s) => !s.invalid && !s.capped && Number.isFinite(s.wallMs));
    const e = {
      runs: ok.length,
      invalid: invalidRun >= 0 ? `run ${invalidRun + 1}: ${per[invalidRun].invalid}` : undefined,
      capped: cappedRun?.capped,
      wallMs: median(ok.map((s) => s.wallMs)),
      cpuUs: median(ok.map((s) => s.cpuUs)),
      eventsPerSec: median(ok.map((s) => s.eventsPerSec)),
      mbPerSec: median(ok.map((s) => s.mbPerSec)),
      cpuUsPerEvent: median(ok.map((s) => s.cpuUsPerEvent)),
      ratio: overRuns(ok.map((s) => s.ratio)),
      cpuRatio: median(ok.map((s) => s.cpuRatio)),
    };
    out[client] = e;
  }
  return out;
}

function finalizeThroughput(entry, reference) {
  entry.summaries = entry.runs.map((perClient) => summarizeRun(perClient, reference, entry.events, entry.bytes));
  const perRun = entry.runs.map((perClient, i) => perEventTargets(perClient, entry.summaries[i]));
  entry.clients = acrossRuns(entry.summaries);
  entry.targets = {
    perRun,
    iterVsFloor: overRuns(perRun.map((t) => t.iterVsFloor)),
    listenVsPeer: { ...overRuns(perRun.map((t) => t.listenVsPeer)), peers: perRun.map((t) => t.listenVsPeer?.peer ?? null) },
  };
}

function finalizeSlow(entry) {
  const { quarterEvents, fullEvents } = entry;
  entry.speeds = {};
  for (const speed of SPEEDS) {
    const runs = entry.runs.map((r) => r[speed]);
    const perRunSummary = runs.map((perClient) => {
      const out = {};
      for (const [client, e] of Object.entries(perClient)) {
        const s = { invalid: e.invalid, capped: e.capped };
        if (!e.invalid && !e.capped && e.rounds.length) {
          const q = e.rounds.map((r) => (r.quarter.wallMs * 1000) / quarterEvents);
          const f = e.rounds.map((r) => (r.full.wallMs * 1000) / fullEvents);
          const lin = q.map((qi, i) => f[i] / qi);
          s.quarterUs = median(q);
          s.fullUs = median(f);
          s.linearity = { value: median(lin), min: min(lin), max: max(lin), rounds: lin };
          s.vsFloor = pairRatios(perClient, client, 'iterator-floor', (r) => r.full.wallMs);
          s.vsFloorQuarter = pairRatios(perClient, client, 'iterator-floor', (r) => r.quarter.wallMs);
          s.vsCallback = pairRatios(perClient, client, 'eventsource-client-cb', (r) => r.full.wallMs);
        }
        out[client] = s;
      }
      return out;
    });
    const clients = {};
    for (const client of Object.keys(perRunSummary[0] ?? {})) {
      const per = perRunSummary.map((s) => s[client]);
      const invalidRun = per.findIndex((s) => s.invalid);
      const ok = per.filter((s) => !s.invalid && !s.capped && Number.isFinite(s.fullUs));
      clients[client] = {
        runs: ok.length,
        invalid: invalidRun >= 0 ? `run ${invalidRun + 1}: ${per[invalidRun].invalid}` : undefined,
        capped: per.find((s) => s.capped)?.capped,
        quarterUs: median(ok.map((s) => s.quarterUs)),
        fullUs: median(ok.map((s) => s.fullUs)),
        linearity: overRuns(ok.map((s) => s.linearity)),
        vsFloor: overRuns(ok.map((s) => s.vsFloor)),
        vsFloorQuarter: overRuns(ok.map((s) => s.vsFloorQuarter)),
        vsCallback: overRuns(ok.map((s) => s.vsCallback)),
      };
    }
    entry.speeds[speed] = { summaries: perRunSummary, clients };
  }
}

function finalizeTtfe() {
  const runs = results.ttfe.runs;
  if (!runs) return;
  const summaries = runs.map((perClient) => {
    const out = {};
    for (const [client, e] of Object.entries(perClient)) {
      const s = { invalid: e.invalid };
      if (!e.invalid && e.rounds.length) {
        s.medianMs = median(e.rounds.map((r) => r.medianMs));
        s.p90Ms = median(e.rounds.map((r) => r.p90Ms));
        s.ratio = pairRatios(perClient, client, 'baseline', (r) => r.medianMs);
      }
      out[client] = s;
    }
    return out;
  });
  results.ttfe.summaries = summaries;
  results.ttfe.clients = {};
  for (const client of Object.keys(summaries[0] ?? {})) {
    const per = summaries.map((s) => s[client]);
    const invalidRun = per.findIndex((s) => s.invalid);
    const ok = per.filter((s) => !s.invalid && Number.isFinite(s.medianMs));
    results.ttfe.clients[client] = {
      runs: ok.length,
      invalid: invalidRun >= 0 ? `run ${invalidRun + 1}: ${per[invalidRun].invalid}` : undefined,
      medianMs: median(ok.map((s) => s.medianMs)),
      p90Ms: median(ok.map((s) => s.p90Ms)),
      ratio: overRuns(ok.map((s) => s.ratio)),
    };
  }
}

function finalize() {
  for (const entry of Object.values(results.net)) finalizeThroughput(entry, 'baseline');
  for (const entry of Object.values(results.mem)) finalizeThroughput(entry, 'baseline');
  for (const entry of Object.values(results.slow)) finalizeSlow(entry);
  finalizeTtfe();
  for (const entry of Object.values(results.heap)) {
    entry.slopeKiBPer1k = median(entry.reps.map((r) => r.slopeKiBPer1k));
    entry.retainedKiB = median(entry.reps.map((r) => r.retainedKiB));
    entry.slopeMax = max(entry.reps.map((r) => r.slopeKiBPer1k));
    entry.retainedMax = max(entry.reps.map((r) => r.retainedKiB));
    entry.runs = new Set(entry.reps.map((r) => r.run)).size;
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

/**
 * Records a target. `runs` is how many runs stand behind the value; a ratio target (`ratio:
 * true`) counts as met only with at least MIN_RUNS of them.
 */
function addCheck(name, value, target, unit, ok, extra = {}) {
  let result;
  if (!Number.isFinite(value)) result = 'MISS (no result)';
  else if (!ok) result = 'MISS';
  else if (extra.ratio && (extra.runs ?? 0) < MIN_RUNS) result = `PASS (<${MIN_RUNS} runs)`;
  else result = 'PASS';
  results.checks.push({ name, value, target, unit, ...extra, result });
  return result;
}

/** '1.02× [1.01–1.04]' from an overRuns() value. */
function ratioText(r, digits = 2) {
  if (!r || !Number.isFinite(r.value)) return '—';
  return `${fixed(r.value, digits)}× [${fixed(r.min, digits)}–${fixed(r.max, digits)}]`;
}

function runsNote() {
  return RUNS === 1
    ? '1 run: [min–max] is the range of the per-round ratios'
    : `median of ${RUNS} runs: [min–max] is the range of the per-run ratios (each run's ratio is the median of its per-round ratios)`;
}

/** The two per-event targets of one throughput table (transport: 'loopback' or 'in memory'). */
function perEventChecks(entry, where, transport) {
  const t = entry.targets;
  const iter = t.iterVsFloor;
  const a = addCheck(`${transport}: for await ÷ iterator floor, ${where}`, iter.value, TARGETS.iterVsFloor, '×', iter.value <= TARGETS.iterVsFloor, { ratio: true, runs: iter.runs, min: iter.min, max: iter.max, perRun: iter.perRun });
  const l = t.listenVsPeer;
  const peers = [...new Set(l.peers.filter(Boolean))];
  const b = addCheck(`${transport}: addEventListener ÷ fastest callback peer, ${where}`, l.value, TARGETS.listenVsPeer, '×', l.value <= TARGETS.listenVsPeer, {
    ratio: true,
    runs: l.runs,
    min: l.min,
    max: l.max,
    perRun: l.perRun,
    peers: l.peers,
  });
  return {
    iter: `÷ iterator floor ≤ ${TARGETS.iterVsFloor}: ${a} (${ratioText(iter, 3)})`,
    listen: `÷ fastest callback peer (${peers.join(', ') || '—'}) ≤ ${TARGETS.listenVsPeer.toFixed(2)}: ${b} (${ratioText(l, 3)})`,
  };
}

function throughputRows(entry, labels, reference, published) {
  const rows = [];
  for (const [client, e] of Object.entries(entry.clients)) {
    const pub = published?.[client] ?? '';
    const label = labels[client] ?? client;
    if (e.invalid) {
      rows.push([label, 'INVALID', '', '', '', '', '', pub, e.invalid.slice(0, 70)]);
      continue;
    }
    if (e.capped) {
      rows.push([label, 'capped', '', '', '', '', '', pub, e.capped.note]);
      continue;
    }
    const ref = client === reference;
    rows.push([
      label,
      thousands(e.eventsPerSec),
      fixed(e.mbPerSec, 1),
      fixed(e.cpuUsPerEvent, e.cpuUsPerEvent < 100 ? 3 : 0),
      ref ? '1.00×' : `${fixed(e.ratio.value)}×`,
      ref ? '' : `[${fixed(e.ratio.min)}–${fixed(e.ratio.max)}]`,
      ref ? '1.00×' : `${fixed(e.cpuRatio)}×`,
      pub,
      '',
    ]);
  }
  return rows;
}

function report() {
  const out = [];
  const print = (s = '') => out.push(s);
  const m = results.machine;
  print(`runstream benchmark — ${results.mode} run, ${results.date}`);
  print(`machine: node ${m.node} (V8 ${m.v8}), CPU ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}`);
  print(`versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  print(
    `method: each client measured in a fresh child process (warm-up read inside it first); the sections other than fan-in run ${RUNS} time(s) over; ` +
      `a run is ${SETTINGS.netRounds} rounds (network), ${SETTINGS.memRounds} (in memory), ${SETTINGS.slowRounds} (fast producer) or ${SETTINGS.ttfeRounds} (time to first event), ` +
      `clients interleaved, order reversed every other round; ${SETTINGS.warmupRounds} discarded warm-up round before the first run of the loopback sections.`,
  );
  print('ratio: the median over rounds of (client wall time ÷ reference wall time in the same round); with several runs, the median of the per-run ratios.');
  print(`${runsNote()}.`);
  if (QUICK) print('QUICK MODE: small corpora, 1 run, few rounds — a smoke test, not a measurement. Targets below are not authoritative.');

  if (Object.keys(results.net).length) {
    print('\n== Network throughput (loopback HTTP, JSON-decoding every event)');
    for (const [name, entry] of Object.entries(results.net)) {
      const c = results.corpora[name];
      const times = entry.passes > 1 ? ` (read ${entry.passes} times per measurement, a new stream each)` : '';
      print(`\n${c.label}: ${thousands(c.events)} events, ${fixed(c.wireBytes / 1e6, 1)} MB on the wire, data ${c.avgDataBytes} B/event avg${times}; ${runsNote()}`);
      const pubIndex = name === 'agent' ? 0 : name === 'tokens' ? 1 : -1;
      const published = pubIndex >= 0 ? Object.fromEntries(Object.entries(PUBLISHED).map(([k, v]) => [k, `${v[pubIndex].toFixed(2)}×`])) : {};
      const rows = throughputRows(entry, CLIENT_LABELS, 'baseline', published);
      if (pubIndex >= 0) {
        const t = perEventChecks(entry, name === 'agent' ? '(a) agent' : '(b) tokens', 'loopback');
        setTarget(rows, entry, 'runstream-iter', t.iter);
        setTarget(rows, entry, 'runstream-listen', t.listen);
      }
      print(table([['client', 'events/s', 'MB/s', 'CPU µs/ev', '× baseline', '[min–max]', 'CPU ×', 'published', 'target'], ...rows]));
    }
  }

  if (Object.keys(results.mem).length) {
    print(
      '\n== In memory (no network: connect(url, { fetch }) and every other client get a Response over a ReadableStream of fixed-size chunks, one chunk per read; ' +
        'every client JSON-decodes every event, as over loopback)',
    );
    for (const entry of Object.values(results.mem)) {
      const c = results.corpora[entry.corpus];
      const chunk = entry.chunk >= 64 * 1024 ? '64 KiB' : `${fixed(entry.chunk / 1024, 1)} KiB`;
      const times = entry.passes > 1 ? ` (read ${entry.passes} times per measurement)` : '';
      print(`\n${c.label}, ${chunk} chunks${times}; ${runsNote()}`);
      const rows = throughputRows(entry, MEM_LABELS, 'baseline');
      if (entry.corpus === 'agent' || entry.corpus === 'tokens') {
        const t = perEventChecks(entry, `${entry.corpus === 'agent' ? '(a) agent' : '(b) tokens'} @ ${chunk}`, 'in memory');
        setTarget(rows, entry, 'runstream-iter', t.iter);
        setTarget(rows, entry, 'runstream-listen', t.listen);
      }
      for (const row of rows) row.splice(7, 1); // no published figures in memory
      print(table([['client', 'events/s', 'MB/s', 'CPU µs/ev', '× baseline', '[min–max]', 'CPU ×', 'target'], ...rows]));
    }
  }

  if (Object.keys(results.slow).length) {
    print(
      `\n== In memory, fast producer: the whole corpus enqueued before the first read (${SLOW_CHUNK / 1024} KiB chunks); JSON-decoding every event. ` +
        `Fast consumer: the checksum only. Slow consumer: ${SLOW_WORK_ITERATIONS} xorshift rounds per event first (${fixed(results.slowWorkUsPerEvent, 2)} µs on this machine), the same for every client.`,
    );
    print(
      `Time per event at a quarter of the corpus and at the whole of it; whole ÷ quarter ≈ 1.00 is linear. A client whose run (quarter, or whole) takes over ${SETTINGS.capFactor}× the baseline's same run ` +
        `(at least ${SETTINGS.capMinMs / 1000} s) is stopped and shown "capped", with the time per event it had; its whole-length run is then skipped, and it is not run again.`,
    );
    for (const [name, entry] of Object.entries(results.slow)) {
      for (const speed of SPEEDS) {
        const c = results.corpora[name];
        print(`\n${c.label}: ${thousands(entry.quarterEvents)} / ${thousands(entry.fullEvents)} events, ${speed} consumer; ${runsNote()}`);
        const rows = [['client', 'µs/ev ¼', 'µs/ev whole', 'whole ÷ ¼', '[min–max]', '× iterator floor', '[min–max]', '× ESC callback', 'target']];
        for (const [client, e] of Object.entries(entry.speeds[speed].clients)) {
          const label = MEM_LABELS[client];
          if (e.invalid) {
            rows.push([label, 'INVALID', '', '', '', '', '', '', e.invalid.slice(0, 70)]);
            continue;
          }
          if (e.capped) {
            rows.push([label, fixed(e.capped.quarterUsPerEvent, 3), 'capped', '', '', '', '', '', e.capped.note]);
            continue;
          }
          let target = '';
          if (client === 'runstream-iter') {
            const where = `${name === 'agent' ? '(a) agent' : '(b) tokens'}, ${speed} consumer`;
            const a = addCheck(`fast producer: for await ÷ iterator floor, ${where}`, e.vsFloor.value, TARGETS.iterVsFloor, '×', e.vsFloor.value <= TARGETS.iterVsFloor, { ratio: true, runs: e.vsFloor.runs, min: e.vsFloor.min, max: e.vsFloor.max });
            const b = addCheck(`fast producer: for await whole ÷ quarter (µs/ev), ${where}`, e.linearity.value, TARGETS.linearity, '×', e.linearity.value <= TARGETS.linearity, { ratio: true, runs: e.linearity.runs, min: e.linearity.min, max: e.linearity.max });
            target = `÷ floor ≤ ${TARGETS.iterVsFloor}: ${a}; linear ≤ ${TARGETS.linearity.toFixed(2)}: ${b}`;
          }
          const floor = client === 'iterator-floor';
          rows.push([
            label,
            fixed(e.quarterUs, 3),
            fixed(e.fullUs, 3),
            fixed(e.linearity.value, 2),
            `[${fixed(e.linearity.min)}–${fixed(e.linearity.max)}]`,
            floor ? '1.00×' : `${fixed(e.vsFloor.value)}×`,
            floor ? '' : `[${fixed(e.vsFloor.min)}–${fixed(e.vsFloor.max)}]`,
            client === 'eventsource-client-cb' ? '1.00×' : `${fixed(e.vsCallback.value)}×`,
            target,
          ]);
        }
        print(table(rows));
      }
    }
  }

  if (Object.keys(results.heap).length) {
    const reps = Math.max(...Object.values(results.heap).map((e) => e.reps.length));
    print(`\n== Heap while consuming ${thousands(results.corpora.tokens.events)} token deltas over loopback (gc() then heapUsed every ${thousands(SETTINGS.every)} events; median of ${reps} repetition(s), ${SETTINGS.heapReps} per run)`);
    const rows = [['client', 'slope KiB/1k ev', '(max)', 'retained KiB', '(max)', 'target']];
    for (const [client, e] of Object.entries(results.heap)) {
      let target = '';
      if (client.startsWith('runstream')) {
        const a = addCheck(`heap slope, ${client}`, e.slopeKiBPer1k, TARGETS.heapSlope, 'KiB/1k events', e.slopeKiBPer1k < TARGETS.heapSlope, { op: '<', runs: e.runs });
        const b = addCheck(`retained after close, ${client}`, e.retainedKiB, TARGETS.retained, 'KiB', e.retainedKiB < TARGETS.retained, { op: '<', runs: e.runs });
        target = `slope < ${TARGETS.heapSlope}: ${a}; retained < ${TARGETS.retained}: ${b}`;
      }
      rows.push(
        e.invalid
          ? [CLIENT_LABELS[client], 'INVALID', '', '', '', e.invalid.slice(0, 60)]
          : [CLIENT_LABELS[client], fixed(e.slopeKiBPer1k, 4), fixed(e.slopeMax, 4), fixed(e.retainedKiB, 1), fixed(e.retainedMax, 1), target],
      );
    }
    print(table(rows));
  }

  if (results.ttfe.clients) {
    print(`\n== Time to first event (fresh TCP connection each, ${SETTINGS.ttfeN} per client per round; median of per-round medians; ${runsNote()})`);
    const rows = [['client', 'median ms', 'p90 ms', '× baseline', '[min–max]', 'target']];
    for (const [client, e] of Object.entries(results.ttfe.clients)) {
      let target = '';
      if (client === 'runstream-iter') {
        const r = e.ratio;
        target = `≤ ${TARGETS.ttfe.toFixed(2)}×: ${addCheck('time to first event vs baseline', r.value, TARGETS.ttfe, '×', r.value <= TARGETS.ttfe, { ratio: true, runs: r.runs, min: r.min, max: r.max })} (${fixed(r.value, 3)})`;
      }
      rows.push(
        e.invalid
          ? [CLIENT_LABELS[client], 'INVALID', '', '', '', e.invalid.slice(0, 60)]
          : [
              CLIENT_LABELS[client],
              fixed(e.medianMs, 3),
              fixed(e.p90Ms, 3),
              client === 'baseline' ? '1.00×' : `${fixed(e.ratio.value)}×`,
              client === 'baseline' ? '' : `[${fixed(e.ratio.min)}–${fixed(e.ratio.max)}]`,
              target,
            ],
      );
    }
    print(table(rows));
  }

  faninReport({ results, print, addCheck, table, labels: CLIENT_LABELS });

  if (results.size.length) {
    print('\n== Bundle size (esbuild --bundle --minify, browser ESM es2022, then gzip -9; KB = 1,000 bytes; deterministic, measured once)');
    const rows = [['entry', 'min bytes', 'min+gzip bytes', 'target']];
    for (const row of results.size) {
      let target = '';
      if (row.label === 'runstream: connect alone') target = `≤ ${TARGETS.connectSize / 1000} KB: ${addCheck('connect alone, min+gzip (incl. parser)', row.gzip, TARGETS.connectSize, 'bytes', row.gzip <= TARGETS.connectSize, { runs: 1 })}`;
      if (row.label === 'runstream: full client') target = `≤ ${TARGETS.fullSize / 1000} KB: ${addCheck('full client, min+gzip', row.gzip, TARGETS.fullSize, 'bytes', row.gzip <= TARGETS.fullSize, { runs: 1 })}`;
      rows.push(row.error ? [row.label, 'ERROR', row.error.slice(0, 60), ''] : [row.label, thousands(row.min), thousands(row.gzip), target]);
    }
    print(table(rows));
    if (results.sizeComposition?.length) {
      const parts = results.sizeComposition.map(([file, bytes]) => `${file} ${thousands(bytes)}`).join(', ');
      print(`connect alone, minified bytes by source before gzip (same bundle built from src/): ${parts}`);
    }
  }

  print(`\n== Targets (issue #15; heap and time to first event from issue #5). A ratio counts as met only in the median of at least ${MIN_RUNS} runs.`);
  const rows = [['target', 'value', '[min–max]', 'limit', 'result', 'runs']];
  for (const c of results.checks) {
    const digits = c.digits ?? (c.unit === 'bytes' ? 0 : c.unit === '×' ? 3 : c.unit === 'KiB' ? 1 : 4);
    const op = c.op ?? '≤';
    const range = Number.isFinite(c.min) && Number.isFinite(c.max) ? `[${fixed(c.min, digits)}–${fixed(c.max, digits)}]` : '';
    rows.push([c.name, `${fixed(c.value, digits)} ${c.unit}`, range, `${op} ${c.target} ${c.unit}`, c.result, c.runsLabel ?? String(c.runs ?? '')]);
  }
  print(table(rows));
  const passed = results.checks.filter((c) => c.result === 'PASS').length;
  print(`\n${passed} of ${results.checks.length} targets met${QUICK ? ' (quick mode: not authoritative)' : ''}.`);
  if (results.failures.length) {
    print(`\n${results.failures.length} measurement(s) FAILED verification or errored (their rows show INVALID):`);
    for (const f of results.failures) print(`  ${f.phase} ${f.what}: ${f.error.split('\n')[0]}`);
  }
  const names = { size: 'size', net: 'network', mem: 'in memory', slow: 'fast producer', heap: 'heap', ttfe: 'time to first event', fanin: 'fan-in' };
  const parts = Object.entries(results.elapsedSeconds).map(([phase, list]) => {
    const total = list.reduce((a, b) => a + b, 0);
    return list.length > 1 ? `${names[phase]} ${fixed(total, 0)} s (${list.map((s) => fixed(s, 0)).join(' + ')})` : `${names[phase]} ${fixed(total, 0)} s`;
  });
  print(`\nelapsed per section: ${parts.join('; ')}`);
  print(`total runtime: ${results.totalSeconds} s (${(results.totalSeconds / 60).toFixed(1)} min)`);
  results.report = out.join('\n');
  console.log(results.report);
}

/** Puts a target text into the `target` column of a client's row. */
function setTarget(rows, entry, client, text) {
  const index = Object.keys(entry.clients).indexOf(client);
  if (index >= 0 && rows[index]) rows[index][8] = text;
}
