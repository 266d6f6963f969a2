// The fan-in section (issue #15): N concurrent long-lived streams to one loopback origin, one
// small event per stream per second, held by one client in its own process. See README.md,
// "Fan-in". The parent (bench.mjs) calls faninPhase() and faninReport().
//
// Each measurement is two fresh processes: the server (fanin-server.mjs) and the client
// (fanin-child.mjs), both started through `sh -c 'ulimit -n … && exec node …'` so that each can
// hold N sockets. A fresh server per measurement means a fresh listening port, so the client
// sockets left in TIME_WAIT by the previous measurement never collide with the next one's.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import process from 'node:process';
import { FANIN_CLIENTS } from './clients.mjs';
import { BENCH } from './paths.mjs';
import { fixed, max, median, thousands } from './stats.mjs';

/** Targets from issue #15. */
export const FANIN_TARGETS = {
  cpuRatio: 1.05, // CPU per event ≤ 1.05× the baseline's
  heapDeltaKiB: 1, // heap per open stream ≤ the baseline's + 1 KiB
  missed: 0, // every stream receives every event sent to it in the window
  heapAfterClosePct: 5, // heapUsed after closing all within ±5% of the value before opening
};

const WANTED_NOFILE = 65536;
/** File descriptors a process needs besides its N sockets (node itself, IPC, stdio, slack). */
const FD_MARGIN = 512;

export function faninSettings(quick, args) {
  const s = quick
    ? { n: 1000, windowMs: 8000, rounds: 1, warmMs: 2200, settleMs: 1500, openConcurrency: 256, openDeadlineMs: 30_000, tailMs: 5000, closeWaitMs: 30_000 }
    : { n: 10_000, windowMs: 20_000, rounds: 3, warmMs: 2200, settleMs: 1500, openConcurrency: 256, openDeadlineMs: 90_000, tailMs: 5000, closeWaitMs: 30_000 };
  if (args['fanin-streams']) s.n = Number(args['fanin-streams']);
  if (args['fanin-seconds']) s.windowMs = Number(args['fanin-seconds']) * 1000;
  // Each round is one run (the client order alternates from round to round), so --runs sets
  // the number of rounds too, unless --fanin-rounds is given.
  if (args['fanin-rounds'] ?? args.runs) s.rounds = Math.max(1, Number(args['fanin-rounds'] ?? args.runs));
  return s;
}

/**
 * The open-file limit the children can get: 65536, else the hard limit (raising the soft
 * limit up to the hard one needs no privilege; above it needs root or CAP_SYS_RESOURCE).
 */
function probeNofile() {
  if (process.platform === 'win32') return { limit: Infinity, raised: false, note: 'no ulimit on Windows; the children run as they are' };
  try {
    const out = execFileSync('/bin/sh', ['-c', `ulimit -n ${WANTED_NOFILE} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; ulimit -n; ulimit -Hn`], { encoding: 'utf8' });
    const [soft, hard] = out.trim().split('\n');
    const limit = soft === 'unlimited' ? Infinity : Number(soft);
    const note =
      limit >= WANTED_NOFILE
        ? `open-file limit raised to ${soft} in each fan-in child`
        : `open-file limit: ${WANTED_NOFILE} not permitted here (hard limit ${hard}); each fan-in child runs with ${soft}`;
    return { limit, hard, raised: true, note };
  } catch (error) {
    return { limit: 1024, raised: false, note: `could not run /bin/sh to raise the open-file limit (${String(error.message).split('\n')[0]}); assuming 1024` };
  }
}

/** A node child with `--expose-gc`, through sh to raise its open-file limit first. */
function spawnNode(script, argv, nofile) {
  const node = [process.execPath, '--expose-gc', join(BENCH, script), ...argv];
  const stdio = ['ignore', 'inherit', 'inherit', 'ipc'];
  if (process.platform === 'win32' || !Number.isFinite(nofile)) return spawn(node[0], node.slice(1), { stdio });
  return spawn('/bin/sh', ['-c', `ulimit -n ${nofile} || exit 97; exec "$@"`, 'sh', ...node], { stdio });
}

/** Starts a fan-in server; resolves to { base, request(message), stop() }. */
function startServer(nofile) {
  return new Promise((resolve, reject) => {
    const child = spawnNode('fanin-server.mjs', [], nofile);
    const pending = new Map();
    let seq = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the fan-in server did not start within 10 s'));
    }, 10_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const error = new Error(`the fan-in server exited (${code ?? signal})`);
      reject(error);
      for (const p of pending.values()) p.reject(error);
      pending.clear();
    });
    /** Sends a command; resolves to the server's answer (30 s deadline). */
    function request(message) {
      return new Promise((res, rej) => {
        const id = ++seq;
        const deadline = setTimeout(() => {
          pending.delete(id);
          rej(new Error(`the fan-in server did not answer ${message.cmd} within 30 s`));
        }, 30_000);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(deadline);
            res(value);
          },
          reject: (error) => {
            clearTimeout(deadline);
            rej(error);
          },
        });
        child.send({ ...message, id });
      });
    }
    child.on('message', (message) => {
      if (message.cmd === 'ready') {
        clearTimeout(timer);
        resolve({
          base: `http://127.0.0.1:${message.port}`,
          request,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null || child.signalCode !== null) return res();
              const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
              child.once('exit', () => {
                clearTimeout(kill);
                res();
              });
              child.send({ cmd: 'exit' }, () => {});
            }),
        });
      } else if (pending.has(message.id)) {
        const p = pending.get(message.id);
        pending.delete(message.id);
        p.resolve(message);
      }
    });
  });
}

/**
 * Runs one client measurement; rejects on error, early exit or the deadline (then kills it).
 * The child may ask how many sockets the server still has open (it waits for 0 after closing).
 */
function runClient(job, timeoutMs, nofile, server) {
  return new Promise((resolve, reject) => {
    const child = spawnNode('fanin-child.mjs', [JSON.stringify(job)], nofile);
    let settled = false;
    const timer = setTimeout(() => {
      settle(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s (killed)`));
      child.kill('SIGKILL');
    }, timeoutMs);
    function settle(error, result) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(result);
    }
    child.on('message', (message) => {
      if (message.cmd === 'sockets') {
        server.request({ cmd: 'sockets' }).then(
          (answer) => child.connected && child.send({ cmd: 'sockets', openSockets: answer.openSockets }),
          (error) => settle(error),
        );
      } else if (message.ok) settle(null, message.result);
      else settle(new Error(message.error));
    });
    child.on('error', (error) => settle(error));
    child.on('exit', (code, signal) =>
      settle(new Error(code === 97 ? `could not set the open-file limit to ${nofile}` : `child exited (${code ?? signal}) without a result`)),
    );
  });
}

/** Forward on even rounds, backward on odd ones. */
function orderFor(round, clients) {
  return round % 2 ? [...clients].reverse() : clients;
}

/**
 * Runs the section and stores it in results.fanin.
 * @param {{ quick: boolean, args: object, log: (s: string) => void, fail: (phase: string, what: string, error: unknown) => void, results: object }} ctx
 */
export async function faninPhase({ quick, args, log, fail, results }) {
  const settings = faninSettings(quick, args);
  const nofile = probeNofile();
  const clients = args.clients ? args.clients.split(',').filter((c) => FANIN_CLIENTS.includes(c)) : FANIN_CLIENTS;
  if (!clients.includes('baseline')) clients.unshift('baseline');
  const requested = settings.n;
  let note = nofile.note;
  if (nofile.limit < requested + FD_MARGIN) {
    settings.n = Math.floor((nofile.limit - FD_MARGIN) / 100) * 100;
    note =
      `${nofile.note}. That is too few for ${thousands(requested)} streams (each of the server and the client needs one descriptor per stream, plus ${FD_MARGIN}). ` +
      `Raise it (\`ulimit -n ${WANTED_NOFILE}\`; above the hard limit this needs root or CAP_SYS_RESOURCE). ` +
      (settings.n >= Math.min(100, requested) ? `Running ${thousands(settings.n)} streams instead: not comparable with a ${thousands(requested)}-stream run.` : 'Skipping the fan-in section.');
  }
  log(`fan-in: ${note}`);
  results.fanin = { settings, requestedStreams: requested, nofile: { limit: nofile.limit, hard: nofile.hard, note }, clients: {} };
  if (settings.n < Math.min(100, requested)) {
    results.fanin.skipped = note;
    return;
  }
  log(
    `fan-in: ${thousands(settings.n)} concurrent streams per client, 1 event/stream/s, ${settings.windowMs / 1000} s measured, ` +
      `${settings.rounds} round(s), ${clients.length} clients`,
  );
  const perClient = Object.fromEntries(clients.map((c) => [c, { rounds: [], invalid: undefined }]));
  const timeoutMs = 2 * (settings.openDeadlineMs + settings.closeWaitMs) + settings.warmMs + settings.settleMs + settings.windowMs + settings.tailMs + 60_000;
  for (let round = 0; round < settings.rounds; round++) {
    for (const client of orderFor(round, clients)) {
      const tag = `f${round}-${client}`;
      let server;
      try {
        server = await startServer(nofile.limit);
        const job = {
          client,
          base: server.base,
          tag,
          n: settings.n,
          warmMs: settings.warmMs,
          settleMs: settings.settleMs,
          windowMs: settings.windowMs,
          openConcurrency: settings.openConcurrency,
          openDeadlineMs: settings.openDeadlineMs,
          tailMs: settings.tailMs,
          closeWaitMs: settings.closeWaitMs,
        };
        const t = performance.now();
        const r = await runClient(job, timeoutMs, nofile.limit, server);
        const stats = await server.request({ cmd: 'stats', tag, t0: r.t0, t1: r.t1, n: settings.n });
        const entry = summarize(r, stats, settings.n);
        entry.seconds = Math.round((performance.now() - t) / 100) / 10;
        log(
          `  ${client} (round ${round + 1}): ${thousands(entry.opened)} open in ${fixed(entry.openMs / 1000, 1)} s, ${thousands(entry.eventsPerSec)} ev/s, ` +
            `${fixed(entry.cpuUsPerEvent, 1)} µs/ev, ${fixed(entry.heapKiBPerStream, 2)} KiB/stream, missed ${entry.missed}, after close ${fixed(entry.heapAfterClosePct, 1)}% (${entry.seconds} s)`,
        );
        perClient[client].rounds.push(entry);
        if (entry.problems.length) throw new Error(entry.problems.join('; '));
      } catch (error) {
        perClient[client].invalid = String(error.message ?? error).split('\n')[0];
        fail('fanin', client, error);
      } finally {
        await server?.stop();
      }
    }
  }
  const ref = perClient.baseline;
  for (const e of Object.values(perClient)) {
    const rs = e.rounds;
    e.opened = Math.min(...rs.map((r) => r.opened));
    e.eventsPerSec = median(rs.map((r) => r.eventsPerSec));
    e.cpuUsPerEvent = median(rs.map((r) => r.cpuUsPerEvent));
    e.heapKiBPerStream = median(rs.map((r) => r.heapKiBPerStream));
    e.heapAfterClosePct = median(rs.map((r) => r.heapAfterClosePct));
    e.heapAfterCloseMaxAbsPct = max(rs.map((r) => Math.abs(r.heapAfterClosePct)));
    e.missed = rs.reduce((sum, r) => sum + r.missed, 0);
    if (!ref.invalid && !e.invalid && ref.rounds.length === rs.length && rs.length) {
      const cpuRatios = rs.map((r, i) => r.cpuUsPerEvent / ref.rounds[i].cpuUsPerEvent);
      e.cpuRatio = median(cpuRatios);
      e.cpuRatioMin = Math.min(...cpuRatios);
      e.cpuRatioMax = Math.max(...cpuRatios);
      e.heapDeltaKiB = median(rs.map((r, i) => r.heapKiBPerStream - ref.rounds[i].heapKiBPerStream));
    }
  }
  results.fanin.clients = perClient;
}

/** One measurement's figures, and what makes it invalid (beyond misses, which are reported). */
function summarize(r, stats, n) {
  let missed = 0;
  let extra = 0;
  let streamsMissing = 0;
  const examples = [];
  for (let i = 0; i < n; i++) {
    const sent = stats.sent[i];
    const got = r.inWindow[i];
    if (got < sent) {
      missed += sent - got;
      streamsMissing++;
      if (examples.length < 10) examples.push({ stream: i, sent, received: got });
    } else if (got > sent) extra += got - sent;
  }
  const problems = [];
  if (r.opened < n) problems.push(`only ${r.opened} of ${n} streams opened in time`);
  if (stats.requests !== n) problems.push(`${stats.requests} requests for ${n} streams`);
  if (stats.maxOpen !== n) problems.push(`at most ${stats.maxOpen} of ${n} responses open at once`);
  if (stats.connections !== n) problems.push(`${stats.connections} TCP connections carried ${n} streams`);
  if (r.errors) problems.push(`${r.errors} stream errors (first: ${r.firstError})`);
  if (r.duplicates || r.badIds) problems.push(`${r.duplicates} duplicate events, ${r.badIds} id mismatches`);
  if (r.socketsLeftAfterClose) problems.push(`the server still had ${r.socketsLeftAfterClose} sockets open ${Math.round(r.closeMs / 1000)} s after closing`);
  if (extra) problems.push(`${extra} events counted in the window that the server did not send in it`);
  return {
    opened: r.opened,
    openMs: r.openMs,
    windowMs: r.windowMs,
    receivedInWindow: r.receivedInWindow,
    sentInWindow: stats.total,
    eventsPerSec: (r.receivedInWindow / r.windowMs) * 1000,
    cpuUs: r.cpuUs,
    cpuUserUs: r.cpuUserUs,
    cpuSystemUs: r.cpuSystemUs,
    cpuUsPerEvent: r.cpuUs / r.receivedInWindow,
    heapBefore: r.before,
    heapOpenBeforeWindow: r.heapOpenBefore,
    heapOpen: r.heapOpen,
    heapAfter: r.after,
    closeMs: r.closeMs,
    heapKiBPerStream: (r.heapOpen - r.before) / n / 1024,
    heapKiBPerStreamBeforeWindow: (r.heapOpenBefore - r.before) / n / 1024,
    heapAfterClosePct: ((r.after - r.before) / r.before) * 100,
    rssMiB: r.rss / 2 ** 20,
    missed,
    streamsMissing,
    missedExamples: examples,
    gapsOverall: r.gaps,
    streamsPastWindow: r.pastCount,
    tailMs: r.tailMs,
    serverMaxOpen: stats.maxOpen,
    serverConnections: stats.connections,
    serverRequests: stats.requests,
    problems,
  };
}

/**
 * Prints the fan-in table and records its targets.
 * @param {{ results: object, print: (s?: string) => void, addCheck: Function, table: Function, labels: Record<string, string>, quick: boolean }} ctx
 */
export function faninReport({ results, print, addCheck, table, labels }) {
  const f = results.fanin;
  if (!f) return;
  const s = f.settings;
  print(
    `\n== Fan-in: ${thousands(s.n)} concurrent streams to one loopback origin, 1 event (~60 B) per stream per second, ` +
      `${s.windowMs / 1000} s measured; ${s.rounds === 1 ? '1 round' : `median of ${s.rounds} rounds`} (each round counts as one run; the client order alternates)`,
  );
  print(f.nofile.note);
  if (f.skipped) return;
  const T = FANIN_TARGETS;
  const rows = [
    ['client', 'streams open', 'events/s', 'CPU µs/ev', '× baseline CPU', '[min–max]', 'heap KiB/stream', 'Δ KiB/stream', 'missed', 'heap after close', 'target'],
  ];
  for (const [client, e] of Object.entries(f.clients)) {
    const label = labels[client] ?? client;
    if (e.invalid && !e.rounds.length) {
      rows.push([label, 'INVALID', '', '', '', '', '', '', '', '', e.invalid.slice(0, 70)]);
      continue;
    }
    let target = '';
    if (client.startsWith('runstream')) {
      const runs = e.rounds.length;
      const a = addCheck(`fan-in CPU per event vs baseline, ${client}`, e.cpuRatio, T.cpuRatio, '×', e.cpuRatio <= T.cpuRatio, { ratio: true, runs, min: e.cpuRatioMin, max: e.cpuRatioMax });
      const b = addCheck(`fan-in heap per stream − baseline, ${client}`, e.heapDeltaKiB, T.heapDeltaKiB, 'KiB', e.heapDeltaKiB <= T.heapDeltaKiB, { op: '≤', digits: 2, runs });
      const c = addCheck(`fan-in missed events, ${client}`, e.missed, T.missed, 'events', e.missed === 0 && e.rounds.length === s.rounds, { op: '=', digits: 0, runs });
      const d = addCheck(`fan-in heap after close vs start, ${client}`, e.heapAfterClosePct, T.heapAfterClosePct, '%', Math.abs(e.heapAfterClosePct) <= T.heapAfterClosePct, { op: '±', digits: 1, runs });
      target = `CPU ≤ ${T.cpuRatio}×: ${a}; heap ≤ +${T.heapDeltaKiB} KiB: ${b}; no misses: ${c}; close ±${T.heapAfterClosePct}%: ${d}`;
    }
    const base = client === 'baseline';
    rows.push([
      label,
      thousands(e.opened),
      thousands(e.eventsPerSec),
      fixed(e.cpuUsPerEvent, 1),
      base ? '1.00×' : `${fixed(e.cpuRatio)}×`,
      base || s.rounds === 1 ? '' : `[${fixed(e.cpuRatioMin)}–${fixed(e.cpuRatioMax)}]`,
      fixed(e.heapKiBPerStream, 2),
      base ? '' : `${e.heapDeltaKiB >= 0 ? '+' : ''}${fixed(e.heapDeltaKiB, 2)}`,
      thousands(e.missed),
      `${e.heapAfterClosePct >= 0 ? '+' : ''}${fixed(e.heapAfterClosePct, 1)}%`,
      e.invalid ? `INVALID: ${e.invalid.slice(0, 70)}` : target,
    ]);
  }
  print(table(rows));
}
