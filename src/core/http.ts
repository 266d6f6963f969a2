/**
 * Response helpers shared by event streams and JSON calls: bounded error bodies, `HTTPError`
 * construction and `Retry-After`.
 *
 * @module
 */
import { cut } from './error-data.js';
import { HTTPError, MAX_ERROR_BODY } from './errors.js';

/**
 * Builds the `HTTPError` for a non-2xx response. At most {@link MAX_ERROR_BODY} characters of
 * the body are read (then the rest is cancelled, so a huge or endless error body cannot exhaust
 * memory); the body is parsed when the response says it is JSON and parses, else kept as text.
 *
 * @internal
 */
export async function httpErrorFrom(
  response: Response,
  method: string,
  url: string,
  lastEventId?: string,
  signal?: AbortSignal,
): Promise<HTTPError> {
  let text = '';
  let body: unknown;
  const reader = response.body?.getReader();
  if (reader) {
    // A fetch that ignores its signal (a custom or mocked one) would keep this read, and the
    // connection, open after the stream closed: cancel the body when the request is aborted.
    const stop = () => reader.cancel().catch(() => {});
    signal?.addEventListener('abort', stop);
    const decoder = new TextDecoder();
    try {
      // One read past the bound tells a body that is longer from one that is not.
      for (let chunk; !signal?.aborted && text.length <= MAX_ERROR_BODY && !(chunk = await reader.read()).done; ) text += decoder.decode(chunk.value, { stream: true });
    } catch {
      // A body that fails half-way keeps what arrived.
    }
    signal?.removeEventListener('abort', stop);
    void stop();
  }
  text = cut(text, MAX_ERROR_BODY);
  try {
    body = text || undefined;
    if (/\bjson\b/i.test(String(response.headers.get('content-type')))) body = JSON.parse(text);
  } catch {
    // Not JSON after all (or cut): keep the text.
  }
  return new HTTPError({ status: response.status, statusText: response.statusText, headers: response.headers, body, method, url, lastEventId });
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP date (a
 * date past is `0`); `undefined` when absent or unreadable.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @internal
 */
export function retryAfterDelay(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim() ?? '';
  const delay = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isNaN(delay) ? undefined : Math.max(0, delay);
}
