/// <reference types="node" />
/**
 * `runstream/testing`: the reference server, a local HTTP server that plays scripted runs of
 * every platform runstream supports (Crewship, FlowMaestro, PraisonAI async jobs, the skills
 * engine, the stax runner) in their documented wire formats and the variants their servers
 * send, with a request log and fault injection. Node only (it uses `node:http`); the root entry
 * `runstream` never imports it.
 *
 * Every scripted id and prompt, what each plays, and the fault hooks:
 * [docs/reference-server.md](../../docs/reference-server.md).
 *
 * @packageDocumentation
 * @module runstream/testing
 */

export { startReferenceServer } from './server.js';
export type {
  DropOptions,
  RecordedRequest,
  ReferenceServer,
  ReferenceServerOptions,
  StaxRunOptions,
  StaxSandboxStrategy,
  StaxWorkflow,
  StreamRecord,
  StreamState,
} from './server.js';
