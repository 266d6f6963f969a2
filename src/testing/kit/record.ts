/**
 * Recording: what a real server sent, turned into a script (and a JSON fixture) that the
 * players replay. Web APIs only.
 *
 * @module
 */
import { createParser } from 'eventsource-parser';
import type { SSEFrame } from '../../core/encode.js';
import { SCRIPT_FORMAT, type Script, type ScriptConnection, type ScriptStep } from './script.js';

/** Options of {@link scriptFromRaw}. */
export interface ScriptFromRawOptions {
  /**
   * Parse each event's `data` as JSON when it is valid JSON, so the fixture shows objects (they
   * are sent back as `JSON.stringify` writes them: same value, maybe other spacing).
   * @defaultValue false (data stays the exact text)
   */
  parseJson?: boolean | undefined;
}

/** Options of {@link recordScript}. */
export interface RecordOptions extends ScriptFromRawOptions {
  /** The fetch to record through, for a URL. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch | undefined;
  /** Request options for a URL (headers, method, body); `Accept: text/event-stream` is added. */
  init?: RequestInit | undefined;
  /**
   * Stop recording after this many milliseconds (a never-ending stream), closing the request.
   * @defaultValue 10000
   */
  timeout?: number | undefined;
  /** Stop recording after this many events. @defaultValue no limit */
  maxEvents?: number | undefined;
  /**
   * Waits shorter than this, in milliseconds, are left out of the script.
   * @defaultValue 1
   */
  minWait?: number | undefined;
}

/** One piece of text as it arrived, `at` milliseconds after the start. @internal */
export interface Arrival {
  text: string;
  at: number;
}

const BLOCK_END = /\r\n\r\n|\n\n|\r\r|\r\n\n|\n\r\n/g;

function decodeData(data: string, parseJson: boolean | undefined): unknown {
  if (!parseJson) return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}

/** The steps of a stream that arrived as `arrivals`, with waits between them. @internal */
export function stepsOf(arrivals: readonly Arrival[], options: ScriptFromRawOptions & { minWait?: number | undefined; maxEvents?: number | undefined }): { connection: ScriptConnection; events: number } {
  const all = arrivals.map((arrival) => arrival.text).join('');
  // The complete blocks are parsed; a partial block after the last blank line stays raw bytes.
  let end = 0;
  for (const match of all.matchAll(BLOCK_END)) end = match.index + match[0].length;
  const complete = all.slice(0, end);
  const rest = all.slice(end);
  const steps: ScriptStep[] = [];
  let events = 0;
  let retry: number | undefined;
  let now = 0;
  let last = 0;
  const push = (step: ScriptStep) => {
    const wait = Math.round(now - last);
    if (wait >= (options.minWait ?? 1)) steps.push({ wait });
    last = now;
    steps.push(step);
  };
  const parser = createParser({
    onEvent(message) {
      if (options.maxEvents !== undefined && events >= options.maxEvents) return;
      events++;
      const frame: SSEFrame = {};
      if (retry !== undefined) frame.retry = retry;
      retry = undefined;
      if (message.event !== undefined) frame.event = message.event;
      frame.data = decodeData(message.data, options.parseJson);
      if (message.id !== undefined) frame.id = message.id;
      push(frame);
    },
    onRetry(interval) {
      retry = interval;
    },
    onComment(comment) {
      if (options.maxEvents === undefined || events < options.maxEvents) push({ comment });
    },
  });
  let fed = 0;
  for (const arrival of arrivals) {
    if (fed >= complete.length) break;
    now = arrival.at;
    const piece = complete.slice(fed, fed + arrival.text.length);
    fed += piece.length;
    parser.feed(piece);
  }
  if (retry !== undefined) push({ retry });
  if (rest !== '' && (options.maxEvents === undefined || events < options.maxEvents)) {
    now = arrivals.at(-1)?.at ?? 0;
    push({ raw: rest });
  }
  const connection: ScriptConnection = { steps };
  if (all.includes('\r\n')) connection.eol = '\r\n';
  // sse-starlette writes `id:` first; Crewship's documented order puts it last.
  if (/(?:^|\n)id:[^\r\n]*\r?\n(?:event|data):/.test(all)) connection.idFirst = true;
  return { connection, events };
}

/**
 * Turns raw SSE text (what `runstream tail --raw` prints, a saved response body, a curl
 * capture) into a script of one connection: events (`event`, `data`, `id`, a `retry` before
 * them), comments, and any partial block at the end as a raw step. Line endings (CRLF) and an
 * `id:`-first field order are kept, so replaying it sends the same events; field spacing may
 * differ.
 *
 * @example
 * ```ts
 * const script = scriptFromRaw('event: ready\ndata: {"ok":true}\nid: 1\n\n');
 * // { format: 'runstream-script@1', connections: [{ steps: [{ event: 'ready', data: '{"ok":true}', id: '1' }] }] }
 * ```
 *
 * @param text - the raw stream.
 * @param options - see {@link ScriptFromRawOptions}.
 * @returns a {@link Script}, JSON-serialisable, that {@link scriptedFetch} replays.
 */
export function scriptFromRaw(text: string, options: ScriptFromRawOptions = {}): Script {
  return { format: SCRIPT_FORMAT, connections: [stepsOf([{ text, at: 0 }], options).connection] };
}

/**
 * Records what a server sends into a script with timing: the status, the content type and,
 * for an event stream, its events and comments with `{ wait }` steps (the delays between
 * arrivals, in milliseconds); for any other response, its body as text. Save it with
 * `JSON.stringify(script, null, 2)` as a fixture; {@link scriptedFetch} replays it.
 *
 * @example
 * ```ts
 * const script = await recordScript('http://127.0.0.1:4800/api/events', { timeout: 2000 });
 * await writeFile('fixtures/bus.json', JSON.stringify(script, null, 2));
 * ```
 *
 * @param source - a `Response` (its body is consumed) or a URL to fetch.
 * @param options - fetch, request options, time and event limits; see {@link RecordOptions}.
 * @returns the {@link Script}, one connection.
 * @throws whatever the fetch rejects with (a network error).
 */
export async function recordScript(source: Response | string | URL, options: RecordOptions = {}): Promise<Script> {
  const timeout = options.timeout ?? 10_000;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(new Error('recordScript: timeout')), timeout);
  const started = Date.now();
  try {
    let response: Response;
    if (source instanceof Response) response = source;
    else {
      const headers = new Headers(options.init?.headers);
      if (!headers.has('accept')) headers.set('accept', 'text/event-stream');
      const signal = options.init?.signal ? AbortSignal.any([options.init.signal, stop.signal]) : stop.signal;
      response = await (options.fetch ?? globalThis.fetch)(String(source), { ...options.init, headers, signal });
    }
    const contentType = response.headers.get('content-type') ?? '';
    const base: ScriptConnection = response.status === 200 ? {} : { status: response.status };
    if (!/^text\/event-stream/i.test(contentType) || !response.body) {
      const body = await response.text();
      return { format: SCRIPT_FORMAT, connections: [{ ...base, ...(contentType ? { headers: { 'content-type': contentType } } : {}), ...(body ? { body } : {}) }] };
    }
    const arrivals: Arrival[] = [];
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const onStop = () => void reader.cancel().catch(() => {});
    stop.signal.addEventListener('abort', onStop, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        if (text) arrivals.push({ text, at: Date.now() - started });
        if (options.maxEvents !== undefined && stepsOf(arrivals, options).events >= options.maxEvents) break;
      }
    } finally {
      stop.signal.removeEventListener('abort', onStop);
      await reader.cancel().catch(() => {});
    }
    const tail = decoder.decode();
    if (tail) arrivals.push({ text: tail, at: Date.now() - started });
    const { connection } = stepsOf(arrivals, options);
    if (contentType !== 'text/event-stream') connection.headers = { 'content-type': contentType };
    return { format: SCRIPT_FORMAT, connections: [{ ...base, ...connection }] };
  } finally {
    clearTimeout(timer);
  }
}
