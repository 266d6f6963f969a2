/**
 * runstream: a typed Server-Sent Events client for agent and workflow platforms.
 *
 * The Node-only reference server is not exported here; it lives at `runstream/testing`, so
 * that nothing in this entry imports a `node:` module.
 *
 * @packageDocumentation
 * @module runstream
 */

export { Crewship, FlowMaestro, PraisonAI, Runstream, SkillsEngine, Stax } from './client.js';
export type { PlatformClientOptions } from './client.js';
export { connect } from './core/sse.js';
export type { ConnectOptions, StreamOptions } from './core/sse.js';
export { EventStream } from './core/stream.js';
export type {
  DefaultEvents,
  GapMarker,
  JsonEvents,
  EventMap,
  EventOf,
  ListenerOptions,
  ReadyState,
  StreamControl,
  StreamEvent,
  StreamFeature,
  StreamHooks,
  StreamOutcome,
} from './core/types.js';
export { pageLifecycle } from './features/page.js';
export type { PageLifecycleOptions } from './features/page.js';
export { dedupe } from './features/dedupe.js';
export type {
  BytesLifecycleEvent,
  CommentLifecycleEvent,
  ConnectingLifecycleEvent,
  EndLifecycleEvent,
  EventLifecycleEvent,
  KeepaliveLifecycleEvent,
  OpenLifecycleEvent,
  ReconnectLifecycleEvent,
  ResyncLifecycleEvent,
  RetryLifecycleEvent,
  StreamInfo,
  StreamLifecycleEvent,
  StreamObserver,
  StreamSnapshot,
} from './core/lifecycle.js';
export { lastEventIdFrom, relayResponse, relayStream } from './features/relay.js';
export type { RelayErrorData, RelayOptions } from './features/relay.js';
export { DEFAULTS } from './core/options.js';
export type {
  AuthScheme,
  BodyLike,
  ClientOptions,
  HeadersLike,
  OpenInfo,
  ReconnectInfo,
  ReconnectOptions,
  RequestOptions,
  ResumeContext,
  ResumeMode,
} from './core/options.js';
export { ConnectionError, HTTPError, SDKError, StreamError, TimeoutError } from './core/errors.js';
export type { StreamErrorCode } from './core/errors.js';
export { isSecretHeader, isSecretParam, redactHeaders, redactText, redactUrl } from './core/redact.js';
/** The raw parsed SSE message, as eventsource-parser reports it. */
export type { EventSourceMessage } from 'eventsource-parser';

export type { Runs, RunEventMap, RunEventType, RunEventsOf, RunStreamOptions, RunTerminalType } from './resources/runs.js';
export type { Executions, ExecutionEventMap, ExecutionEventType } from './resources/executions.js';
export type {
  Jobs,
  Job,
  JobCreateOptions,
  JobCreateParams,
  JobEventMap,
  JobEventType,
  JobResult,
  JobResync,
  JobRunOptions,
  JobState,
  JobStatus,
} from './resources/jobs.js';
export { parseSkillTimestamp } from './resources/skills.js';
export type {
  Skills,
  SkillEngineEvent,
  SkillError,
  SkillErrorDone,
  SkillEventMap,
  SkillEventType,
  SkillExecuteParams,
  SkillResult,
} from './resources/skills.js';
export type {
  Runner,
  RunnerBusEventMap,
  RunnerEventMap,
  RunnerEventType,
  RunnerResync,
  StaxConclusion,
  StaxJob,
  StaxRun,
  StaxRunCreateParams,
  StaxRunStatus,
  StaxStep,
} from './resources/runner.js';
