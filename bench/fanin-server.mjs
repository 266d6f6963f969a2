// The fan-in section's loopback SSE server, in a child process of its own (one per
// measurement, so each measured client gets a fresh listening port, fresh counters and its own
// open-file limit; see fanin.mjs). 127.0.0.1 only.
//
// GET /fanin/<tag>/<i> answers text/event-stream, writes one `id: 0` event at once (the
// client's "open" signal), then one ~60 B event per second for as long as the response stays
// open. The open responses are dealt round-robin into SLOTS slots of 1000/SLOTS ms each, and
// every tick writes to the slots that have come due, so the writes are spread evenly over each
// second instead of arriving all at once. Each event's data carries its per-stream sequence
// number `n` (also its `id`) and the server's send time `t` (Date.now()): the client counts the
// events with `t` inside its measured window, and the server, asked afterwards over IPC with
// that window, counts what it sent in it, per stream. The difference is the missed events.
//
// It also counts, per tag, the requests, the responses open at once (the highest value), and
// the distinct TCP connections that carried them, so the parent can check that N streams really
// were N concurrent connections.
import http from 'node:http';
import process from 'node:process';

const SLOTS = 100; // 10 ms each
const SLOT_MS = 1000 / SLOTS;
const PAD = 'x'.repeat(12); // `id: 12\ndata: {"n":12,"t":1733050000000,"p":"xxxxxxxxxxxx"}\n\n` is 60 B

/** @type {Map<string, { requests: number, open: number, maxOpen: number, sockets: WeakSet<object>, socketCount: number, streams: Array<{ seq: number, sent: number[] } | undefined> }>} */
const tags = new Map();
/** Open streams per slot; a stream knows its slot and its index in it (swap-remove on close). */
const slots = Array.from({ length: SLOTS }, () => []);
let nextSlot = 0;
let openSockets = 0;
let maxSockets = 0;

function tagEntry(tag) {
  let entry = tags.get(tag);
  if (!entry) {
    entry = { requests: 0, open: 0, maxOpen: 0, sockets: new WeakSet(), socketCount: 0, streams: [] };
    tags.set(tag, entry);
  }
  return entry;
}

function frame(n, t) {
  return `id: ${n}\ndata: {"n":${n},"t":${t},"p":"${PAD}"}\n\n`;
}

const server = http.createServer((req, res) => {
  const [, kind, tag, index] = req.url.split('?')[0].split('/');
  const i = Number(index);
  if (kind !== 'fanin' || !tag || !Number.isInteger(i) || i < 0) {
    res.writeHead(404).end();
    return;
  }
  const entry = tagEntry(tag);
  entry.requests++;
  if (!entry.sockets.has(req.socket)) {
    entry.sockets.add(req.socket);
    entry.socketCount++;
  }
  entry.open++;
  if (entry.open > entry.maxOpen) entry.maxOpen = entry.open;
  // A second request for the same stream (a reconnect) goes on counting in the same record.
  const record = (entry.streams[i] ??= { seq: 0, sent: [] });
  const stream = { res, record, slot: nextSlot, at: 0 };
  nextSlot = (nextSlot + 1) % SLOTS;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(frame(record.seq, Date.now()));
  const list = slots[stream.slot];
  stream.at = list.length;
  list.push(stream);
  res.on('close', () => {
    entry.open--;
    const own = slots[stream.slot];
    const last = own.pop();
    if (last !== stream) {
      own[stream.at] = last;
      last.at = stream.at;
    }
  });
});

server.on('connection', (socket) => {
  openSockets++;
  if (openSockets > maxSockets) maxSockets = openSockets;
  socket.setNoDelay(true);
  socket.on('close', () => openSockets--);
});
server.keepAliveTimeout = 5_000;
server.headersTimeout = 60_000;
server.requestTimeout = 0;

/** Writes one event to every stream of each slot that has come due since the last tick. */
const start = performance.now();
let done = -1; // the last slot number (counting from start) already written
function tick() {
  const due = Math.floor((performance.now() - start) / SLOT_MS);
  // After a stall (a long GC, a busy core) catch up, but never write a stream twice in a tick.
  const from = Math.max(done + 1, due - SLOTS + 1);
  for (let s = from; s <= due; s++) {
    const t = Date.now();
    for (const stream of slots[s % SLOTS]) {
      const n = ++stream.record.seq;
      stream.record.sent.push(t);
      stream.res.write(frame(n, t));
    }
  }
  done = due;
}
const timer = setInterval(tick, SLOT_MS / 2);

process.on('message', (message) => {
  if (message.cmd === 'stats') {
    const entry = tags.get(message.tag) ?? tagEntry(message.tag);
    const { t0, t1 } = message;
    const sent = [];
    let total = 0;
    for (let i = 0; i < message.n; i++) {
      let count = 0;
      for (const t of entry.streams[i]?.sent ?? []) if (t >= t0 && t <= t1) count++;
      sent.push(count);
      total += count;
    }
    process.send({
      id: message.id,
      requests: entry.requests,
      maxOpen: entry.maxOpen,
      open: entry.open,
      connections: entry.socketCount,
      maxSockets,
      openSockets,
      sent,
      total,
    });
  } else if (message.cmd === 'sockets') {
    process.send({ id: message.id, openSockets });
  } else if (message.cmd === 'exit') {
    clearInterval(timer);
    server.closeAllConnections?.();
    server.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
  process.send({ cmd: 'ready', port: server.address().port });
});
