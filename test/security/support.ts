/**
 * Secrecy helpers: generated secrets, the request that carries them, a server that echoes the
 * request back in its error bodies, and every surface an error is shown on.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { expect } from 'vitest';

/** Run count of each property: small, so the folder stays fast; the secrets differ each run. */
export const RUNS = 6;

const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];

/** A distinctive secret: a fixed prefix and 12 to 24 random letters and digits. */
export const secret = (prefix: string): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 12, maxLength: 24 }).map((random) => `${prefix}${random}`);

/** Every query parameter name the redaction rule documents (docs/reconnection.md, redact.ts). */
export const SECRET_PARAMS = [
  'api_key', 'apikey', 'key', 'token', 'access_token', 'refresh_token', 'id_token', 'auth', 'authorization',
  'secret', 'client_secret', 'password', 'passwd', 'pwd', 'pass', 'credential', 'credentials', 'sig',
  'signature', 'X-Amz-Signature', 'X-Amz-Credential', 'session', 'sessionid', 'session_token', 'jwt', 'code',
  'private_key', 'auth_token',
] as const;

/** The secrets of one request, one per place. */
export interface Secrets {
  /** Name of the secret query parameter. */
  param: string;
  query: string;
  authorization: string;
  apiKey: string;
  cookie: string;
}

export const secrets: fc.Arbitrary<Secrets> = fc.record({
  param: fc.constantFrom(...SECRET_PARAMS),
  query: secret('qSECRETq'),
  authorization: secret('aSECRETa'),
  apiKey: secret('kSECRETk'),
  cookie: secret('cSECRETc'),
});

/** The secret values of `s` (what must never be shown). */
export const valuesOf = (s: Secrets): string[] => [s.query, s.authorization, s.apiKey, s.cookie];

/** `base + path` with the secret query parameter (and a harmless one, which must stay visible). */
export const urlWith = (base: string, path: string, s: Secrets): string => `${base}${path}?run=run_1&${encodeURIComponent(s.param)}=${s.query}`;

/** Request headers carrying the header secrets. */
export const headersWith = (s: Secrets): Record<string, string> => ({
  authorization: `Bearer ${s.authorization}`,
  'x-api-key': s.apiKey,
  cookie: `sid=${s.cookie}; theme=dark`,
});

/** How an echoing server writes its error body. */
export type EchoFormat = 'json' | 'html' | 'text';
export const formats: fc.Arbitrary<EchoFormat> = fc.constantFrom('json', 'html', 'text');

/** A response that repeats the request (URL and headers), as some error pages and proxies do. */
export function echo(request: Request, status: number, format: EchoFormat): Response {
  const headers = Object.fromEntries(request.headers);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n');
  if (format === 'json') {
    return Response.json({ error: { message: `refused ${request.method} ${request.url}` }, request: { url: request.url, headers } }, { status });
  }
  if (format === 'html') {
    return new Response(`<html><body><h1>Error ${status}</h1><p>${request.method} ${request.url}</p><pre>${lines}</pre></body></html>`, {
      status,
      headers: { 'content-type': 'text/html' },
    });
  }
  return new Response(`refused ${request.method} ${request.url}\n${lines}\n`, { status, headers: { 'content-type': 'text/plain' } });
}

/** Every way an error reaches a log: its text, `String`, JSON, `util.inspect` (causes included), `stack`; and each cause's own. */
export function surfaces(error: unknown): string[] {
  const out = [String(error), JSON.stringify(error) ?? '', inspect(error, { depth: 10 })];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    out.push(current.message, current.stack ?? '', String(current), inspect(current, { depth: 10 }), JSON.stringify(current) ?? '');
    current = current.cause;
  }
  return out;
}

/** Asserts that no secret appears in any of `texts`. */
export function expectNoSecret(texts: readonly string[], values: readonly string[]): void {
  const all = texts.join('\n-----\n');
  for (const value of values) expect(all, `secret ${value} leaked`).not.toContain(value);
}

export { rejection } from '../helpers/async.js';

/** Reconnection that never waits (no real sleeps) and gives up after one retry. */
export const quickRetries = { initialDelay: 0, maxAttempts: 1, maxConnectAttempts: 2, jitter: 0, sleep: async () => {} };
