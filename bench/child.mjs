/* global gc */
// One measurement in a fresh process (node --expose-gc bench/child.mjs '<job json>'), so that
// process.cpuUsage() counts the client only (the server runs in the parent) and no client
// inherits another's JIT state or heap. Each job warms up first, collects garbage, then
// measures. The result goes back over IPC.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHECKS } from './corpus.mjs';
import { loadFirstClient, loadMemClient, loadNetClient } from './clients.mjs';

const job = JSON.parse(process.argv[2]);

function collect() {
  gc();
  gc();
}

/** Runs `fn`, returning its result with wall time (ms) and this process's CPU time (µs). */
async function measured(fn) {
  collect();
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

/** In-memory parse+dispatch: the corpus file cut into fixed-size chunks. */
async function mem() {
  const run = await loadMemClient(job.client);
  const cut = (buffer) => {
    const chunks = [];
    for (let at = 0; at < buffer.length; at += job.chunk) chunks.push(buffer.subarray(at, at + job.chunk));
    return chunks;
  };
  const warm = cut(readFileSync(job.warmFile));
  const full = cut(readFileSync(job.file));
  const ctx = { types: job.types };
  for (let i = 0; i < job.warmRuns; i++) await run(warm, ctx);
  // Several passes per measurement (the parent picks how many so each client parses ~100 MB):
  // a single in-memory pass is too short to time reliably.
  return measured(async () => {
    let first;
    for (let pass = 0; pass < (job.passes ?? 1); pass++) {
      const result = await run(full, ctx);
      if (first && (result.count !== first.count || result.sum !== first.sum)) throw new Error(`pass ${pass} differs from pass 0`);
      first ??= result;
    }
    return first;
  });
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

const jobs = { net, mem, heap, ttfe };
try {
  const result = await jobs[job.kind]();
  process.send({ ok: true, result }, () => process.exit(0));
} catch (error) {
  process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
}
