/**
 * Stories: a platform's scripted runs, as data. Each platform's `src/platforms/<name>/stories.ts`
 * holds its own; the reference server plays them on its live routes and `platformScripts()`
 * builds the kit's scripts from them, so the two deliver the same events (a test holds them to
 * it). Web APIs only.
 *
 * @module
 */
import type { ScriptConnection } from './script.js';

/**
 * One scripted run of a platform: the request that plays it and the one connection a server
 * answers it with.
 *
 * @internal
 */
export interface Story {
  /** The id it plays under, as the docs name it: `'run_abc123'`, `'exec_failed'`, `'my.skill'`, `'build'`. */
  readonly name: string;
  /**
   * The request that plays it, as a route key of `platformScripts()`:
   * `'GET /v1/runs/run_abc123/events'`, `'POST /v1/skills/my.skill/execute/stream'`.
   */
  readonly route: string;
  /** The JSON body of that request; `undefined` for none. */
  readonly body?: unknown;
  /**
   * How the run ends, as the platform's resource settles it (`stream.outcome.type`): `'error'`
   * when the stream fails without a terminal event (a cut the protocol cannot resume).
   */
  readonly outcome: 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'error';
  /** What the server writes: the steps (SSE blocks, waits) and the wire form (`eol`, `idFirst`, headers). */
  readonly connection: ScriptConnection;
}
