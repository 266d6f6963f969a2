/* global gc */
// One fan-in measurement in a fresh process (node --expose-gc bench/fanin-child.mjs '<job>'),
// started by fanin.mjs with a raised open-file limit. It holds `n` concurrent streams to the
// fan-in server (fanin-server.mjs, another process) through one client and measures:
//
//   - CPU per event: process.cpuUsage() (user + system, all threads) over the measured window,
//     divided by the events received in it;
//   - heap per open stream: heapUsed after gc() with the n streams open, minus heapUsed before
//     any was opened, divided by n;
//   - per stream, the events whose server send time `t` lies in the window (the parent compares
//     them with what the server sent in it), and any gap, duplicate or id mismatch at all;
//   - heapUsed after gc() once every stream is closed, against the value before opening.
//
// Steps: warm up on n streams for `warmMs` and close them; settle the heap; open the n
// streams at most `openConcurrency` at a time (a stream counts as open at its first event, the
// server's `id: 0`); wait `settleMs`; sample the heap; run the window; wait until every stream
// has received an event sent after the window (TCP keeps order, so everything sent in the window
// has then arrived) or `tailMs` passes; sample the heap; close all, wait until the server has
// no socket left (at most `closeWaitMs`) and sample the heap until it is steady. Every wait
// is bounded; the parent also kills this process at a deadline.
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadFanClient } from './clients.mjs';

const job = JSON.parse(process.argv[2]);

let socketsAnswer = null;
process.on('message', (message) => {
  if (message.cmd === 'sockets') socketsAnswer?.(message.openSockets);
});
/** How many sockets the server still has open (asked through the parent). */
function serverSockets() {
  return new Promise((resolve) => {
    socketsAnswer = resolve;
    process.send({ cmd: 'sockets' });
  });
}

/**
 * Closes every stream, waits until the server has no socket left open (bounded by
 * `closeWaitMs`), then samples the heap until it is steady. Closing a fetch body does not end
 * its TCP connection at once: undici keeps it until a keep-alive timeout (4-5 s), and what the
 * connection holds is freed only then.
 */
async function closeAll(handles) {
  for (let i = 0; i < handles.length; i++) {
    handles[i]?.();
    handles[i] = null;
  }
  const t = performance.now();
  let open = await serverSockets();
  while (open > 0 && performance.now() - t < job.closeWaitMs) {
    await sleep(250);
    open = await serverSockets();
  }
  await sleep(600); // undici's timers tick every 0.5 s; cleared ones go at the next tick
  let heap = await settledHeap();
  for (let i = 0; i < 5; i++) {
    await sleep(500);
    const next = await settledHeap();
    const steady = Math.abs(next - heap) < heap * 0.005;
    heap = next;
    if (steady) break;
  }
  return { heap, socketsLeft: open, closeMs: performance.now() - t };
}

/** gc() until finalizers and aborted streams' teardown have run, then heapUsed. */
async function settledHeap() {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * The per-event work every client does alike, on top of its own parsing and JSON.parse:
 * sequence and id checks and the window tally. Typed arrays, allocated before the heap's
 * starting value is taken, so they are not counted per stream.
 */
function tally(n) {
  const last = new Int32Array(n).fill(-1);
  const inWindow = new Int32Array(n);
  const past = new Uint8Array(n);
  const state = {
    received: 0,
    opened: 0,
    gaps: 0,
    duplicates: 0,
    badIds: 0,
    errors: 0,
    firstError: '',
    pastCount: 0,
    t0: Infinity,
    t1: Infinity,
    onOpen: null,
    onPast: null,
    last,
    inWindow,
  };
  state.consume = (i, data, id) => {
    state.received++;
    const seq = data.n;
    if (id !== String(seq)) state.badIds++;
    const prev = last[i];
    if (seq !== prev + 1) {
      if (seq <= prev) state.duplicates++;
      else state.gaps += seq - prev - 1;
    }
    last[i] = seq;
    if (prev === -1) {
      state.opened++;
      state.onOpen?.(i);
    }
    const t = data.t;
    if (t >= state.t0 && t <= state.t1) inWindow[i]++;
    else if (t > state.t1 && past[i] === 0) {
      past[i] = 1;
      if (++state.pastCount === n) state.onPast?.();
    }
  };
  state.fail = (i, error) => {
    state.errors++;
    state.firstError ||= `stream ${i}: ${String(error?.message ?? error)}`;
  };
  return state;
}

/** Opens `n` streams, at most `concurrency` not yet open at a time; resolves when all are open or at the deadline. */
function openAll(open, url, n, state, handles, concurrency, deadlineMs) {
  return new Promise((resolve) => {
    let started = 0;
    let pending = 0;
    let settled = 0; // streams that opened or failed before opening
    const counted = new Uint8Array(n);
    const timer = setTimeout(finish, deadlineMs);
    function finish() {
      clearTimeout(timer);
      state.onOpen = null;
      resolve();
    }
    function startNext() {
      while (pending < concurrency && started < n) {
        const i = started++;
        pending++;
        handles[i] = open(
          `${url}/${i}`,
          (data, id) => state.consume(i, data, id),
          (error) => {
            state.fail(i, error);
            if (state.onOpen) opened(i);
          },
        );
      }
    }
    function opened(i) {
      if (counted[i]) return;
      counted[i] = 1;
      pending--;
      if (++settled === n) finish();
      else startNext();
    }
    state.onOpen = opened;
    startNext();
  });
}

async function main() {
  const open = await loadFanClient(job.client);
  const url = `${job.base}/fanin/${job.tag}`;

  // Warm-up: the same N streams once, for 2 s, then closed. Besides warming up the code, this
  // fills undici's per-origin pool: it keeps one Client object per connection it ever opened
  // (Node 20 never removes them), so the start value must already hold them, or no client could
  // come back to it after closing.
  const warm = tally(job.n);
  const warmHandles = new Array(job.n).fill(null);
  await openAll(open, `${url}-w`, job.n, warm, warmHandles, job.openConcurrency, job.openDeadlineMs);
  if (warm.opened < job.n || warm.errors) {
    throw new Error(`warm-up: ${warm.opened} of ${job.n} streams opened, ${warm.errors} errors (${warm.firstError})`);
  }
  await sleep(job.warmMs);
  const warmClose = await closeAll(warmHandles);
  if (warmClose.socketsLeft) throw new Error(`warm-up: the server still had ${warmClose.socketsLeft} sockets open ${job.closeWaitMs} ms after closing`);

  const state = tally(job.n);
  const handles = new Array(job.n).fill(null);
  const before = await settledHeap();

  const openStart = performance.now();
  await openAll(open, url, job.n, state, handles, job.openConcurrency, job.openDeadlineMs);
  const openMs = performance.now() - openStart;
  const openedAtStart = state.opened;

  await sleep(job.settleMs);
  const heapOpenBefore = await settledHeap();
  await sleep(300); // let the events that queued up during the collection drain

  // The measured window.
  const received0 = state.received;
  state.t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  await sleep(job.windowMs);
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - wall0;
  state.t1 = Date.now();
  const receivedInWindow = state.received - received0;

  // Until every stream has had an event sent after the window (or the tail deadline).
  const tail0 = performance.now();
  if (state.pastCount < job.n) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, job.tailMs);
      state.onPast = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  state.onPast = null;
  const tailMs = performance.now() - tail0;
  const pastCount = state.pastCount;
  const heapOpen = await settledHeap();

  const closed = await closeAll(handles);
  const after = closed.heap;

  return {
    opened: openedAtStart,
    openMs,
    windowMs: wallMs,
    t0: state.t0,
    t1: state.t1,
    cpuUs: cpu.user + cpu.system,
    cpuUserUs: cpu.user,
    cpuSystemUs: cpu.system,
    receivedInWindow,
    inWindow: Array.from(state.inWindow),
    pastCount,
    tailMs,
    gaps: state.gaps,
    duplicates: state.duplicates,
    badIds: state.badIds,
    errors: state.errors,
    firstError: state.firstError,
    before,
    heapOpenBefore,
    heapOpen,
    after,
    socketsLeftAfterClose: closed.socketsLeft,
    closeMs: closed.closeMs,
    rss: process.memoryUsage().rss,
  };
}

try {
  const result = await main();
  process.send({ ok: true, result }, () => process.exit(0));
} catch (error) {
  process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1));
}
