// runstream benchmark (issue #5). Run with `npm run bench` from the repo root (it installs,
// builds and then runs this file with node --expose-gc); `-- --quick` for a smoke run.
//
// The server runs in this process; every client measurement runs in a fresh child process
// (bench/child.mjs), so process.cpuUsage() there counts the client only. Clients are
// interleaved within each round (order alternates forward/backward), warm-up rounds are
// discarded, and ratios are medians of per-round ratios against the baseline of the same
// round. Every result is verified (event count, data checksum, last id, requests seen by the
// server) before its time is used.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import console from 'node:console';
import { execFileSync } from 'node:child_process';
import { buildCorpora, CORPUS_LABELS } from './corpus.mjs';
import { FIRST_CLIENTS, MEM_CLIENTS, NET_CLIENTS } from './clients.mjs';
import { FANIN_TARGETS, faninPhase, faninReport } from './fanin.mjs';
import { BENCH, RESULTS, ROOT } from './paths.mjs';
import { startServer } from './server.mjs';
import { measureSizes } from './size.mjs';
import { fixed, leastSquares, max, median, min, table, thousands } from './stats.mjs';

const startedAt = performance.now();
const args = parseArgs(process.argv.slice(2));
const QUICK = args.quick === true;
const PHASES = (args.only ?? 'size,net,mem,heap,ttfe,fanin').split(',');
/** Sections that read the generated corpora (the fan-in and size sections do not). */
const NEEDS_CORPORA = PHASES.some((p) => ['net', 'mem', 'heap', 'ttfe'].includes(p));
const SETTINGS = QUICK
  ? { warmupRounds: 1, rounds: 3, netRounds: 3, heapReps: 1, ttfeN: 50, ttfeWarm: 10, every: 10_000, window: 8 }
  : { warmupRounds: 1, rounds: 5, netRounds: 7, heapReps: 3, ttfeN: 300, ttfeWarm: 30, every: 100_000, window: 8 };
if (args.rounds) SETTINGS.rounds = SETTINGS.netRounds = Number(args.rounds);
const CHUNKS = [64 * 1024, 1536];

/** Targets from issue #5. */
const TARGETS = {
  iterAgent: 1.1,
  iterTokens: 1.25,
  heapSlope: 0.1, // KiB per 1,000 events
  retained: 256, // KiB
  ttfe: 1.1,
  connectSize: 4000, // bytes min+gzip (KB = 1,000 bytes)
  fullSize: 6500,
};
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
  'iterator-floor': 'iterator floor: baseline + cheapest async iterator',
  'naive-generator': 'naive async generator (reference)',
  'eventsource-client': 'eventsource-client (for await)',
  'eventsource-client-cb': 'eventsource-client (onMessage callback)',
  eventsource: 'eventsource (EventSource API)',
  'fetch-event-source': '@microsoft/fetch-event-source',
  floor: 'floor: TextDecoder + indexOf("\\n")',
  parser: 'eventsource-parser callback only',
};

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
    child.on('exit', (code, signal) => settle(new Error(`child exited (${code ?? signal}) without a result`)));
  });
}

/** Forward on even rounds, backward on odd ones: ABC CBA ABC…, so drift cancels out. */
function orderFor(round, clients) {
  return round % 2 ? [...clients].reverse() : clients;
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

// ---------------------------------------------------------------------------------------------

const results = {
  mode: QUICK ? 'quick' : 'full',
  date: new Date().toISOString(),
  machine: machine(),
  versions: versions(),
  settings: SETTINGS,
  targets: { ...TARGETS, fanin: FANIN_TARGETS },
  published: PUBLISHED,
  corpora: {},
  net: {},
  mem: {},
  heap: {},
  ttfe: {},
  size: [],
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
    let lf = 0;
    for (let at = c.bytes.indexOf(10); at !== -1; at = c.bytes.indexOf(10, at + 1)) lf++;
    c.lf = lf;
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

function fail(phase, what, error) {
  const message = String(error?.message ?? error).split('\n')[0];
  results.failures.push({ phase, what, error: String(error?.message ?? error) });
  log(`  FAILED ${phase} ${what}: ${message}`);
}

try {
  if (PHASES.includes('size')) await sizePhase();
  if (PHASES.includes('net')) await netPhase();
  if (PHASES.includes('mem')) await memPhase();
  if (PHASES.includes('heap')) await heapPhase();
  if (PHASES.includes('ttfe')) await ttfePhase();
  if (PHASES.includes('fanin')) await faninPhase({ quick: QUICK, args, log, fail, results });
} finally {
  await server?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}

results.totalSeconds = Math.round((performance.now() - startedAt) / 100) / 10;
report();
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nJSON: ${join(RESULTS, 'latest.json')}`);
process.exitCode = results.failures.length ? 1 : 0;

// ---------------------------------------------------------------------------------------------

async function sizePhase() {
  log('bundle sizes (esbuild, minify, gzip -9)');
  const { rows, composition } = await measureSizes();
  results.size = rows;
  results.sizeComposition = composition;
}

function verified(result, expect) {
  return result.count === expect.count && result.sum === expect.sum && result.lastId === expect.lastId;
}

/** Streams per network measurement: one, or enough to read ~25 MB (~5 MB in quick mode). */
function netPasses(corpus) {
  return Math.max(1, Math.round((QUICK ? 5e6 : 25e6) / corpus.bytes.length));
}

async function netPhase() {
  const clients = args.clients ? args.clients.split(',') : NET_CLIENTS;
  for (const [name, corpus] of Object.entries(corpora)) {
    log(`network: ${name} (${thousands(corpus.expect.count)} events, ${fixed(corpus.bytes.length / 1e6, 1)} MB)`);
    const perClient = Object.fromEntries(clients.map((c) => [c, { rounds: [], invalid: undefined }]));
    const total = SETTINGS.warmupRounds + SETTINGS.netRounds;
    for (let round = 0; round < total; round++) {
      const warmup = round < SETTINGS.warmupRounds;
      for (const client of orderFor(round, clients)) {
        const tag = `n${++jobSeq}`;
        const job = {
          kind: 'net',
          client,
          corpus: name,
          types: corpus.types,
          url: `${server.base}/corpus/${name}?k=${tag}`,
          warmUrl: `${server.base}/warm/${name}?k=${tag}-w`,
          warmRuns: 1,
          passes: netPasses(corpus),
          expect: corpus.expect,
          warmExpect: corpus.warmExpect,
        };
        try {
          const r = await runChild(job, 180_000);
          const requests = server.requests(tag);
          if (client === 'fetch-read' ? r.bytes !== corpus.bytes.length : !verified(r, corpus.expect)) {
            throw new Error(`received ${r.count} events (checksum ${r.sum}, last id ${JSON.stringify(r.lastId)}); expected ${corpus.expect.count} (${corpus.expect.sum}, ${JSON.stringify(corpus.expect.lastId)})`);
          }
          if (requests !== job.passes) throw new Error(`made ${requests} requests for ${job.passes} measured stream(s)`);
          if (!warmup) perClient[client].rounds.push({ wallMs: r.wallMs, cpuUs: r.cpuUs });
        } catch (error) {
          perClient[client].invalid = String(error.message ?? error).split('\n')[0];
          fail('net', `${client} on ${name}`, error);
        }
      }
    }
    const passes = netPasses(corpus);
    summarizeRatios(perClient, 'baseline', corpus.expect.count * passes, corpus.bytes.length * passes);
    results.net[name] = { passes, clients: perClient };
  }
}

/** Adds medians and per-round ratios (vs `reference`, same round) to each client's entry. */
function summarizeRatios(perClient, reference, events, bytes) {
  const ref = perClient[reference];
  for (const entry of Object.values(perClient)) {
    const rounds = entry.rounds;
    entry.wallMs = median(rounds.map((r) => r.wallMs));
    entry.cpuUs = median(rounds.map((r) => r.cpuUs));
    entry.eventsPerSec = events / (entry.wallMs / 1000);
    entry.mbPerSec = bytes / 1e6 / (entry.wallMs / 1000);
    entry.cpuUsPerEvent = entry.cpuUs / events;
    if (ref && !ref.invalid && !entry.invalid && ref.rounds.length === rounds.length) {
      const ratios = rounds.map((r, i) => r.wallMs / ref.rounds[i].wallMs);
      const cpuRatios = rounds.map((r, i) => r.cpuUs / ref.rounds[i].cpuUs);
      entry.ratio = median(ratios);
      entry.ratioMin = min(ratios);
      entry.ratioMax = max(ratios);
      entry.cpuRatio = median(cpuRatios);
    }
  }
}

/** In-memory passes per measurement: ~100 MB parsed (~20 MB in quick mode). */
function memPasses(corpus) {
  return Math.max(1, Math.round((QUICK ? 20e6 : 100e6) / corpus.bytes.length));
}

async function memPhase() {
  for (const [name, corpus] of Object.entries(corpora)) {
    for (const chunk of CHUNKS) {
      log(`in-memory: ${name}, ${chunk} B chunks`);
      const perClient = Object.fromEntries(MEM_CLIENTS.map((c) => [c, { rounds: [], invalid: undefined }]));
      const total = SETTINGS.warmupRounds + SETTINGS.rounds;
      for (let round = 0; round < total; round++) {
        const warmup = round < SETTINGS.warmupRounds;
        for (const client of orderFor(round, MEM_CLIENTS)) {
          const job = {
            kind: 'mem',
            client,
            corpus: name,
            types: corpus.types,
            chunk,
            file: join(tmp, `${name}.sse`),
            warmFile: join(tmp, `${name}.warm.sse`),
            warmRuns: 1,
            passes: memPasses(corpus),
          };
          try {
            const r = await runChild(job, 180_000);
            const expect = client === 'floor' ? { count: corpus.lf, sum: 0 } : { count: corpus.expect.count, sum: corpus.expect.chars };
            if (r.count !== expect.count || r.sum !== expect.sum) {
              throw new Error(`counted ${r.count} (sum ${r.sum}), expected ${expect.count} (sum ${expect.sum})`);
            }
            if (!warmup) perClient[client].rounds.push({ wallMs: r.wallMs, cpuUs: r.cpuUs });
          } catch (error) {
            perClient[client].invalid = String(error.message ?? error).split('\n')[0];
            fail('mem', `${client} on ${name}/${chunk}`, error);
          }
        }
      }
      const passes = memPasses(corpus);
      summarizeRatios(perClient, 'floor', corpus.expect.count * passes, corpus.bytes.length * passes);
      results.mem[`${name}@${chunk}`] = { corpus: name, chunk, passes, clients: perClient };
    }
  }
}

async function heapPhase() {
  const corpus = corpora.tokens;
  const clients = ['runstream-iter', 'runstream-listen', 'baseline'];
  log(`heap: ${thousands(corpus.expect.count)} token deltas, gc() + heapUsed every ${thousands(SETTINGS.every)} events`);
  for (const client of clients) results.heap[client] = { reps: [] };
  for (let rep = 0; rep < SETTINGS.heapReps; rep++) {
    for (const client of orderFor(rep, clients)) {
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
          samples: r.samples,
          slopeKiBPer1k: (slope * 1000) / 1024,
          retainedKiB: (r.after - r.before) / 1024,
        });
      } catch (error) {
        results.heap[client].invalid = String(error.message ?? error).split('\n')[0];
        fail('heap', client, error);
      }
    }
  }
  for (const entry of Object.values(results.heap)) {
    entry.slopeKiBPer1k = median(entry.reps.map((r) => r.slopeKiBPer1k));
    entry.retainedKiB = median(entry.reps.map((r) => r.retainedKiB));
    entry.slopeMax = max(entry.reps.map((r) => r.slopeKiBPer1k));
    entry.retainedMax = max(entry.reps.map((r) => r.retainedKiB));
  }
}

async function ttfePhase() {
  log(`time to first event: ${SETTINGS.ttfeN} fresh connections per client per round`);
  const perClient = Object.fromEntries(FIRST_CLIENTS.map((c) => [c, { rounds: [], invalid: undefined }]));
  const total = SETTINGS.warmupRounds + SETTINGS.rounds;
  for (let round = 0; round < total; round++) {
    const warmup = round < SETTINGS.warmupRounds;
    for (const client of orderFor(round, FIRST_CLIENTS)) {
      const tag = `t${++jobSeq}`;
      const job = { kind: 'ttfe', client, url: `${server.base}/first/?k=${tag}`, type: firstType, n: SETTINGS.ttfeN, warmN: SETTINGS.ttfeWarm };
      const connectionsBefore = server.connections();
      try {
        const r = await runChild(job, 120_000);
        const connections = server.connections() - connectionsBefore;
        const expected = SETTINGS.ttfeN + SETTINGS.ttfeWarm;
        if (r.times.length !== SETTINGS.ttfeN || r.times.some((t) => !(t > 0))) throw new Error('missing first events');
        if (connections !== expected) throw new Error(`${connections} TCP connections for ${expected} streams (expected one each)`);
        if (!warmup) perClient[client].rounds.push({ medianMs: median(r.times), p90Ms: r.times.sort((a, b) => a - b)[Math.floor(r.times.length * 0.9)] });
      } catch (error) {
        perClient[client].invalid = String(error.message ?? error).split('\n')[0];
        fail('ttfe', client, error);
      }
    }
  }
  const ref = perClient.baseline;
  for (const entry of Object.values(perClient)) {
    entry.medianMs = median(entry.rounds.map((r) => r.medianMs));
    entry.p90Ms = median(entry.rounds.map((r) => r.p90Ms));
    if (!ref.invalid && !entry.invalid && ref.rounds.length === entry.rounds.length) {
      const ratios = entry.rounds.map((r, i) => r.medianMs / ref.rounds[i].medianMs);
      entry.ratio = median(ratios);
      entry.ratioMin = min(ratios);
      entry.ratioMax = max(ratios);
    }
  }
  results.ttfe = perClient;
}

// ---------------------------------------------------------------------------------------------

function verdict(ok, value) {
  if (!Number.isFinite(value)) return 'MISS (no result)';
  return ok ? 'PASS' : 'MISS';
}

function addCheck(name, value, target, unit, ok, extra = {}) {
  const check = { name, value, target, unit, ...extra, result: verdict(ok, value) };
  results.checks.push(check);
  return check.result;
}

function report() {
  const out = [];
  const print = (s = '') => out.push(s);
  const m = results.machine;
  print(`runstream benchmark — ${results.mode} run, ${results.date}`);
  print(`machine: node ${m.node} (V8 ${m.v8}), CPU ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}`);
  print(`versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  print(
    `method: server in the parent on 127.0.0.1, each client measured in a fresh child process (warm-up run inside it first); ` +
      `${SETTINGS.warmupRounds} warm-up round + median of ${SETTINGS.netRounds} (network) or ${SETTINGS.rounds} (other) rounds, clients interleaved (order reversed every other round); ` +
      `ratio = median over rounds of (client wall time ÷ baseline wall time in the same round), [min–max] across rounds.`,
  );
  if (QUICK) print('QUICK MODE: small corpora, few rounds — a smoke test, not a measurement. Targets below are not authoritative.');

  if (Object.keys(results.net).length) {
    print('\n== Network throughput (loopback HTTP, JSON-decoding every event)');
    for (const [name, { passes, clients: perClient }] of Object.entries(results.net)) {
      const c = results.corpora[name];
      const times = passes > 1 ? ` (read ${passes} times per measurement, a new stream each)` : '';
      print(`\n${c.label}: ${thousands(c.events)} events, ${fixed(c.wireBytes / 1e6, 1)} MB on the wire, data ${c.avgDataBytes} B/event avg${times}`);
      const pubIndex = name === 'agent' ? 0 : name === 'tokens' ? 1 : -1;
      const rows = [['client', 'events/s', 'MB/s', 'CPU µs/ev', '× baseline', '[min–max]', 'CPU ×', 'published', 'target']];
      const iter = perClient['runstream-iter'];
      for (const [client, e] of Object.entries(perClient)) {
        let target = '';
        if (client === 'runstream-iter' && pubIndex >= 0) {
          const t = pubIndex === 0 ? TARGETS.iterAgent : TARGETS.iterTokens;
          target = `≤ ${t.toFixed(2)}×: ${addCheck(`for await vs baseline, ${name}`, e.ratio, t, '×', e.ratio <= t)} (${fixed(e.ratio, 3)})`;
        }
        if (client === 'runstream-listen' && pubIndex >= 0 && iter) {
          const rel = iter.ratio && e.ratio ? e.ratio / iter.ratio : NaN;
          target = `≤ iterator: ${addCheck(`listener vs for await, ${name}`, rel, 1, '×', rel <= 1)} (${fixed(rel, 3)}×)`;
        }
        const pub = pubIndex >= 0 && PUBLISHED[client] ? `${PUBLISHED[client][pubIndex].toFixed(2)}×` : '';
        rows.push(
          e.invalid
            ? [CLIENT_LABELS[client], 'INVALID', '', '', '', '', '', pub, e.invalid.slice(0, 60)]
            : [
                CLIENT_LABELS[client],
                thousands(e.eventsPerSec),
                fixed(e.mbPerSec, 1),
                fixed(e.cpuUsPerEvent, e.cpuUsPerEvent < 100 ? 3 : 0),
                client === 'baseline' ? '1.00×' : `${fixed(e.ratio)}×`,
                client === 'baseline' ? '' : `[${fixed(e.ratioMin)}–${fixed(e.ratioMax)}]`,
                client === 'baseline' ? '1.00×' : `${fixed(e.cpuRatio)}×`,
                pub,
                target,
              ],
        );
      }
      print(table(rows));
    }
  }

  if (Object.keys(results.mem).length) {
    print('\n== In-memory parse+dispatch (no network, no JSON: a Response over a ReadableStream of fixed-size chunks; runstream via connect({ fetch }))');
    const rows = [['corpus / chunk / client', 'MB/s', 'events/s', 'CPU µs/ev', '× floor', '[min–max]']];
    for (const { corpus, chunk, clients } of Object.values(results.mem)) {
      for (const [client, e] of Object.entries(clients)) {
        const label = `${corpus} @ ${chunk >= 1024 * 64 ? '64 KiB' : '1.5 KiB'}: ${CLIENT_LABELS[client]}`;
        rows.push(
          e.invalid
            ? [label, 'INVALID', e.invalid.slice(0, 60), '', '', '']
            : [
                label,
                fixed(e.mbPerSec, 1),
                thousands(e.eventsPerSec),
                fixed(e.cpuUsPerEvent, e.cpuUsPerEvent < 100 ? 3 : 0),
                client === 'floor' ? '1.00×' : `${fixed(e.ratio)}×`,
                client === 'floor' ? '' : `[${fixed(e.ratioMin)}–${fixed(e.ratioMax)}]`,
              ],
        );
      }
    }
    print(table(rows));
  }

  if (Object.keys(results.heap).length) {
    print(`\n== Heap while consuming ${thousands(results.corpora.tokens.events)} token deltas over loopback (gc() then heapUsed every ${thousands(SETTINGS.every)} events; median of ${SETTINGS.heapReps})`);
    const rows = [['client', 'slope KiB/1k ev', '(max)', 'retained KiB', '(max)', 'target']];
    for (const [client, e] of Object.entries(results.heap)) {
      let target = '';
      if (client.startsWith('runstream')) {
        const a = addCheck(`heap slope, ${client}`, e.slopeKiBPer1k, TARGETS.heapSlope, 'KiB/1k events', e.slopeKiBPer1k < TARGETS.heapSlope);
        const b = addCheck(`retained after close, ${client}`, e.retainedKiB, TARGETS.retained, 'KiB', e.retainedKiB < TARGETS.retained);
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

  if (Object.keys(results.ttfe).length) {
    print(`\n== Time to first event (fresh TCP connection each, ${SETTINGS.ttfeN} per client per round; median of per-round medians)`);
    const rows = [['client', 'median ms', 'p90 ms', '× baseline', '[min–max]', 'target']];
    for (const [client, e] of Object.entries(results.ttfe)) {
      let target = '';
      if (client === 'runstream-iter') target = `≤ ${TARGETS.ttfe.toFixed(2)}×: ${addCheck('time to first event vs baseline', e.ratio, TARGETS.ttfe, '×', e.ratio <= TARGETS.ttfe)} (${fixed(e.ratio, 3)})`;
      rows.push(
        e.invalid
          ? [CLIENT_LABELS[client], 'INVALID', '', '', '', e.invalid.slice(0, 60)]
          : [
              CLIENT_LABELS[client],
              fixed(e.medianMs, 3),
              fixed(e.p90Ms, 3),
              client === 'baseline' ? '1.00×' : `${fixed(e.ratio)}×`,
              client === 'baseline' ? '' : `[${fixed(e.ratioMin)}–${fixed(e.ratioMax)}]`,
              target,
            ],
      );
    }
    print(table(rows));
  }

  faninReport({ results, print, addCheck, table, labels: CLIENT_LABELS });

  if (results.size.length) {
    print('\n== Bundle size (esbuild --bundle --minify, browser ESM es2022, then gzip -9; KB = 1,000 bytes)');
    const rows = [['entry', 'min bytes', 'min+gzip bytes', 'target']];
    for (const row of results.size) {
      let target = '';
      if (row.label === 'runstream: connect alone') target = `≤ 4.0 KB: ${addCheck('connect alone, min+gzip (incl. parser)', row.gzip, TARGETS.connectSize, 'bytes', row.gzip <= TARGETS.connectSize)}`;
      if (row.label === 'runstream: full client') target = `≤ 6.5 KB: ${addCheck('full client, min+gzip', row.gzip, TARGETS.fullSize, 'bytes', row.gzip <= TARGETS.fullSize)}`;
      rows.push(row.error ? [row.label, 'ERROR', row.error.slice(0, 60), ''] : [row.label, thousands(row.min), thousands(row.gzip), target]);
    }
    print(table(rows));
    if (results.sizeComposition?.length) {
      const parts = results.sizeComposition.map(([file, bytes]) => `${file} ${thousands(bytes)}`).join(', ');
      print(`connect alone, minified bytes by source before gzip (same bundle built from src/): ${parts}`);
    }
  }

  print('\n== Targets');
  const rows = [['target', 'value', 'limit', 'result']];
  for (const c of results.checks) {
    const digits = c.digits ?? (c.unit === 'bytes' ? 0 : c.unit === '×' ? 3 : c.unit === 'KiB' ? 1 : 4);
    const op = c.op ?? (c.name.startsWith('heap') || c.name.startsWith('retained') ? '<' : '≤');
    rows.push([c.name, `${fixed(c.value, digits)} ${c.unit}`, `${op} ${c.target} ${c.unit}`, c.result]);
  }
  print(table(rows));
  const passed = results.checks.filter((c) => c.result === 'PASS').length;
  print(`\n${passed} of ${results.checks.length} targets met${QUICK ? ' (quick mode: not authoritative)' : ''}.`);
  if (results.failures.length) {
    print(`\n${results.failures.length} measurement(s) FAILED verification or errored (their rows show INVALID):`);
    for (const f of results.failures) print(`  ${f.phase} ${f.what}: ${f.error.split('\n')[0]}`);
  }
  print(`\ntotal runtime: ${results.totalSeconds} s (${(results.totalSeconds / 60).toFixed(1)} min)`);
  results.report = out.join('\n');
  console.log(results.report);
}
