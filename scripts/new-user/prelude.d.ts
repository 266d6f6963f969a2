// The free names of the docs' TypeScript snippets: things a reader already has (a key, a client,
// a run id, a logger). scripts/check-new-user.mjs compiles every ```ts block of README.md and
// docs/*.md with this file beside it. Keep it short: add a name only when a snippet uses it as
// "yours", never to paper over a type error. Runtime exports (Runstream, connect, …) are not here:
// a block that does not import them gets an `import … from 'runstream'` line instead.
import type { Runstream } from 'runstream';

declare global {
  /** Your platform API key. */
  const apiKey: string;
  /** A platform's base URL. */
  const baseUrl: string;
  /** A client made as in the README's first block. */
  const client: Runstream;
  /** A run (or execution) id. */
  const runId: string;
  const id: string;
  /** An event id you stored earlier. */
  const saved: string;
  /** Whatever you do with a payload. */
  function save(value: unknown): void;
  /** A structured logger (pino-style). */
  const log: { warn(fields: object, message?: string): void };
  /**
   * The browser's Web Storage, for the Node profile (no DOM lib). A `var` of the same type as
   * lib.dom's, so the two declarations merge under the bundler profile.
   */
  interface Storage {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
    clear(): void;
  }
  var localStorage: Storage;
}

export {};
