/**
 * The one redaction of secrets, used by every surface that shows a request: error messages and
 * their serialisations (`String`, `toJSON`, `util.inspect`, `stack`, and the `cause` chain), the
 * CLI's `--verbose` lines, reconnect lines and resume hint, the testing kit's request records,
 * the reference server's request log and the relay's error frame. Web APIs only.
 *
 * The rules:
 *
 * - **URL user info** (`https://user:password@host/`) is refused at every entry that takes a
 *   URL (`connect()`, a client's `baseUrl`, a `resume: { url }`, the CLI) with a `TypeError`:
 *   `fetch` refuses such URLs anyway, and a password in a URL ends up in logs. Where a URL is
 *   shown (a runtime's message may quote one), its user info is removed.
 * - **Query parameters**: the value of a parameter whose name contains (case-insensitive) `key`,
 *   `token`, `secret`, `pass`, `pwd`, `auth`, `cred`, `sig`, `session`, `jwt` or `code` is shown
 *   as `***`: `api_key`, `apikey`, `access_token`, `id_token`, `client_secret`, `password`,
 *   `passwd`, `pwd`, `authorization`, `credential`, `signature`, `sig`, `X-Amz-Signature`,
 *   `sessionid`, `jwt`, OAuth's `code`, and every `*_token` / `*_key`. The rule is broad on
 *   purpose: a masked harmless value costs less than a shown key. Fragments (`#access_token=…`)
 *   follow the same rule.
 * - **Headers**: `Authorization`, `Proxy-Authorization`, `X-API-Key`, `Api-Key`, `Cookie`,
 *   `Set-Cookie`, and every header whose name contains `key`, `token`, `secret`, `auth` (but
 *   not `authenticate`: `WWW-Authenticate` is a challenge, kept for diagnosis), `pass`, `pwd`,
 *   `cred`, `session`, `sig`, `jwt` or `cookie` are shown as `***`; `Idempotency-Key` (the
 *   identity of a request, not a credential) is not.
 * - **Free text** (a runtime's error message, an error body): every URL is redacted as above,
 *   as is every `name=value` pair whose name follows the query rule; `Bearer …` and `Basic …`
 *   credentials, `"name": "value"` fields and `Name: value` lines (a header dump) whose name
 *   follows the header rule become `***`.
 *
 * Text redaction recognises secrets by their names and by their place in a URL; a secret that a
 * server echoes back with no name next to it (an HTML table cell) cannot be recognised.
 *
 * @module
 */

/** Query (and `name=value`) names whose values are secrets. */
const SECRET_PARAM = /key|token|secret|pass|pwd|auth|cred|sig|session|jwt|code/i;
/** Header (and JSON field) names whose values are secrets. */
const SECRET_HEADER = /key|token|secret|auth(?!enticat)|pass|pwd|cred|session|sig|jwt|cookie/i;
/** Headers whose names match {@link SECRET_HEADER} but carry no credential. */
const PUBLIC_HEADER = /^idempotency[-_]key$/i;
/** What the redaction puts in place of a secret. */
const MASK = '***';

/**
 * True when a query parameter's value is a secret by its name (see the module notes): the name
 * contains `key`, `token`, `secret`, `pass`, `pwd`, `auth`, `cred`, `sig`, `session`, `jwt` or
 * `code`, in any case.
 */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/**
 * True when a header's value is a secret by the header's name: `Authorization`,
 * `Proxy-Authorization`, `X-API-Key`, `Api-Key`, `Cookie`, `Set-Cookie`, and any name that
 * contains `key`, `token`, `secret`, `auth` (not `authenticate`), `pass`, `pwd`, `cred`,
 * `session`, `sig`, `jwt` or `cookie`, in any case; except `Idempotency-Key` (the identity of a
 * request, not a credential).
 */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name) && !PUBLIC_HEADER.test(name);
}

/** A header value as shown anywhere: `***` for a secret header (see {@link isSecretHeader}). @internal */
export function redactHeader(name: string, value: string): string {
  return isSecretHeader(name) ? MASK : value;
}

/**
 * Headers as a plain record (lower-case names, as `Headers` gives them) with every secret value
 * replaced by `***`. Accepts a `Headers` or a record (repeated values joined with `', '`).
 */
export function redactHeaders(headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (value: string, name: string) => {
    out[name.toLowerCase()] = redactHeader(name, value);
  };
  if (typeof (headers as Headers).forEach === 'function' && typeof (headers as Headers).get === 'function') (headers as Headers).forEach(add);
  else {
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) add(typeof value === 'string' ? value : value.join(', '), name);
  }
  return out;
}

/** `scheme://` then the authority's user info, up to its last `@` (as the WHATWG URL parser reads it). */
const USERINFO = /^((?:[a-z][a-z\d+.-]*:)?\/\/)[^/?#\s]*@/i;

/** `name=value` in a query, a fragment or free text; the value ends at a separator. */
const PAIR = /(^|[?&#;,\s"'(<>[{])([^=&?#;,\s"'()<>[\]{}]+)=([^&#;,\s"'<>)\]}]*)/g;

/** Masks the value of every `name=value` whose name is a secret by the query rule. */
function redactPairs(text: string): string {
  return text.replace(PAIR, (whole, before: string, name: string, value: string) => {
    if (!value || value === MASK) return whole;
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: judge the name as written.
    }
    return isSecretParam(decoded) ? `${before}${name}=${MASK}` : whole;
  });
}

/**
 * A URL as it may be shown: user info removed, and the values of secret query (and fragment)
 * parameters replaced by `***` (see the module notes for the rule). Works on text that is not a
 * valid URL too (a relative URL, a path with a query), without normalising it.
 *
 * @example
 * ```ts
 * import { redactUrl } from 'runstream';
 *
 * console.log(redactUrl('https://user:pw@api.example.com/events?api_key=abc&run=1'));
 * // 'https://api.example.com/events?api_key=***&run=1'
 * ```
 */
export function redactUrl(url: string): string {
  return redactPairs(url.replace(USERINFO, '$1'));
}

/**
 * Refuses a URL that carries credentials (`https://user:password@host/`): `fetch` rejects such
 * URLs, and a password in a URL ends up in logs and error messages. Credentials belong in a
 * header. Never includes the credentials in the message.
 *
 * @param url - the URL as given.
 * @param what - what the URL is, for the message (e.g. `'the stream URL'`, `'baseUrl'`).
 * @throws TypeError when `url` has user info.
 * @internal
 */
export function refuseCredentials(url: string, what: string): void {
  // As the URL parser reads it: user info is what comes before the authority's last `@`.
  if (USERINFO.test(url.trim())) {
    throw new TypeError(
      `runstream: ${what} "${redactUrl(url.trim())}" had user info (user:password@, not shown): fetch refuses it and logs keep it; send credentials in a header: the client's apiKey and auth options, or headers (CLI: --api-key, -H)`,
    );
  }
}

/** An absolute URL in free text; punctuation that ends a sentence is not part of it. */
const URL_IN_TEXT = /\b[a-z][a-z\d+.-]*:\/\/[^\s"'<>`]*[^\s"'<>`.,;:!?)\]]/gi;
/** `Bearer <token>` / `Basic <credentials>` (RFC 9110 token68). */
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[\w\-.~+/]+=*/gi;
/** `"name": "value"` (JSON, a quoted log field): a quoted value ends at its quote. */
const QUOTED_FIELD = /(["'])([\w-]+)\1(\s*:\s*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s,}\]]+)/g;
/** `Name: value` at the start of a line (a header dump, after a tag in markup): the value runs to the line's end. */
const HEADER_LINE = /(^|[\r\n>])([ \t]*)([\w-]+)([ \t]*:[ \t]*)([^\r\n<]*)/g;

/**
 * Redacts secrets inside free text (a runtime's error message can quote the URL it was given,
 * credentials included; a server's error page can echo the request): every URL as
 * {@link redactUrl} does, every secret `name=value` pair, `Bearer`/`Basic` credentials, and
 * `Name: value` / `"name": "value"` pairs whose name is a secret header name.
 */
export function redactText(text: string): string {
  if (!text) return text;
  return redactPairs(
    text
      .replace(URL_IN_TEXT, (url) => url.replace(USERINFO, '$1'))
      .replace(AUTH_SCHEME, `$1$2${MASK}`)
      .replace(QUOTED_FIELD, (whole, quote: string, name: string, colon: string, value: string) => {
        if (!isSecretHeader(name) || value === MASK || value === `"${MASK}"` || value === `'${MASK}'`) return whole;
        const masked = value.startsWith('"') ? `"${MASK}"` : value.startsWith("'") ? `'${MASK}'` : MASK;
        return `${quote}${name}${quote}${colon}${masked}`;
      })
      .replace(HEADER_LINE, (whole, start: string, indent: string, name: string, colon: string, value: string) =>
        isSecretHeader(name) && value && value !== MASK ? `${start}${indent}${name}${colon}${MASK}` : whole,
      ),
  );
}

/**
 * A copy of a parsed body (JSON) with secrets masked: values under secret names (the header rule)
 * become `'***'`, strings are redacted as free text. Depth-bounded; cycles are cut.
 *
 * @internal
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 16 || seen.has(value)) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    out[key] = isSecretHeader(key) && (typeof field === 'string' || typeof field === 'number') ? MASK : redactValue(field, depth + 1, seen);
  }
  return out;
}

/**
 * A foreign error (a runtime's `TypeError: fetch failed`, undici's nested causes, a custom
 * fetch's error) made safe to keep as `cause`: returned as is when nothing in it needs
 * redaction, else a copy with the same prototype (so `instanceof TypeError` still holds), `name`
 * and `code`, whose `message`, `stack`, own string fields and causes (8 levels deep) are
 * redacted with {@link redactText}.
 *
 * @internal
 */
export function sanitizeError<T>(error: T, depth = 0): T | Error {
  if (typeof error === 'string') return redactText(error) as T;
  if (!(error instanceof Error) || depth > 8) return error;
  let dirty = false;
  const own = Object.keys(error);
  const fields: PropertyDescriptorMap = {};
  for (const key of new Set(['name', 'message', 'stack', 'cause', ...own])) {
    if (!(key in error)) continue;
    const value: unknown = (error as unknown as Record<string, unknown>)[key];
    const safe = typeof value === 'string' ? redactText(value) : value instanceof Error ? sanitizeError(value, depth + 1) : value;
    dirty ||= safe !== value;
    fields[key] = { value: safe, writable: true, configurable: true, enumerable: own.includes(key) };
  }
  // Own data properties shadow the prototype's accessors (a DOMException's `message`, too).
  return dirty ? (Object.create(Object.getPrototypeOf(error) as object, fields) as Error) : error;
}

/**
 * A foreign error (and its causes, up to 8 levels) as a plain object for JSON logs: `name`,
 * redacted `message`, `code` when it has one, and `cause`. `own` serialises the errors that
 * know how (runstream's, with their `toJSON`).
 *
 * @internal
 */
export function serializeCause(cause: unknown, own: (error: Error) => unknown, depth = 0): unknown {
  if (depth > 8) return undefined;
  if (typeof cause === 'string') return redactText(cause);
  if (!(cause instanceof Error)) return typeof cause === 'number' || typeof cause === 'boolean' ? cause : undefined;
  const known = own(cause);
  if (known !== undefined) return known;
  const out: Record<string, unknown> = { name: cause.name, message: redactText(cause.message) };
  const code = (cause as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (cause.cause !== undefined) out.cause = serializeCause(cause.cause, own, depth + 1);
  return out;
}
