/// <reference types="node" />
/**
 * `runstream/testing`: test your own streaming code. Two parts:
 *
 * - The kit (Web APIs only, also in browsers and jsdom/happy-dom through the `browser`
 *   condition): scripts of what a server sends, `scriptedFetch()` to play them without a server,
 *   `platformScripts()` with realistic runs of every platform, `instantReconnect()` and
 *   `testClock()` for fast reconnects, `recordScript()` / `scriptFromRaw()` to turn real
 *   traffic into fixtures, `collectEvents()`, and the one SSE frame encoder `encodeFrame()`.
 *   msw handlers playing the same scripts live at `runstream/testing/msw`.
 * - The reference server (Node only: it uses `node:http`): a local HTTP server that plays
 *   scripted runs of every platform runstream supports (Crewship, FlowMaestro, PraisonAI async
 *   jobs, the skills engine, the stax runner) in their documented wire formats and the variants
 *   their servers send, with a request log, fault injection and `play()` for your own scripts.
 *   The root entry `runstream` never imports it.
 *
 * Writing tests with the kit: [docs/testing.md](../../docs/testing.md). Every scripted id and
 * prompt of the reference server, what each plays, and the fault hooks:
 * [docs/reference-server.md](../../docs/reference-server.md).
 *
 * @packageDocumentation
 * @module runstream/testing
 */

export * from './web.js';
export { startReferenceServer } from './server.js';
export type {
  DropOptions,
  PlayedScript,
  RecordedRequest,
  ReferenceServer,
  ReferenceServerOptions,
  StaxRunOptions,
  StaxSandboxStrategy,
  StaxWorkflow,
  StreamRecord,
  StreamState,
} from './server.js';
