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

/** True when `url` (absolute) carries user info: `scheme://user[:password]@host`. */
function hasUserinfo(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return USERINFO.test(url.trim());
  }
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
  if (!hasUserinfo(url)) return;
  throw new TypeError(
    `runstream: ${what} "${redactUrl(url)}" had user info (user:password@) in it, which was left out of this message: fetch refuses such URLs, and a password in a URL ends up in logs. ` +
      'Send credentials in a header instead: the client\'s `apiKey` (and `auth`) options, or `headers: { authorization: … }` (in the CLI: --api-key, or -H).',
  );
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

/** Error classes a sanitised copy keeps, by name, so that `instanceof TypeError` still holds. */
const BUILTIN_ERRORS: Record<string, ErrorConstructor | undefined> = {
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** True when `error`'s text, own string fields and causes (to `depth`) hold nothing to redact. */
function isClean(error: unknown, depth: number): boolean {
  if (typeof error === 'string') return redactText(error) === error;
  if (!(error instanceof Error) || depth > 8) return true;
  for (const text of [error.message, error.stack]) if (typeof text === 'string' && redactText(text) !== text) return false;
  for (const key of Object.keys(error)) {
    const field = (error as unknown as Record<string, unknown>)[key];
    if (typeof field === 'string' && redactText(field) !== field) return false;
  }
  if (error instanceof AggregateError && !error.errors.every((inner) => isClean(inner, depth + 1))) return false;
  return isClean(error.cause, depth + 1);
}

/**
 * A foreign error (a runtime's `TypeError: fetch failed`, undici's nested causes, a custom
 * fetch's error) made safe to keep as `cause`: returned as is when nothing in it needs
 * redaction, else a copy of the same built-in class and `name` whose `message`, `stack`, own
 * string fields and causes (8 levels deep) are redacted with {@link redactText}.
 *
 * @internal
 */
export function sanitizeError<T>(error: T, depth = 0): T | Error {
  if (typeof error === 'string') return redactText(error) as T;
  if (!(error instanceof Error) || isClean(error, depth)) return error;
  const Builtin = BUILTIN_ERRORS[error.name] ?? Error;
  const copy = new Builtin(redactText(error.message));
  Object.defineProperty(copy, 'name', { value: error.name, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(copy, 'stack', {
    value: redactText(error.stack ?? `${error.name}: ${error.message}`),
    writable: true,
    configurable: true,
    enumerable: false,
  });
  for (const key of Object.keys(error)) {
    const field = (error as unknown as Record<string, unknown>)[key];
    (copy as unknown as Record<string, unknown>)[key] = typeof field === 'string' ? redactText(field) : field instanceof Error ? sanitizeError(field, depth + 1) : field;
  }
  if (error.cause !== undefined) {
    Object.defineProperty(copy, 'cause', { value: depth >= 8 ? undefined : sanitizeError(error.cause, depth + 1), writable: true, configurable: true, enumerable: false });
  }
  if (error instanceof AggregateError) {
    Object.defineProperty(copy, 'errors', { value: error.errors.map((inner) => sanitizeError(inner, depth + 1)), writable: true, configurable: true, enumerable: false });
  }
  return copy;
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
