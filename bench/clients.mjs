// The clients under test, each used the way its README shows, each decoding every event's data
// as JSON and handing it to the same `check` function, so the work per event is equal.
//
// A client is `load(name)` → `run(url, ctx)`, where ctx is
//   { check, types, expect, fetch? }  (types: the corpus's event names; expect: its event count)
// and run resolves to { count, sum, lastId } for verification.
//
// Modules are imported lazily: each measurement runs in its own child process and loads only
// the client it measures.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ROOT, DIST, DIST_OTEL } from './paths.mjs';

/** The eventsource-parser copy runstream's ESM build imports (the root install's). */
export async function loadParser() {
  const path = createRequire(`${ROOT}/package.json`).resolve('eventsource-parser');
  return import(pathToFileURL(path).href);
}

export async function loadRunstream() {
  return import(pathToFileURL(DIST).href);
}

/** runstream/otel's ESM build (`dist/otel/index.js`), as `npm run build` writes it. */
export async function loadOtel() {
  return import(pathToFileURL(DIST_OTEL).href);
}

/** An @opentelemetry package from the root install (the peers runstream/otel resolves). */
async function loadRootPackage(name) {
  return import(pathToFileURL(createRequire(`${ROOT}/package.json`).resolve(name)).href);
}

/**
 * The `use` option of the instrumented rows:
 *   - 'noop': `[instrument()]` with no SDK registered, so the API's global no-op tracer and
 *     meter (what a library user pays who installs nothing);
 *   - 'sdk': `[instrument({ tracerProvider, meterProvider })]` with a real SDK: a
 *     BasicTracerProvider whose SimpleSpanProcessor exports each ended span to an
 *     InMemorySpanExporter (reset after each stream, so it does not grow), and a MeterProvider
 *     with one reader that is never collected (every measurement is aggregated, none exported).
 * Nothing is registered globally in either case.
 */
export async function otelUse(kind) {
  const { instrument } = await loadOtel();
  if (kind === 'noop') return { use: [instrument()], reset() {} };
  const { BasicTracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = await loadRootPackage('@opentelemetry/sdk-trace-base');
  const { MeterProvider, MetricReader } = await loadRootPackage('@opentelemetry/sdk-metrics');
  class IdleReader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  return { use: [instrument({ tracerProvider, meterProvider })], reset: () => exporter.reset(), exporter };
}

const ACCEPT = { accept: 'text/event-stream' };

function assertEventStream(response) {
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
    throw new Error(`bad response: ${response.status} ${type}`);
  }
}

/**
 * The events of one stream through the cheapest async iterator that is correct under
 * `for await`, for the `iterator-floor` row: the baseline's fetch + TextDecoder + parser +
 * JSON.parse, and per event only what the iterator protocol itself costs. Events are the
 * parser's own message objects with `data` replaced by its parsed value; no reconnection, no
 * listeners. Each chunk's events go into an array read with a moving head; while it holds
 * events, `next()` returns the same already-resolved promise of one reused result object, and
 * the read loop waits (backpressure: at most one chunk's events are buffered). When it is
 * empty, `next()` returns a pending promise that the read loop resolves after the next chunk.
 *
 * Variants tried (token-delta / agent-run ratio vs baseline, two scratch runs of 5 and 9 rounds):
 *   A. a new `Promise.resolve({ done, value })` per event        1.34 / 1.05, 1.26 / 1.04
 *   B. one reused result object, `Promise.resolve(result)` each    1.33 / 1.05, 1.32 / 1.05
 *   C. one reused result object and one reused resolved promise    1.28 / 1.05, 1.22 / 1.02  (kept)
 *   D. an `async function*` body over the same queue               1.52 / 1.07 (first run only)
 * C (and B) rely on the consumer reading each result before calling `next()` again, which
 * `for await` does; a caller that calls `next()` twice without awaiting would need A.
 *
 * The same function serves the network, in-memory (`fetchImpl` = memoryFetch) and fan-in rows;
 * fan-in closes its streams through `signal`, as the baseline does.
 */
function iteratorFloor(url, fetchImpl, createParser, signal) {
  const queue = [];
  let head = 0;
  const result = { done: false, value: undefined };
  const ready = Promise.resolve(result);
  const DONE = { done: true, value: undefined };
  let wake = null; // resolve and reject of a pending next(), while the queue is empty
  let fail = null;
  let drained = null; // resumes the read loop once next() has found the queue empty
  let ended = false;
  let error;
  let reader;
  const parser = createParser({
    onEvent(message) {
      message.data = JSON.parse(message.data);
      queue.push(message);
    },
  });

  /** Hands the first buffered event to a waiting next(), then waits until all are taken. */
  async function deliver() {
    if (head === queue.length) return;
    if (wake) {
      const resolve = wake;
      wake = fail = null;
      result.value = queue[head++];
      resolve(result);
    }
    if (head < queue.length) await new Promise((resolve) => (drained = resolve));
  }
  function finish(failure) {
    if (ended) return;
    ended = true;
    error = failure;
    if (failure && fail) fail(failure);
    else if (wake) wake(DONE);
    wake = fail = null;
  }
  async function read() {
    try {
      const response = await fetchImpl(url, signal ? { headers: ACCEPT, signal } : { headers: ACCEPT });
      assertEventStream(response);
      reader = response.body.getReader();
      const decoder = new TextDecoder();
      while (!ended) {
        const { done, value } = await reader.read();
        if (done) break;
        queue.length = 0; // every earlier event has been taken
        head = 0;
        parser.feed(decoder.decode(value, { stream: true }));
        await deliver();
      }
      queue.length = 0;
      head = 0;
      parser.feed(decoder.decode());
      await deliver();
      finish();
    } catch (failure) {
      finish(failure);
    }
  }
  read();

  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next() {
      if (head < queue.length) {
        result.value = queue[head++];
        return ready;
      }
      if (ended) return error ? Promise.reject(error) : Promise.resolve(DONE);
      const pending = new Promise((resolve, reject) => {
        wake = resolve;
        fail = reject;
      });
      if (drained) {
        const resume = drained;
        drained = null;
        resume();
      }
      return pending;
    },
    return() {
      ended = true;
      queue.length = 0;
      head = 0;
      reader?.cancel().catch(() => {});
      if (drained) drained();
      drained = null;
      return Promise.resolve(DONE);
    },
  };
}

/**
 * The caller's side of every `for await` client: iterates events whose `data` is already
 * decoded and does the same per-event work as the callback clients. Each child process runs one
 * client, so this loop only ever sees that client's events.
 */
async function drain(events, check) {
  let count = 0;
  let sum = 0;
  let lastId = '';
  for await (const event of events) {
    count++;
    sum += check(event.data);
    if (event.id !== undefined) lastId = event.id;
  }
  return { count, sum, lastId };
}

/** Names of the network clients, in table order. */
export const NET_CLIENTS = [
  'fetch-read',
  'baseline',
  'runstream-iter',
  'runstream-listen',
  'runstream-otel-noop',
  'runstream-otel-sdk',
  'iterator-floor',
  'naive-generator',
  'eventsource-client',
  'eventsource-client-cb',
  'eventsource',
  'fetch-event-source',
];

/**
 * The instrumented rows (runstream for await with runstream/otel's instrument()). They run only
 * when named in `--clients`, so a default run measures what it always has.
 */
export const OTEL_CLIENTS = ['runstream-otel-noop', 'runstream-otel-sdk'];

/** The callback-style peers: runstream's addEventListener is compared with the fastest of them. */
export const CALLBACK_PEERS = ['eventsource-client-cb', 'eventsource', 'fetch-event-source'];

/** Loads a network client by name. */
export async function loadNetClient(name) {
  switch (name) {
    // Transport floor: fetch and read the body, no decoding at all. Not a correct client; it
    // shows how much of every row is the HTTP stack and the server.
    case 'fetch-read':
      return async (url, ctx) => {
        const response = await (ctx.fetch ?? fetch)(url, { headers: ACCEPT });
        assertEventStream(response);
        const reader = response.body.getReader();
        let bytes = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          bytes += value.length;
        }
        return { count: ctx.expect, sum: ctx.expectSum, lastId: ctx.expectLastId, bytes };
      };

    // The minimum correct client: fetch + TextDecoder (stream mode) + eventsource-parser's
    // callback + JSON.parse. No iterator, no queue, no event objects of its own.
    case 'baseline': {
      const { createParser } = await loadParser();
      return async (url, ctx) => {
        const check = ctx.check;
        let count = 0;
        let sum = 0;
        let lastId = '';
        const parser = createParser({
          onEvent(message) {
            const data = JSON.parse(message.data);
            count++;
            sum += check(data);
            if (message.id !== undefined) lastId = message.id;
          },
        });
        const response = await (ctx.fetch ?? fetch)(url, { headers: ACCEPT });
        assertEventStream(response);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        parser.feed(decoder.decode());
        return { count, sum, lastId };
      };
    }

    case 'runstream-iter': {
      const { connect } = await loadRunstream();
      return async (url, ctx) => {
        const options = { json: true, reconnect: false };
        if (ctx.fetch) options.fetch = ctx.fetch;
        return drain(connect(url, options), ctx.check);
      };
    }

    // runstream for await, as runstream-iter, with instrument() in `use` (see otelUse).
    case 'runstream-otel-noop':
    case 'runstream-otel-sdk': {
      const { connect } = await loadRunstream();
      const otel = await otelUse(name === 'runstream-otel-noop' ? 'noop' : 'sdk');
      return async (url, ctx) => {
        const options = { json: true, reconnect: false, use: otel.use };
        if (ctx.fetch) options.fetch = ctx.fetch;
        const result = await drain(connect(url, options), ctx.check);
        otel.reset();
        return result;
      };
    }

    case 'runstream-listen': {
      const { connect } = await loadRunstream();
      return async (url, ctx) => {
        const check = ctx.check;
        let count = 0;
        let sum = 0;
        let lastId = '';
        const options = { json: true, reconnect: false };
        if (ctx.fetch) options.fetch = ctx.fetch;
        const stream = connect(url, options);
        const listener = (event) => {
          count++;
          sum += check(event.data);
          lastId = event.id;
        };
        for (const type of ctx.types) stream.addEventListener(type, listener);
        await stream.finished;
        return { count, sum, lastId };
      };
    }

    // A reference, not a client: the baseline with the cheapest `for await` delivery on top
    // (see iteratorFloor). Its ratio is the lowest any `for await` client can reach.
    case 'iterator-floor': {
      const { createParser } = await loadParser();
      return (url, ctx) => drain(iteratorFloor(url, ctx.fetch ?? fetch, createParser), ctx.check);
    }

    // What most people write first: an async generator around eventsource-parser that yields
    // decoded events per chunk.
    case 'naive-generator': {
      const { createParser } = await loadParser();
      async function* events(url, fetchImpl) {
        const response = await fetchImpl(url, { headers: ACCEPT });
        assertEventStream(response);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let pending = [];
        const parser = createParser({ onEvent: (message) => pending.push(message) });
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
            const batch = pending;
            pending = [];
            for (const message of batch) {
              yield { type: message.event ?? 'message', data: JSON.parse(message.data), id: message.id };
            }
          }
        } finally {
          reader.cancel().catch(() => {});
        }
      }
      return (url, ctx) => drain(events(url, ctx.fetch ?? fetch), ctx.check);
    }

    // eventsource-client: async iterator. It reconnects when the body ends (EventSource
    // semantics), so the loop stops at the expected count; a second connection is a failure.
    case 'eventsource-client': {
      const { createEventSource } = await import('eventsource-client');
      return async (url, ctx) => {
        const check = ctx.check;
        let count = 0;
        let sum = 0;
        let lastId = '';
        let connects = 0;
        let source;
        const options = {
          url,
          onConnect: () => {
            if (++connects > 1) source?.close();
          },
        };
        if (ctx.fetch) options.fetch = ctx.fetch;
        source = createEventSource(options);
        try {
          if (ctx.expect > 0) {
            for await (const message of source) {
              const data = JSON.parse(message.data);
              count++;
              sum += check(data);
              if (message.id !== undefined) lastId = message.id;
              if (count >= ctx.expect) break;
            }
          }
        } finally {
          source.close();
        }
        if (connects > 1) throw new Error(`eventsource-client reconnected (${connects} connections) after ${count} events`);
        return { count, sum, lastId };
      };
    }

    // eventsource-client with its `onMessage` callback instead of the iterator: no queue, each
    // event is handled as the parser emits it. It reconnects when the body ends, so it closes
    // at the expected count; a second connection is a failure.
    case 'eventsource-client-cb': {
      const { createEventSource } = await import('eventsource-client');
      return (url, ctx) =>
        new Promise((resolve, reject) => {
          const check = ctx.check;
          let count = 0;
          let sum = 0;
          let lastId = '';
          let connects = 0;
          let source;
          const options = {
            url,
            onMessage(message) {
              const data = JSON.parse(message.data);
              count++;
              sum += check(data);
              if (message.id !== undefined) lastId = message.id;
              if (count >= ctx.expect) {
                source.close();
                resolve({ count, sum, lastId });
              }
            },
            onConnect() {
              if (++connects > 1) {
                source.close();
                reject(new Error(`eventsource-client reconnected (${connects} connections) after ${count} events`));
              }
            },
          };
          if (ctx.fetch) options.fetch = ctx.fetch;
          if (ctx.expect === 0) return resolve({ count, sum, lastId });
          source = createEventSource(options);
        });
    }

    // eventsource (v3+ API): the WHATWG EventSource, with listeners per event name. It also
    // reconnects when the body ends, so it closes at the expected count; an `error` before
    // that means the stream ended early.
    case 'eventsource': {
      const { EventSource } = await import('eventsource');
      return (url, ctx) =>
        new Promise((resolve, reject) => {
          const check = ctx.check;
          let count = 0;
          let sum = 0;
          let lastId = '';
          const source = new EventSource(url, ctx.fetch ? { fetch: ctx.fetch } : undefined);
          const listener = (event) => {
            const data = JSON.parse(event.data);
            count++;
            sum += check(data);
            lastId = event.lastEventId;
            if (count >= ctx.expect) {
              source.close();
              resolve({ count, sum, lastId });
            }
          };
          for (const type of ctx.types) source.addEventListener(type, listener);
          source.onerror = (event) => {
            if (count < ctx.expect) {
              source.close();
              reject(new Error(`eventsource: error after ${count} events: ${event.message ?? 'stream ended'}`));
            }
          };
        });
    }

    // @microsoft/fetch-event-source: callbacks. In Node it needs a shim (see installDomShim).
    case 'fetch-event-source': {
      installDomShim();
      const { fetchEventSource } = await import('@microsoft/fetch-event-source');
      return async (url, ctx) => {
        const check = ctx.check;
        let count = 0;
        let sum = 0;
        let lastId = '';
        const options = {
          openWhenHidden: true,
          onmessage(message) {
            const data = JSON.parse(message.data);
            count++;
            sum += check(data);
            if (message.id) lastId = message.id;
          },
          onerror(error) {
            throw error; // no retry: a failure must surface, not reconnect
          },
        };
        if (ctx.fetch) options.fetch = ctx.fetch;
        await fetchEventSource(url, options);
        return { count, sum, lastId };
      };
    }

    default:
      throw new Error(`unknown client ${name}`);
  }
}

/**
 * @microsoft/fetch-event-source 2.0.1 touches browser globals even with `openWhenHidden: true`:
 * `dispose()` always calls `document.removeEventListener` and `window.clearTimeout`, and
 * without a `fetch` option it calls `window.fetch`. The shim: `window` is `globalThis` (its
 * timers and fetch), `document` a never-hidden stub. Installed only in that client's process.
 */
export function installDomShim() {
  globalThis.window ??= globalThis;
  globalThis.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };
}

/**
 * Clients of the time-to-first-event measurement: each resolves to ms from start to the first
 * decoded event. The transport floor decodes nothing; the iterator floor is a throughput
 * reference only; eventsource-client's callback opens its stream exactly as its iterator does.
 */
export const FIRST_CLIENTS = NET_CLIENTS.filter((name) => !['fetch-read', 'iterator-floor', 'eventsource-client-cb', ...OTEL_CLIENTS].includes(name));

/** Loads a time-to-first-event client: `(url, ctx) => Promise<ms>`; ctx: { type }. */
export async function loadFirstClient(name) {
  const now = () => performance.now();
  switch (name) {
    case 'baseline': {
      const { createParser } = await loadParser();
      return async (url) => {
        const t0 = now();
        let t1 = 0;
        const parser = createParser({
          onEvent(message) {
            JSON.parse(message.data);
            if (!t1) t1 = now();
          },
        });
        const response = await fetch(url, { headers: ACCEPT });
        assertEventStream(response);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        while (!t1) {
          const { done, value } = await reader.read();
          if (done) break;
          parser.feed(decoder.decode(value, { stream: true }));
        }
        reader.cancel().catch(() => {});
        return t1 - t0;
      };
    }
    case 'runstream-iter': {
      const { connect } = await loadRunstream();
      return async (url) => {
        const t0 = now();
        for await (const event of connect(url, { json: true, reconnect: false })) {
          if (event) return now() - t0;
        }
        throw new Error('no event');
      };
    }
    case 'runstream-listen': {
      const { connect } = await loadRunstream();
      return async (url, ctx) => {
        const t0 = now();
        const stream = connect(url, { json: true, reconnect: false });
        const t1 = await new Promise((resolve, reject) => {
          stream.addEventListener(ctx.type, () => resolve(now()), { once: true });
          stream.finished.then(() => reject(new Error('no event')), reject);
        });
        stream.close();
        return t1 - t0;
      };
    }
    case 'naive-generator': {
      const run = await loadNetClient('naive-generator');
      return async (url) => {
        const t0 = now();
        let t1 = 0;
        await run(url, {
          check: () => {
            if (!t1) t1 = now();
            return 0;
          },
        }).catch(() => {});
        return t1 - t0;
      };
    }
    case 'eventsource-client': {
      const { createEventSource } = await import('eventsource-client');
      return async (url) => {
        const t0 = now();
        const source = createEventSource({ url });
        try {
          for await (const message of source) {
            JSON.parse(message.data);
            return now() - t0;
          }
        } finally {
          source.close();
        }
        throw new Error('no event');
      };
    }
    case 'eventsource': {
      const { EventSource } = await import('eventsource');
      return (url, ctx) =>
        new Promise((resolve, reject) => {
          const t0 = now();
          const source = new EventSource(url);
          source.addEventListener(ctx.type, (event) => {
            JSON.parse(event.data);
            const t1 = now();
            source.close();
            resolve(t1 - t0);
          });
          source.onerror = () => {
            source.close();
            reject(new Error('no event'));
          };
        });
    }
    case 'fetch-event-source': {
      installDomShim();
      const { fetchEventSource } = await import('@microsoft/fetch-event-source');
      return async (url) => {
        const t0 = now();
        let t1 = 0;
        const controller = new AbortController();
        await fetchEventSource(url, {
          openWhenHidden: true,
          signal: controller.signal,
          onmessage(message) {
            JSON.parse(message.data);
            if (!t1) t1 = now();
            controller.abort();
          },
          onerror(error) {
            throw error;
          },
        });
        if (!t1) throw new Error('no event');
        return t1 - t0;
      };
    }
    default:
      throw new Error(`unknown client ${name}`);
  }
}

/**
 * Clients of the in-memory section, in table order: the network clients' own code (it decodes
 * every event as JSON, as over loopback), given `ctx.fetch` = an in-memory server (memoryFetch),
 * plus a floor that decodes text and finds line breaks only.
 */
export const MEM_CLIENTS = [
  'floor',
  'baseline',
  'runstream-iter',
  'runstream-listen',
  'runstream-otel-noop',
  'runstream-otel-sdk',
  'iterator-floor',
  'eventsource-client',
  'eventsource-client-cb',
  'eventsource',
  'fetch-event-source',
];

/** Clients of the fast-producer / slow-consumer case, in table order. */
export const SLOW_CLIENTS = ['baseline', 'iterator-floor', 'runstream-iter', 'runstream-listen', 'eventsource-client', 'eventsource-client-cb'];

/** The URL every in-memory client is given; memoryFetch ignores it. */
export const MEMORY_URL = 'http://127.0.0.1/in-memory';

const SSE_HEADERS = { 'content-type': 'text/event-stream' };

/**
 * A response body over pre-cut chunks.
 *   - 'pull': one chunk per read (a pull source with highWaterMark 0), like bytes arriving;
 *   - 'queued': every chunk enqueued before the first read, so the whole corpus is there at
 *     once and no read ever waits (the fast producer).
 * Aborting `signal` errors the body, as undici does for a fetch body.
 */
function chunkBody(chunks, kind, signal) {
  let i = 0;
  const source =
    kind === 'queued'
      ? {
          start(controller) {
            for (const chunk of chunks) controller.enqueue(chunk);
            controller.close();
          },
        }
      : {
          pull(controller) {
            if (i < chunks.length) controller.enqueue(chunks[i++]);
            else controller.close();
          },
        };
  if (signal) {
    const start = source.start;
    source.start = (controller) => {
      const abort = () => {
        try {
          controller.error(signal.reason ?? new DOMException('aborted', 'AbortError'));
        } catch {
          // already closed
        }
      };
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      start?.(controller);
    };
  }
  return new ReadableStream(source, { highWaterMark: 0 });
}

/** A body that never delivers anything (a server with nothing more to send); ends when cancelled or aborted. */
function idleBody(signal) {
  return new ReadableStream({
    start(controller) {
      signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
    },
  });
}

/**
 * An in-memory server for one stream: `fetch` answers the first request with the chunks as a
 * `text/event-stream` body, and any later one (a reconnection) with a body that stays idle, so
 * a client that reconnects cannot read the corpus twice. `requests()` counts them all; the
 * caller checks it is exactly one, as the loopback server's count is checked.
 */
export function memoryFetch(chunks, kind) {
  let requests = 0;
  const fetch = async (_url, init) => {
    const signal = init?.signal;
    const body = requests++ === 0 ? chunkBody(chunks, kind, signal) : idleBody(signal);
    return new Response(body, { headers: SSE_HEADERS });
  };
  return { fetch, requests: () => requests };
}

/**
 * The in-memory floor: read the body, decode it (TextDecoder, stream mode) and find every line
 * break with indexOf. Not a client: it shows what reading and decoding the text costs. Its
 * `count` is the number of LF characters.
 */
export async function loadMemFloor() {
  return async (url, ctx) => {
    const response = await ctx.fetch(url, { headers: ACCEPT });
    assertEventStream(response);
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let count = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      let at = text.indexOf('\n');
      while (at !== -1) {
        count++;
        at = text.indexOf('\n', at + 1);
      }
    }
    return { count, sum: 0, lastId: '' };
  };
}

/** Clients of the fan-in measurement (many concurrent long-lived streams), in table order. */
export const FANIN_CLIENTS = [
  'baseline',
  'runstream-iter',
  'runstream-listen',
  'iterator-floor',
  'eventsource-client',
  'eventsource-client-cb',
  'eventsource',
  'fetch-event-source',
];

/**
 * Loads a fan-in client: `open(url, onEvent, onError)` starts one stream and returns a
 * function that closes it. `onEvent(data, id)` gets each event's JSON-decoded data and its id;
 * `onError(error)` gets a failure (or a reconnection, which the streams must not need). Every
 * client decodes the data with JSON.parse, once per event, as in the network section.
 */
export async function loadFanClient(name) {
  switch (name) {
    // fetch + TextDecoder (stream mode) + eventsource-parser's callback + JSON.parse.
    case 'baseline': {
      const { createParser } = await loadParser();
      return (url, onEvent, onError) => {
        const controller = new AbortController();
        const parser = createParser({ onEvent: (message) => onEvent(JSON.parse(message.data), message.id) });
        (async () => {
          const response = await fetch(url, { headers: ACCEPT, signal: controller.signal });
          assertEventStream(response);
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parser.feed(decoder.decode(value, { stream: true }));
          }
          if (!controller.signal.aborted) throw new Error('the response ended');
        })().catch((error) => {
          if (!controller.signal.aborted) onError(error);
        });
        return () => controller.abort();
      };
    }

    case 'runstream-iter': {
      const { connect } = await loadRunstream();
      return (url, onEvent, onError) => {
        const stream = connect(url, { json: true, reconnect: false });
        let closing = false;
        (async () => {
          for await (const event of stream) onEvent(event.data, event.id);
          if (!closing) throw new Error('the stream ended');
        })().catch((error) => {
          if (!closing) onError(error);
        });
        return () => {
          closing = true;
          stream.close();
        };
      };
    }

    case 'runstream-listen': {
      const { connect } = await loadRunstream();
      return (url, onEvent, onError) => {
        const stream = connect(url, { json: true, reconnect: false });
        let closing = false;
        stream.addEventListener('message', (event) => onEvent(event.data, event.id));
        stream.finished.then(() => {
          if (!closing) onError(new Error('the stream ended'));
        }, (error) => {
          if (!closing) onError(error);
        });
        return () => {
          closing = true;
          stream.close();
        };
      };
    }

    // A reference row: the baseline's code with the cheapest async iterator (iteratorFloor, as
    // in the network section), consumed with `for await`; closed by aborting its fetch, as the
    // baseline is. What any `for await` client pays at fan-in.
    case 'iterator-floor': {
      const { createParser } = await loadParser();
      return (url, onEvent, onError) => {
        const controller = new AbortController();
        const events = iteratorFloor(url, fetch, createParser, controller.signal);
        (async () => {
          for await (const event of events) onEvent(event.data, event.id);
          if (!controller.signal.aborted) throw new Error('the response ended');
        })().catch((error) => {
          if (!controller.signal.aborted) onError(error);
        });
        return () => controller.abort();
      };
    }

    // eventsource-client's async iterator. It reconnects by itself; a second connection is
    // reported as an error.
    case 'eventsource-client': {
      const { createEventSource } = await import('eventsource-client');
      return (url, onEvent, onError) => {
        let connects = 0;
        let closing = false;
        const source = createEventSource({
          url,
          onConnect: () => {
            if (++connects > 1) onError(new Error('eventsource-client reconnected'));
          },
        });
        (async () => {
          for await (const message of source) onEvent(JSON.parse(message.data), message.id);
          if (!closing) throw new Error('the stream ended');
        })().catch((error) => {
          if (!closing) onError(error);
        });
        return () => {
          closing = true;
          source.close();
        };
      };
    }

    // eventsource-client with its `onMessage` callback instead of the iterator.
    case 'eventsource-client-cb': {
      const { createEventSource } = await import('eventsource-client');
      return (url, onEvent, onError) => {
        let connects = 0;
        const source = createEventSource({
          url,
          onMessage: (message) => onEvent(JSON.parse(message.data), message.id),
          onConnect: () => {
            if (++connects > 1) onError(new Error('eventsource-client reconnected'));
          },
        });
        return () => source.close();
      };
    }

    // eventsource v4: the WHATWG EventSource API (unnamed events arrive as `message`).
    case 'eventsource': {
      const { EventSource } = await import('eventsource');
      return (url, onEvent, onError) => {
        let closing = false;
        const source = new EventSource(url);
        source.addEventListener('message', (event) => onEvent(JSON.parse(event.data), event.lastEventId));
        source.onerror = (event) => {
          if (!closing) onError(new Error(`eventsource: ${event.message ?? 'error'}`));
        };
        return () => {
          closing = true;
          source.close();
        };
      };
    }

    // @microsoft/fetch-event-source, with the same DOM shim as in the network section.
    case 'fetch-event-source': {
      installDomShim();
      const { fetchEventSource } = await import('@microsoft/fetch-event-source');
      return (url, onEvent, onError) => {
        const controller = new AbortController();
        fetchEventSource(url, {
          openWhenHidden: true,
          signal: controller.signal,
          onmessage: (message) => onEvent(JSON.parse(message.data), message.id),
          onerror(error) {
            throw error; // no retry
          },
        }).then(
          () => {
            if (!controller.signal.aborted) onError(new Error('the stream ended'));
          },
          (error) => {
            if (!controller.signal.aborted) onError(error);
          },
        );
        return () => controller.abort();
      };
    }

    default:
      throw new Error(`unknown client ${name}`);
  }
}
