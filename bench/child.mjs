/* global gc */
// One measurement in a fresh process (node --expose-gc bench/child.mjs '<job json>'), so that
// process.cpuUsage() counts the client only (the server runs in the parent) and no client
// inherits another's JIT state or heap. Each job warms up first, collects garbage, then
// measures. The result goes back over IPC.
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHECKS, work } from './corpus.mjs';
import { loadFirstClient, loadMemFloor, loadNetClient, memoryFetch, MEMORY_URL } from './clients.mjs';

const job = JSON.parse(process.argv[2]);

function collect() {
  gc();
  gc();
}

/** Runs `fn`, returning its result with wall time (ms) and this process's CPU time (µs). */
async function measured(fn, { gc = true } = {}) {
  if (gc) collect();
  const mono0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // Monotonic µs, the clock of --cpu-prof timestamps: profile.mjs keeps the samples in between.
  const window = [Number(mono0 / 1000n), Number(process.hrtime.bigint() / 1000n)];
  return { ...result, wallMs, cpuUs: cpu.user + cpu.system, window };
}

/** Network throughput: warm up on the short corpus, then read the full one. */
async function net() {
  const run = await loadNetClient(job.client);
  const check = CHECKS[job.corpus];
  const ctx = (expect) => ({
    check,
    types: job.types,
    expect: expect.count,
    expectSum: expect.sum,
    expectLastId: expect.lastId,
  });
  for (let i = 0; i < job.warmRuns; i++) {
    const warm = await run(`${job.warmUrl}-${i}`, ctx(job.warmExpect));
    verify(warm, job.warmExpect, 'warm-up');
  }
  // Small corpora ((c): 8 events) are read `passes` times, a new stream each, so the timed
  // span is long enough to measure; every pass is verified by the parent's request count and
  // here against the first pass.
  return measured(async () => {
    let first;
    for (let pass = 0; pass < (job.passes ?? 1); pass++) {
      const result = await run(job.url, ctx(job.expect));
      if (first && (result.count !== first.count || result.sum !== first.sum || result.lastId !== first.lastId)) {
        throw new Error(`pass ${pass} differs from pass 0`);
      }
      first ??= result;
    }
    return first;
  });
}

/** The slow consumer's results, returned so that its work is observable. */
let sink = 0;

/** The exit code of a child that stopped at its time budget; its result is in `job.capFile`. */
const CAPPED_EXIT = 3;

/**
 * Ends this process at once with `result` (written to `job.capFile`, which the parent reads).
 * Called from inside a client's dispatch, so nothing of the client runs after it: a client
 * whose cost grows with its queue (eventsource-client's iterator) would otherwise still have to
 * empty that queue, one `shift()` at a time, before an exception got out of it.
 */
function exitCapped(result) {
  writeFileSync(job.capFile, JSON.stringify(result));
  process.exit(CAPPED_EXIT);
}

/**
 * The per-event `check` of the in-memory sections: the corpus's checksum, after `spin`
 * iterations of work (0: the fast consumer). Every 1,024 events it looks at the clock; past
 * the deadline `arm` set, it calls `onCap(events, ms)`, which ends the process (exitCapped).
 */
function consumer(base) {
  let events = 0;
  let spin = 0;
  let deadline = Infinity;
  let armedAt = 0;
  let onCap = null;
  const check = (data) => {
    if ((++events & 1023) === 0 && performance.now() > deadline) onCap(events, performance.now() - armedAt);
    if (spin !== 0) sink ^= work(spin);
    return base(data);
  };
  return {
    check,
    /** Starts a span: `budgetMs` from now, `iterations` of work per event, `capped` past the budget. */
    arm(budgetMs, iterations, capped) {
      events = 0;
      spin = iterations;
      onCap = capped;
      armedAt = performance.now();
      deadline = armedAt + budgetMs;
    },
  };
}

function cut(buffer, size) {
  const chunks = [];
  for (let at = 0; at < buffer.length; at += size) chunks.push(buffer.subarray(at, at + size));
  return chunks;
}

/**
 * One read of `chunks` through `run`, with a fresh in-memory server; throws unless the client
 * made exactly one request and got the expected count, checksum and last id.
 */
async function readOnce(run, chunks, kind, ctx, expect, what) {
  const server = memoryFetch(chunks, kind);
  const result = await run(MEMORY_URL, { ...ctx, expect: expect.count, expectSum: expect.sum, expectLastId: expect.lastId, fetch: server.fetch });
  verify(result, expect, what);
  if (server.requests() !== 1) throw new Error(`${what}: made ${server.requests()} requests for one stream`);
  return result;
}

/**
 * In-memory throughput: the corpus cut into fixed-size chunks, served by memoryFetch as
 * `pull` bodies, read `passes` times (a new stream each), by the network clients' own code.
 * Past `job.budgetMs` (the warm-up or the measured reads) the process ends capped.
 */
async function mem() {
  const floor = job.client === 'floor';
  const run = floor ? await loadMemFloor() : await loadNetClient(job.client);
  const warm = cut(readFileSync(job.warmFile), job.chunk);
  const full = cut(readFileSync(job.file), job.chunk);
  const c = consumer(CHECKS[job.corpus]);
  const ctx = { check: c.check, types: job.types };
  const expect = floor ? job.floorExpect : job.expect;
  const warmExpect = floor ? job.floorWarmExpect : job.warmExpect;
  const capped = (phase) => (events, ms) => exitCapped({ capped: true, phase, events, ms });
  c.arm(job.budgetMs, 0, capped('warm-up'));
  for (let i = 0; i < job.warmRuns; i++) await readOnce(run, warm, 'pull', ctx, warmExpect, 'warm-up');
  return measured(async () => {
    c.arm(job.budgetMs, 0, capped('measured'));
    for (let pass = 0; pass < job.passes; pass++) await readOnce(run, full, 'pull', ctx, expect, `pass ${pass}`);
    return { count: expect.count, sum: expect.sum, lastId: expect.lastId };
  });
}

/**
 * The fast-producer runs are measured without a forced gc() first: after one, V8 starts again
 * from a small young generation and grows it with the allocation rate, which costs a short run
 * (the quarter) proportionally more than a long one and would bias whole ÷ quarter.
 */
const NO_GC = { gc: false };
/** A quarter-length read shorter than this is read again after the whole (see slow()). */
const REPEAT_QUARTER_MS = 500;

/**
 * Fast producer, slow consumer: the whole corpus enqueued before the first read ('queued'
 * bodies), read by a fast consumer (the checksum only) and a slow one (`job.spin` iterations
 * of work per event first), each at two lengths: a prefix with a quarter of the events, then
 * the whole corpus. Per speed: warm-up reads of a short prefix, then the quarter, then the
 * whole (then the quarter again if it was short). `job.budgets[speed]` bounds each read; past it the process ends with the speeds done
 * so far and this one capped (the parent runs the remaining speeds in a new process). A
 * quarter that finishes but takes longer than its budget skips the whole.
 */
async function slow() {
  const run = await loadNetClient(job.client);
  const bytes = readFileSync(job.file);
  const prefix = (p) => cut(bytes.subarray(0, p.bytes), job.chunk);
  const warm = prefix(job.prefixes.warm);
  const quarter = prefix(job.prefixes.quarter);
  const full = prefix(job.prefixes.full);
  const c = consumer(CHECKS[job.corpus]);
  const ctx = { check: c.check, types: job.types };
  const speeds = job.speeds.map((name) => ({ name, spin: name === 'slow' ? job.spin : 0, budgets: job.budgets[name] }));
  const out = {};
  const capped = (name, phase, q) => (events, ms) => {
    const stop = { capped: true, phase, events, ms };
    out[name] = phase === 'whole' ? { quarter: q, full: stop } : { quarter: stop, full: { capped: true, skipped: true } };
    exitCapped({ speeds: out });
  };
  const warmUp = async ({ name, spin, budgets }, times) => {
    for (let i = 0; i < times; i++) {
      c.arm(budgets.quarter, spin, capped(name, 'warm-up'));
      await readOnce(run, warm, 'queued', ctx, job.prefixes.warm.expect, `${name} warm-up`);
    }
  };
  // Every speed's warm-ups first, so the measured runs all see the same warm code.
  for (const speed of speeds) await warmUp(speed, job.warmRuns);
  for (const speed of speeds) {
    const { name, spin, budgets } = speed;
    // One more warm-up read with this consumer, unmeasured, right before its measured runs.
    await warmUp(speed, 1);
    const q = await measured(() => {
      c.arm(budgets.quarter, spin, capped(name, 'quarter'));
      return readOnce(run, quarter, 'queued', ctx, job.prefixes.quarter.expect, `${name} quarter`);
    }, NO_GC);
    if (q.wallMs > budgets.quarter) {
      out[name] = { quarter: q, full: { capped: true, skipped: true } };
      continue;
    }
    const f = await measured(() => {
      c.arm(budgets.full, spin, capped(name, 'whole', q));
      return readOnce(run, full, 'queued', ctx, job.prefixes.full.expect, `${name} full`);
    }, NO_GC);
    // A short quarter is read once more, after the whole, and the two are averaged: drift in
    // the process cancels, and the noise of one short read weighs less.
    if (q.wallMs < REPEAT_QUARTER_MS) {
      const q2 = await measured(() => {
        c.arm(budgets.quarter, spin, capped(name, 'quarter'));
        return readOnce(run, quarter, 'queued', ctx, job.prefixes.quarter.expect, `${name} quarter`);
      }, NO_GC);
      q.reads = [q.wallMs, q2.wallMs];
      q.wallMs = (q.wallMs + q2.wallMs) / 2;
      q.cpuUs = (q.cpuUs + q2.cpuUs) / 2;
    }
    out[name] = { quarter: q, full: f };
  }
  return { speeds: out, sink };
}

/**
 * Heap while consuming: the body is passed through a counting stream that, each time the
 * events delivered so far cross a multiple of `every`, collects garbage and samples heapUsed
 * before handing over the next chunk. The client has consumed every earlier chunk by then
 * (runstream reads on only when its iterator has caught up), so the sample holds no queued
 * events: what grows is what the client keeps. The parent runs this job with --no-opt (see
 * README: optimised code and its deopt data otherwise grow with the forced GCs, in every
 * client alike, by about as much as the target).
 */
async function heap() {
  const run = await loadNetClient(job.client);
  const check = CHECKS[job.corpus];
  let samples = [];
  const sampling = async (url, init) => {
    const response = await fetch(url, init);
    const reader = response.body.getReader();
    let events = 0;
    let lastWasLf = false;
    let next = job.every;
    // At each mark, the lowest of `window` consecutive chunk boundaries: whether the client
    // still holds the last decoded chunk (a sliced string keeps its parent alive) varies from
    // boundary to boundary by up to one chunk, which is noise, not growth.
    let window = 0;
    let low;
    const body = new ReadableStream(
      {
        async pull(controller) {
          if (window === 0 && events >= next) {
            window = job.window;
            low = undefined;
            while (next <= events) next += job.every;
          }
          if (window > 0) {
            collect();
            const used = process.memoryUsage().heapUsed;
            if (!low || used < low[1]) low = [events, used];
            if (--window === 0) samples.push(low);
          }
          const { done, value } = await reader.read();
          if (done) {
            controller.close();
            return;
          }
          // Count LF LF pairs (the corpus is LF-only), across chunk boundaries too.
          for (let at = value.indexOf(10); at !== -1; at = value.indexOf(10, at + 1)) {
            if (at === 0 ? lastWasLf : value[at - 1] === 10) events++;
          }
          lastWasLf = value[value.length - 1] === 10;
          controller.enqueue(value);
        },
        cancel(reason) {
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  const ctx = (expect) => ({ check, types: job.types, expect: expect.count, fetch: sampling });
  for (let i = 0; i < job.warmRuns; i++) verify(await run(`${job.warmUrl}-${i}`, ctx(job.warmExpect)), job.warmExpect, 'warm-up');
  samples = [];
  await sleep(20);
  collect();
  const before = process.memoryUsage().heapUsed;
  const result = await run(job.url, ctx(job.expect));
  await sleep(20); // let the connection's teardown (socket release, aborts) run
  collect();
  const after = process.memoryUsage().heapUsed;
  return { ...result, before, after, samples };
}

/** Time to first event over fresh connections, one after another. */
async function ttfe() {
  const run = await loadFirstClient(job.client);
  const ctx = { type: job.type };
  for (let i = 0; i < job.warmN; i++) await run(`${job.url}-w${i}`, ctx);
  const times = [];
  for (let i = 0; i < job.n; i++) times.push(await run(`${job.url}-${i}`, ctx));
  return { times };
}

function verify(result, expect, what) {
  if (result.count !== expect.count || result.sum !== expect.sum || result.lastId !== expect.lastId) {
    throw new Error(
      `${what}: got ${result.count} events (sum ${result.sum}, last id ${JSON.stringify(result.lastId)}), expected ${expect.count} (sum ${expect.sum}, last id ${JSON.stringify(expect.lastId)})`,
    );
  }
}

const jobs = { net, mem, slow, heap, ttfe };
try {
  const result = await jobs[job.kind]();
  process.send({ ok: true, result }, () => process.exit(0));
} catch (error) {
  process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
}
