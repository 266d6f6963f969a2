/**
 * Reading a failure out of what a server sent: an error body, or an error event's data. Used for
 * the summary in an `HTTPError`'s message and by the platforms' error events.
 *
 * @module
 */

/** A plain object (not an array). @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The fields of `value` (`Object(null)` and `Object(undefined)` are `{}`; a string's or an array's are none of these). */
const fieldsOf = (value: unknown): Record<string, unknown> => Object(value) as Record<string, unknown>;

/**
 * Reads a failure message out of an error body or error event's data: the text itself, or
 * `error` (a string, or its `message`/`detail`/`code`), or `message`/`detail`; else `fallback`.
 * Only a non-empty string counts.
 *
 * @internal
 */
export function errorMessage(data: unknown, fallback: string): string {
  const outer = fieldsOf(data);
  const inner = fieldsOf(outer.error);
  for (const message of [data, outer.error, inner.message ?? inner.detail ?? inner.code, outer.message ?? outer.detail]) {
    if (typeof message === 'string' && message) return message;
  }
  return fallback;
}

/**
 * The `status` and `code` an error event's data carries, when it does: top-level `status` (a
 * number, or a word) and `code` (a string), or the same fields of its `error` object. A relay's
 * error frame (see `RelayErrorData`) carries both. Given to `StreamError`, a numeric `status`
 * becomes its `status` (an HTTP status), a word its `serverStatus`; `code` is its `serverCode`.
 *
 * @internal
 */
export function errorFields(data: unknown): { status?: string | number; serverCode?: string } {
  const outer = fieldsOf(data);
  const inner = fieldsOf(outer.error);
  const status = outer.status ?? inner.status;
  const code = outer.code ?? inner.code;
  return {
    ...(typeof status === 'number' || typeof status === 'string' ? { status } : {}),
    ...(typeof code === 'string' ? { serverCode: code } : {}),
  };
}

/**
 * `text` cut to `max` characters; a cut text ends with `…` (one more character).
 *
 * @internal
 */
export const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

/**
 * A short plain summary of an error body for a message: the first line of its
 * {@link errorMessage} (a JSON body's `error.message`, `error`, `message`, `detail`, or a
 * plain-text body), whitespace collapsed, at most 160 characters; `''` for markup (an HTML error
 * page belongs in `body`, not in a message) and for a body with no message.
 *
 * @internal
 */
export function bodySummary(body: unknown): string {
  const text = errorMessage(body, '').trim();
  // Markup is a document or an element (`<!doctype`, `<?xml`, a closing tag, `<br>`), not a
  // placeholder in a sentence: Crewship's 401 says "send Authorization: Bearer <key>".
  return /<[!?/]|<(?:html|head|body|br|p|div|pre|h\d)\b/i.test(text) ? '' : cut(text.replace(/[\r\n][^]*/, '').replace(/\s+/g, ' '), 160);
}
