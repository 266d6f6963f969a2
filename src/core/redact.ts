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

/**
 * Names whose values are secrets. A query parameter's or a `name=value` pair's name is judged as
 * it is; a header's or a JSON field's once `code`, `authenticat…` and a whole `Idempotency-Key`
 * are taken out of it (see {@link isSecretHeader}).
 */
const SECRET = /key|token|secret|pass|pwd|auth|cred|sig|session|jwt|code|cookie/i;
/** What the redaction puts in place of a secret. */
const MASK = '***';

/**
 * True when a query parameter's value is a secret by its name (see the module notes): the name
 * contains `key`, `token`, `secret`, `pass`, `pwd`, `auth`, `cred`, `sig`, `session`, `jwt`,
 * `code` or `cookie`, in any case.
 */
export function isSecretParam(name: string): boolean {
  return SECRET.test(name);
}

/**
 * True when a header's value is a secret by the header's name: `Authorization`,
 * `Proxy-Authorization`, `X-API-Key`, `Api-Key`, `Cookie`, `Set-Cookie`, and any name that
 * contains `key`, `token`, `secret`, `auth` (not `authenticate`), `pass`, `pwd`, `cred`,
 * `session`, `sig`, `jwt` or `cookie`, in any case; except `Idempotency-Key` (the identity of a
 * request, not a credential). Unlike a query parameter's, a name is not secret for `code`
 * alone (`X-Error-Code`, a JSON error body's `code`).
 */
export function isSecretHeader(name: string): boolean {
  // What is no secret becomes a space, so that the parts around it never join into a word.
  return SECRET.test(name.replace(/authenticat|code|^idempotency[-_]key$/gi, ' '));
}

/**
 * Headers as a plain record (lower-case names, as `Headers` gives them) with every secret value
 * replaced by `***`. Accepts a `Headers` or a record (repeated values joined with `', '`).
 */
export function redactHeaders(headers: Headers | Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = typeof (headers as Headers).get === 'function' ? [...(headers as Headers)] : Object.entries(headers);
  for (const [name, value] of entries) {
    if (value !== undefined) out[name.toLowerCase()] = isSecretHeader(name) ? MASK : typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

/** `scheme://` then the authority's user info, up to its last `@` (as the WHATWG URL parser reads it). */
const USERINFO = /^((?:[a-z][a-z\d+.-]*:)?\/\/)[^/?#\s]*@/i;

/**
 * `name=value` in a query, a fragment or free text: the name is a whole run of name characters
 * (letters, digits, `_ % . ~ + - [ ]`; matched from its start only, so that a long run is read
 * once), the value ends at a separator.
 */
const PAIR = /(^|[^\w%.~+[\]-])([\w%.~+[\]-]+)=([^&#;,\s"'<>)\]}]*)/g;

/** Masks the value of every `name=value` whose name, percent-decoded, is a secret by the query rule. */
const redactPairs = (text: string): string =>
  // `unescape` never throws on a malformed escape, and the names it judges are ASCII.
  text.replace(PAIR, (whole, before: string, name: string, value: string) => (value && SECRET.test(unescape(name)) ? `${before}${name}=${MASK}` : whole));

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
  url = url.trim();
  if (USERINFO.test(url)) {
    throw new TypeError(`runstream: ${what} "${redactUrl(url)}" had user info (not shown); send credentials in a header (apiKey, auth, headers; CLI: --api-key, -H)`);
  }
}

/** `scheme://` then user info, up to the authority's last `@`, in free text (where a quote ends a URL). */
const USERINFO_IN_TEXT = /\b([a-z][a-z\d+.-]*:\/\/)[^/?#\s"'<>`]*@/gi;
/** `Bearer <token>` / `Basic <credentials>` (RFC 9110 token68). */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[\w\-.~+/]+=*/gi;
/** `"name": value` (JSON, a quoted log field): the head, the name, the value (a quoted one ends at its quote). */
const QUOTED_FIELD = /(["']([\w-]+)["']\s*:\s*)("(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|[^\s,}\]]+)/g;
/** `Name: value` at the start of a line (a header dump, after a tag in markup): the head, the name, the value (to the line's end). */
const HEADER_LINE = /((?:^|[\r\n>])[ \t]*([\w-]+)[ \t]*:[ \t]*)([^\r\n<]*)/g;

/** Masks the value of a {@link QUOTED_FIELD} or {@link HEADER_LINE} whose name is a secret by the header rule; a quoted value keeps its quotes. */
const maskField = (whole: string, head: string, name: string, value: string): string =>
  value && isSecretHeader(name) ? head + value.replace(/^(["']?).*/, `$1${MASK}$1`) : whole;

/**
 * Redacts secrets inside free text (a runtime's error message can quote the URL it was given,
 * credentials included; a server's error page can echo the request): every URL as
 * {@link redactUrl} does, every secret `name=value` pair, `Bearer`/`Basic` credentials, and
 * `Name: value` / `"name": "value"` pairs whose name is a secret header name.
 */
export function redactText(text: string): string {
  return redactPairs(
    text
      .replace(USERINFO_IN_TEXT, '$1')
      .replace(AUTH_SCHEME, `$1 ${MASK}`)
      .replace(QUOTED_FIELD, maskField)
      .replace(HEADER_LINE, maskField),
  );
}

/**
 * A copy of a parsed body (a JSON value) with secrets masked: string and number values under
 * secret names (the header rule) become `'***'`, other strings are redacted as free text.
 * `undefined` stays `undefined`; a value JSON cannot hold (a cycle, a `BigInt`) becomes `'[…]'`.
 *
 * @internal
 */
export function redactValue(value: unknown): unknown {
  try {
    return value === undefined
      ? value
      : JSON.parse(
          JSON.stringify(value, (key, field: unknown) =>
            isSecretHeader(key) && (typeof field === 'string' || typeof field === 'number') ? MASK : typeof field === 'string' ? redactText(field) : field,
          ),
        );
  } catch {
    return '[…]';
  }
}

/**
 * A foreign error (a runtime's `TypeError: fetch failed`, undici's nested causes, a custom
 * fetch's error) made safe to keep as `cause`: returned as is when nothing in it needs
 * redaction, else a copy with the same prototype (so `instanceof TypeError` still holds), `name`
 * and `code`, whose `message`, `stack`, own string fields and causes (8 levels deep) are
 * redacted with {@link redactText}. A string is redacted; any other value is returned as is.
 *
 * @internal
 */
export function sanitizeError<T>(error: T, depth = 0): T | string | Error {
  if (typeof error === 'string') return redactText(error);
  if (!(error instanceof Error) || depth > 8) return error;
  let dirty = false;
  const own = Object.keys(error);
  const fields: PropertyDescriptorMap = {};
  for (const key of ['name', 'message', 'stack', 'cause', ...own]) {
    if (!(key in error)) continue;
    const value: unknown = (error as unknown as Record<string, unknown>)[key];
    const safe = sanitizeError(value, depth + 1);
    dirty ||= safe !== value;
    fields[key] = { value: safe, writable: true, configurable: true, enumerable: own.includes(key) };
  }
  // Own data properties shadow the prototype's accessors (a DOMException's `message`, too).
  return dirty ? (Object.create(Object.getPrototypeOf(error) as object, fields) as Error) : error;
}
