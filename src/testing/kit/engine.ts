/**
 * The one playback engine of `runstream/testing`: a connection's steps → the bytes a server
 * writes, and where a cut splits an event. `scriptedFetch()` and the msw handlers enqueue its
 * chunks into a `ReadableStream`; the reference server writes the same chunks to its socket,
 * both for played scripts and for the blocks of its live platform streams (and their
 * `dropNext()` cuts). Web APIs only.
 *
 * @module
 */
import { encodeFrame, type SSEFrame } from '../../core/encode.js';
import type { CutKind, ScriptConnection, ScriptRaw, ScriptStep } from './script.js';

/** How a connection writes its blocks. @internal */
export interface WireFormat {
  /** Line ending of every line. */
  readonly eol: '\n' | '\r\n';
  /** `id:` before `event:` and `data:` (sse-starlette's order). */
  readonly idFirst: boolean;
}

/** The wire format of a connection. @internal */
export function formatOf(connection: Pick<ScriptConnection, 'eol' | 'idFirst'>): WireFormat {
  return { eol: connection.eol ?? '\n', idFirst: connection.idFirst === true };
}

const ENCODER = new TextEncoder();

/** The bytes of one SSE block or raw step. @internal */
export function stepBytes(step: SSEFrame | ScriptRaw, format: WireFormat): Uint8Array {
  if ('raw' in step) return typeof step.raw === 'string' ? ENCODER.encode(step.raw) : step.raw;
  return ENCODER.encode(encodeFrame(step, format));
}

const isContinuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/** True when `bytes` hold a multi-byte UTF-8 character. */
function hasMultiByte(bytes: Uint8Array): boolean {
  return bytes.some((byte) => byte >= 0xc0);
}

/**
 * Where a cut of `kind` splits one encoded event, as a byte offset in (0, length).
 *
 * @throws TypeError when the event has no place for that cut.
 * @internal
 */
export function cutOffset(bytes: Uint8Array, kind: Exclude<CutKind, 'between-events'>, eol: '\n' | '\r\n', where = 'runstream/testing'): number {
  switch (kind) {
    case 'mid-event':
      return bytes.length - eol.length;
    case 'between-cr-lf':
      // The block ends "…<last field>\r\n\r\n": the CR of the last field line is 4 bytes from the end.
      return bytes.length - 3;
    case 'mid-line': {
      let lineEnd = bytes.indexOf(eol === '\n' ? 0x0a : 0x0d);
      if (lineEnd < 0) lineEnd = bytes.length;
      let cut = Math.max(1, Math.floor(lineEnd / 2));
      while (cut > 1 && isContinuation(bytes[cut])) cut--;
      return cut;
    }
    case 'inside-character': {
      const middle = Math.floor(bytes.length / 2);
      let best = -1;
      for (let index = 0; index < bytes.length; index++) {
        if (bytes[index]! >= 0xc0 && (best === -1 || Math.abs(index - middle) < Math.abs(best - middle))) best = index;
      }
      if (best === -1) throw new TypeError(`${where}: cut 'inside-character' needs an event with a multi-byte character`);
      return best + 1;
    }
  }
}

/**
 * The cut of the reference server's `dropNext(…, { midEvent: true })`, the hardest one the
 * event allows: between CR and LF on a CRLF stream, else inside the multi-byte character
 * nearest its middle, else in the middle of its first line.
 *
 * @internal
 */
export function hardestCut(bytes: Uint8Array, eol: '\n' | '\r\n'): Exclude<CutKind, 'between-events'> {
  if (eol === '\r\n') return 'between-cr-lf';
  return hasMultiByte(bytes) ? 'inside-character' : 'mid-line';
}

/** The first part of `step`'s bytes, up to where a cut of `kind` splits it. @internal */
export function cutBytes(step: SSEFrame, kind: Exclude<CutKind, 'between-events'>, format: WireFormat): Uint8Array {
  const bytes = stepBytes(step, format);
  return bytes.subarray(0, cutOffset(bytes, kind, format.eol));
}

/**
 * How a script waits: resolves after `delay` milliseconds, or as soon as `signal` aborts (then
 * without error). Pass a test clock's `sleep` to drive script waits by hand.
 */
export type Sleep = (delay: number, signal: AbortSignal) => Promise<void>;

/** One thing a connection does next: write bytes, or write the bytes before a cut, then drop. @internal */
export type Chunk = { readonly bytes: Uint8Array; readonly cut?: undefined } | { readonly bytes: Uint8Array; readonly cut: CutKind };

/**
 * Plays a connection's steps: yields each block's bytes (one chunk per block, in order), waits
 * where the steps say, and at a cut yields the bytes before it with the cut's kind, then
 * stops. Stops early, quietly, once `signal` aborts.
 *
 * @internal
 */
export async function* playSteps(steps: readonly ScriptStep[], format: WireFormat, sleep: Sleep, signal: AbortSignal): AsyncGenerator<Chunk, void, undefined> {
  for (let index = 0; index < steps.length; index++) {
    if (signal.aborted) return;
    const step = steps[index]!;
    if ('wait' in step) {
      await sleep(step.wait, signal);
      continue;
    }
    if ('cut' in step) {
      if (step.cut === 'between-events') {
        yield { bytes: new Uint8Array(0), cut: step.cut };
        return;
      }
      let next = steps[++index];
      while (next && 'wait' in next) {
        await sleep(next.wait, signal);
        if (signal.aborted) return;
        next = steps[++index];
      }
      yield { bytes: next ? cutBytes(next as SSEFrame, step.cut, format) : new Uint8Array(0), cut: step.cut };
      return;
    }
    yield { bytes: stepBytes(step, format) };
  }
}

/** The bytes a connection's steps put on the wire, without waiting: what a client receives. @internal */
export function wireBytes(steps: readonly ScriptStep[], format: WireFormat): Uint8Array {
  const parts: Uint8Array[] = [];
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index]!;
    if ('wait' in step) continue;
    if ('cut' in step) {
      if (step.cut !== 'between-events') {
        const next = steps.slice(index + 1).find((item) => !('wait' in item));
        if (next) parts.push(cutBytes(next as SSEFrame, step.cut, format));
      }
      break;
    }
    parts.push(stepBytes(step, format));
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
