/**
 * Scripts: what a server sends, per connection. Plain, JSON-friendly data that
 * `scriptedFetch()`, the msw handlers and the reference server all play the same way.
 *
 * @module
 */
import { encodeFrame, type SSEFrame } from '../../core/encode.js';
import { cutOffset, formatOf, wireBytes } from './engine.js';

/**
 * Where a {@link ScriptCut} cuts the connection. Every kind but `'between-events'` first writes
 * part of the next event of the script, then drops:
 *
 * - `'between-events'`: after the events so far; nothing of the next one is written.
 * - `'mid-line'`: in the middle of the event's first line (never inside a character).
 * - `'mid-event'`: after every field line of the event, before the blank line that dispatches
 *   it: the client has read the whole event and must still discard it.
 * - `'inside-character'`: after the first byte of the multi-byte UTF-8 character nearest the
 *   event's middle (the event must have one).
 * - `'between-cr-lf'`: between the CR and the LF that end the event's last field line (the
 *   connection must use `eol: '\r\n'`).
 */
export type CutKind = 'between-events' | 'mid-line' | 'mid-event' | 'inside-character' | 'between-cr-lf';

/** A pause before the next step: `{ wait: 50 }`. */
export interface ScriptWait {
  /** Milliseconds to wait; `Infinity` holds the connection open until the client leaves. */
  wait: number;
}

/**
 * The connection drops here, as a network failure (the client sees the body end with an
 * error, a `ConnectionError` in runstream). Steps after the cut event are not allowed.
 */
export interface ScriptCut {
  /** Where it cuts; see {@link CutKind}. */
  cut: CutKind;
}

/** Bytes written as they are, in one write: a wire form no other step can express. */
export interface ScriptRaw {
  /** Text (sent as UTF-8) or bytes. */
  raw: string | Uint8Array;
}

/**
 * One step of a connection: an SSE block ({@link SSEFrame}: an event with `data`, a bare
 * `retry`, a comment), a wait, a cut or raw bytes. Each block is one write.
 *
 * - `{ event: 'run.started', id: 'evt_1', data: { run_id: 'run_1' } }`: data objects are sent
 *   as JSON, strings as they are (one `data:` line per line).
 * - `{ retry: 2000 }`, `{ comment: 'keepalive' }`, `{ wait: 100 }`, `{ cut: 'mid-event' }`,
 *   `{ raw: 'data: x\r\n\r\n' }`.
 */
export type ScriptStep = SSEFrame | ScriptWait | ScriptCut | ScriptRaw;

/**
 * One response of a script.
 *
 * With `steps` (or neither `steps` nor `body`), a `text/event-stream` response that writes the
 * steps one by one, then ends (or drops, at a {@link ScriptCut}). With `body`, a plain response:
 * a string as is (`text/plain` unless `headers` say otherwise), anything else as JSON
 * (`application/json`). A `204` has no body.
 */
export interface ScriptConnection {
  /** HTTP status. @defaultValue 200 */
  status?: number | undefined;
  /**
   * Response headers, added to the defaults (`content-type: text/event-stream` and
   * `cache-control: no-cache` for a stream), e.g. `{ 'retry-after': '2' }` with a 503.
   */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The stream's steps, in order. @defaultValue [] */
  steps?: readonly ScriptStep[] | undefined;
  /** A plain (non-SSE) body instead of steps: a string as is, anything else as JSON. */
  body?: unknown;
  /** Line ending of every block. @defaultValue `'\n'` */
  eol?: '\n' | '\r\n' | undefined;
  /** Write `id:` before `event:` and `data:` (sse-starlette's order). @defaultValue false */
  idFirst?: boolean | undefined;
  /**
   * The `Last-Event-ID` this request must carry: a string it must equal, `null` when it must
   * carry none. When it differs, the answer is a `418` whose JSON body says what was expected
   * and what came (`{"error": {"code": "unexpected_last_event_id", "message"}}`), and the
   * request is recorded with that message as its `problem`. @defaultValue not checked
   */
  expectLastEventId?: string | null | undefined;
  /**
   * Honour `Last-Event-ID` as a replaying server does: skip the steps up to and including the
   * event whose `id` it names (an unknown id skips nothing); when no event is left, answer
   * `204 No Content`. @defaultValue false
   */
  resume?: boolean | undefined;
  /**
   * Text for people reading the fixture; players ignore it. {@link recordStream} writes how the
   * connection ended there (`'dropped: ConnectionError: …'`, `'the server closed the stream'`).
   * @defaultValue none
   */
  note?: string | undefined;
}

/**
 * What happens to a request after the last connection of a script:
 *
 * - `'no-content'`: `204 No Content`, which tells an SSE client to stop reconnecting.
 * - `'repeat'`: the last connection is played again (a server that replays its run).
 * - `'reject'`: a `418` whose message says the request was not expected (recorded as a problem).
 */
export type AfterLast = 'no-content' | 'repeat' | 'reject';

/** The current {@link Script} fixture format, for JSON files. */
export const SCRIPT_FORMAT = 'runstream-script@1';

/**
 * A script: the responses of successive requests, in order (the first request gets
 * `connections[0]`, its reconnect `connections[1]`, …). JSON-serialisable when its raw steps are
 * strings, so it is also the fixture format ({@link recordScript} writes it).
 */
export interface Script {
  /** Marks a fixture file; {@link SCRIPT_FORMAT} when set. */
  format?: typeof SCRIPT_FORMAT | undefined;
  /** One entry per request, in order. */
  connections: readonly ScriptConnection[];
  /** Requests after the last connection; see {@link AfterLast}. @defaultValue `'no-content'` */
  afterLast?: AfterLast | undefined;
}

/**
 * Anything that describes a script: the steps of a single connection (an array), one
 * {@link ScriptConnection}, or a whole {@link Script}.
 */
export type ScriptInput = readonly ScriptStep[] | ScriptConnection | Script;

/**
 * Scripts by route: `'GET /v1/runs/:id/events'`, `'POST /v1/skills/my.skill/execute/stream'`, or
 * a path alone (`'/events'`, any method). A path matches the request's path (its query is
 * ignored unless the key has one); `:name` matches one segment; an absolute URL
 * (`'GET https://api.example.com/events'`) also matches the origin.
 */
export type ScriptRoutes = Readonly<Record<string, ScriptInput>>;

const CUT_KINDS: readonly string[] = ['between-events', 'mid-line', 'mid-event', 'inside-character', 'between-cr-lf'] satisfies CutKind[];

/** True for a {@link Script} (an object with `connections`). @internal */
function isScript(input: ScriptInput): input is Script {
  return !Array.isArray(input) && typeof input === 'object' && input !== null && 'connections' in input;
}

/** True when `value` is a step, not an SSE block. @internal */
export function isWait(step: ScriptStep): step is ScriptWait {
  return 'wait' in step;
}

/** @internal */
export function isCut(step: ScriptStep): step is ScriptCut {
  return 'cut' in step;
}

/** @internal */
export function isRaw(step: ScriptStep): step is ScriptRaw {
  return 'raw' in step;
}

/** True for an SSE block carrying data: an event a client dispatches. @internal */
export function isEventStep(step: ScriptStep): step is SSEFrame {
  return !isWait(step) && !isCut(step) && !isRaw(step) && (step as SSEFrame).data !== undefined;
}

/**
 * Turns any {@link ScriptInput} into a checked {@link Script}.
 *
 * @throws TypeError for an unknown cut kind, a cut with no event after it (or steps after the
 *   cut event), `'between-cr-lf'` without `eol: '\r\n'`, `'inside-character'` on an event with
 *   no multi-byte character, a negative or non-numeric wait, both `steps` and `body`, or a
 *   block {@link encodeFrame} rejects.
 * @internal
 */
export function toScript(input: ScriptInput): Script {
  const script: Script = isScript(input) ? input : { connections: [Array.isArray(input) ? { steps: input as readonly ScriptStep[] } : (input as ScriptConnection)] };
  if (!Array.isArray(script.connections)) throw new TypeError('runstream/testing: a script needs `connections`, an array');
  if (script.afterLast !== undefined && !['no-content', 'repeat', 'reject'].includes(script.afterLast)) {
    throw new TypeError(`runstream/testing: afterLast must be 'no-content', 'repeat' or 'reject', got ${JSON.stringify(script.afterLast)}`);
  }
  script.connections.forEach((connection, index) => checkConnection(connection, index));
  return script;
}

function checkConnection(connection: ScriptConnection, index: number): void {
  const where = `runstream/testing: connection ${index + 1}`;
  if (typeof connection !== 'object' || connection === null) throw new TypeError(`${where} must be an object`);
  if (connection.steps !== undefined && connection.body !== undefined) throw new TypeError(`${where} has both steps and body; a response is a stream or a plain body`);
  const steps = connection.steps ?? [];
  steps.forEach((step, at) => {
    if (typeof step !== 'object' || step === null) throw new TypeError(`${where}, step ${at + 1} must be an object`);
    if (isWait(step)) {
      if (typeof step.wait !== 'number' || Number.isNaN(step.wait) || step.wait < 0) throw new TypeError(`${where}, step ${at + 1}: wait must be a number ≥ 0 (ms)`);
      return;
    }
    if (isCut(step)) {
      if (!CUT_KINDS.includes(step.cut)) throw new TypeError(`${where}, step ${at + 1}: unknown cut ${JSON.stringify(step.cut)}; one of ${CUT_KINDS.join(', ')}`);
      const rest = steps.slice(at + 1).filter((next) => !isWait(next));
      if (step.cut === 'between-events') {
        if (rest.length) throw new TypeError(`${where}, step ${at + 1}: nothing can follow a cut`);
        return;
      }
      const next = rest[0];
      if (!next || isCut(next) || isRaw(next) || isWait(next)) throw new TypeError(`${where}, step ${at + 1}: cut '${step.cut}' needs an SSE block after it`);
      if (rest.length > 1) throw new TypeError(`${where}, step ${at + 1}: nothing can follow the event a cut splits`);
      if (step.cut === 'between-cr-lf' && connection.eol !== '\r\n') throw new TypeError(`${where}, step ${at + 1}: cut 'between-cr-lf' needs eol: '\\r\\n'`);
      cutOffset(new TextEncoder().encode(encodeFrame(next, formatOf(connection))), step.cut, connection.eol ?? '\n', `${where}, step ${at + 1}`);
      return;
    }
    if (isRaw(step)) {
      if (typeof step.raw !== 'string' && !(step.raw instanceof Uint8Array)) throw new TypeError(`${where}, step ${at + 1}: raw must be a string or a Uint8Array`);
      return;
    }
    encodeFrame(step, formatOf(connection));
  });
}

/**
 * The SSE bytes a connection's steps put on the wire, waits left out and a cut event cut where
 * it cuts: what a client would have received. Useful to feed a parser, or to split into chunks.
 *
 * @example
 * ```ts
 * const bytes = encodeScript([{ event: 'ready', data: 'ok' }]); // 'event: ready\ndata: ok\n\n' as UTF-8
 * ```
 *
 * @param input - a script; its first connection is encoded (see {@link ScriptInput}).
 * @returns the bytes, as UTF-8.
 * @throws TypeError as the script checks do (see {@link scriptedFetch}).
 */
export function encodeScript(input: ScriptInput): Uint8Array {
  const connection = toScript(input).connections[0] ?? {};
  return wireBytes(connection.steps ?? [], formatOf(connection));
}
