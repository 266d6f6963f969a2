/**
 * Response helpers shared by event streams and JSON calls: bounded error bodies, `HTTPError`
 * construction and `Retry-After`.
 *
 * @module
 */
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
  const reader = response.body?.getReader();
  if (reader) {
    // A fetch that ignores its signal (a custom or mocked one) would keep this read, and the
    // connection, open after the stream closed: cancel the body when the request is aborted.
    const stop = () => void reader.cancel().catch(() => {});
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        if (text.length > MAX_ERROR_BODY) {
          text = `${text.slice(0, MAX_ERROR_BODY)}…`;
          break;
        }
      }
    } catch {
      // A body that fails half-way keeps what arrived.
    }
    signal?.removeEventListener('abort', stop);
    reader.cancel().catch(() => {});
  }
  let body: unknown = text || undefined;
  if (text && /\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  return new HTTPError({ status: response.status, statusText: response.statusText, headers: response.headers, body, method, url, lastEventId });
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP date;
 * `undefined` when absent or unreadable.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 * @internal
 */
export function retryAfterDelay(headers: Headers, now: number = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
