/**
 * The one way tests build SSE wire text. `frame()` rejects CR or LF in `event` and `id`
 * (a field value cannot contain a line break), as Hono's `writeSSE` does.
 */
export interface Frame {
  event?: string | undefined;
  id?: string | undefined;
  /** Text, or any value to JSON-encode. Multi-line text becomes several `data:` lines. */
  data?: unknown;
  retry?: number | undefined;
  comment?: string | undefined;
}

export type LineEnding = '\n' | '\r\n' | '\r';

export function frame(input: Frame, eol: LineEnding = '\n'): string {
  for (const key of ['event', 'id'] as const) {
    const value = input[key];
    if (value !== undefined && /[\r\n]/.test(value)) throw new Error(`frame(): ${key} must not contain CR or LF`);
  }
  let out = '';
  if (input.comment !== undefined) out += `:${input.comment}${eol}`;
  if (input.retry !== undefined) out += `retry: ${input.retry}${eol}`;
  if (input.event !== undefined) out += `event: ${input.event}${eol}`;
  if (input.id !== undefined) out += `id: ${input.id}${eol}`;
  if (input.data !== undefined) {
    const text = typeof input.data === 'string' ? input.data : JSON.stringify(input.data);
    for (const line of text.split(/\r\n|\r|\n/)) out += `data: ${line}${eol}`;
  }
  return out + eol;
}

/** Several frames, concatenated. */
export function frames(list: readonly Frame[], eol: LineEnding = '\n'): string {
  return list.map((item) => frame(item, eol)).join('');
}

const encoder = new TextEncoder();

/**
 * A `ReadableStream` body that sends `chunks` (text or bytes) one per pull, then closes. (To
 * drop a connection after some events, see `droppable()` in test/core/support.ts: msw reads a
 * body ahead of the client, so an error queued behind chunks would overtake them.)
 */
export function bodyOf(chunks: readonly (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) {
        const chunk = chunks[index++]!;
        controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      } else {
        controller.close();
      }
    },
  });
}

/** An SSE `Response` for msw handlers. */
export function sseResponse(
  chunks: readonly (string | Uint8Array)[],
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(bodyOf(chunks), {
    status: init.status ?? 200,
    headers: { 'content-type': 'text/event-stream', ...init.headers },
  });
}

/** Collects every event of an async iterable into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
