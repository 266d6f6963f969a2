// What one open stream holds on the heap, object by object: the evidence behind the fan-in
// section's "heap per open stream" figure. For each client, a child process opens N idle
// streams to a loopback server (in another process), and compares two V8 heap snapshots: after
// a warm-up round that opened and closed N streams (code compiled, undici's pool filled), and
// with the N streams open. Each row is a kind of heap object (V8's type and constructor name),
// in bytes per stream (self size, as DevTools' "Shallow Size"), against the baseline.
//
//   node --expose-gc bench/objects.mjs [--streams=2000] [--clients=baseline,runstream-iter,…] [--top=25]
//
// Not part of `npm run bench`: one snapshot of a 100 MB heap takes a few seconds to write and
// parse. The client code is the fan-in section's (`loadFanClient` in clients.mjs).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { FANIN_CLIENTS, loadFanClient } from './clients.mjs';

const SELF = fileURLToPath(import.meta.url);
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

if (process.argv[2] === '--server') {
  // One idle SSE response per request: an `id: 0` event at once, then nothing.
  const { createServer } = await import('node:http');
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.write('id: 0\ndata: {"n":0}\n\n');
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
} else if (process.argv[2] === '--child') {
  await child(process.argv[3], Number(process.argv[4]));
} else {
  await parent();
}

async function parent() {
  const streams = Number(arg('streams', 2000));
  const top = Number(arg('top', 25));
  const clients = arg('clients', FANIN_CLIENTS.filter((name) => name !== 'iterator-floor').join(',')).split(',');
  if (!clients.includes('baseline')) clients.unshift('baseline');
  const results = {};
  for (const name of clients) {
    const started = Date.now();
    results[name] = await new Promise((resolve, reject) => {
      const proc = fork(SELF, ['--child', name, String(streams)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const deadline = setTimeout(() => proc.kill('SIGKILL'), 120_000);
      proc.once('message', resolve);
      proc.once('exit', (code) => {
        clearTimeout(deadline);
        reject(new Error(`${name}: the child exited with ${code} before reporting`));
      });
    });
    console.error(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const base = new Map(results.baseline.rows);
  console.log(`\nHeap per open stream, by object kind: ${streams.toLocaleString('en-US')} idle streams, V8 self sizes, bytes per stream (count per stream in brackets)`);
  for (const name of clients) {
    if (name === 'baseline') continue;
    const rows = new Map(results[name].rows);
    const kinds = new Set([...base.keys(), ...rows.keys()]);
    const diff = [...kinds]
      .map((kind) => {
        const [count = 0, bytes = 0] = rows.get(kind) ?? [];
        const [baseCount = 0, baseBytes = 0] = base.get(kind) ?? [];
        return [kind, (count - baseCount) / streams, (bytes - baseBytes) / streams];
      })
      .filter(([, , bytes]) => Math.abs(bytes) >= 8)
      .sort((a, b) => b[2] - a[2]);
    const total = (results[name].total - results.baseline.total) / streams;
    console.log(`\n${name}: ${(results[name].total / streams / 1024).toFixed(2)} KiB per stream, ${total >= 0 ? '+' : ''}${(total / 1024).toFixed(2)} KiB over the baseline (${(results.baseline.total / streams / 1024).toFixed(2)} KiB)`);
    const width = Math.max(...diff.slice(0, top).map(([kind]) => kind.length), 10);
    for (const [kind, count, bytes] of diff.slice(0, top)) {
      console.log(`  ${kind.padEnd(width)}  ${(bytes >= 0 ? '+' : '') + bytes.toFixed(0)} B`.padEnd(width + 14) + `(${count >= 0 ? '+' : ''}${count.toFixed(2)})`);
    }
  }
}

/** Opens `n` streams with client `name`, resolves with their closers once each has its first event. */
async function openAll(open, port, n) {
  let received = 0;
  let done;
  const all = new Promise((resolve) => (done = resolve));
  const closers = [];
  for (let i = 0; i < n; i++) {
    closers.push(
      open(
        `http://127.0.0.1:${port}/s/${i}`,
        () => {
          if (++received === n) done();
        },
        (error) => {
          console.error(error);
          process.exit(1);
        },
      ),
    );
  }
  const timeout = setTimeout(() => {
    console.error(`only ${received} of ${n} streams opened in 60 s`);
    process.exit(1);
  }, 60_000);
  await all;
  clearTimeout(timeout);
  return closers;
}

async function collect() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Self size and count per object kind (`type:constructor`), strings and code lumped together. */
async function census() {
  const chunks = [];
  for await (const chunk of v8.getHeapSnapshot()) chunks.push(chunk);
  const snapshot = JSON.parse(Buffer.concat(chunks).toString());
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const { nodes, strings } = snapshot;
  const kinds = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i]];
    const name = type.includes('string') ? '(strings)' : type === 'code' ? '(code)' : strings[nodes[i + 1]].slice(0, 50);
    const kind = `${type}: ${name || '(anonymous)'}`;
    const entry = kinds.get(kind) ?? [0, 0];
    entry[0]++;
    entry[1] += nodes[i + 3];
    total += nodes[i + 3];
    kinds.set(kind, entry);
  }
  return { kinds, total };
}

async function child(name, n) {
  const server = fork(SELF, ['--server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise((resolve) => server.once('message', resolve));
    const open = await loadFanClient(name);
    // Warm-up: compile the code and fill undici's pool with N connections (see the fan-in notes).
    for (const close of await openAll(open, port, n)) close();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await collect();
    const before = await census();
    const closers = await openAll(open, port, n);
    await collect();
    const after = await census();
    const rows = [...after.kinds].map(([kind, [count, bytes]]) => {
      const [countBefore = 0, bytesBefore = 0] = before.kinds.get(kind) ?? [];
      return [kind, [count - countBefore, bytes - bytesBefore]];
    });
    process.send({ rows, total: after.total - before.total });
    for (const close of closers) close();
  } finally {
    server.kill();
  }
  setTimeout(() => process.exit(0), 100);
}
