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
export type { PlatformClient, PlatformClientClass, PlatformClientOptions } from './client.js';
export type { RunOptions } from './platforms/define.js';
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
export { debugCalls, debugStream } from './features/debug.js';
export type { DebugOption, DebugSink } from './features/debug.js';
export type {
  BytesLifecycleEvent,
  CommentLifecycleEvent,
  ConnectingLifecycleEvent,
  EndLifecycleEvent,
  EventLifecycleEvent,
  KeepaliveLifecycleEvent,
  OpenLifecycleEvent,
  ReconnectLifecycleEvent,
  RefusedLifecycleEvent,
  ResyncLifecycleEvent,
  RetryLifecycleEvent,
  StreamInfo,
  StreamLifecycleEvent,
  StreamObserver,
  StreamSnapshot,
} from './core/lifecycle.js';
export type { CallErrorEvent, CallLifecycleEvent, CallObserver, CallRequestEvent, CallResponseEvent } from './core/call.js';
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
export { isConnectionError, isHTTPError, isSDKError, isStreamError, isTimeoutError } from './core/errors.js';
export { isSecretHeader, isSecretParam, redactHeaders, redactText, redactUrl } from './core/redact.js';
/** The raw parsed SSE message, as eventsource-parser reports it. */
export type { EventSourceMessage } from 'eventsource-parser';

export type { CrewshipEventMap, CrewshipEventType, CrewshipTerminalType } from './platforms/crewship/definition.js';
export type { CrewshipEventsOf, CrewshipRuns, CrewshipStreamOptions } from './platforms/crewship/resource.js';
export type { FlowMaestroEventMap, FlowMaestroEventType } from './platforms/flowmaestro/definition.js';
export type { FlowMaestroExecutions } from './platforms/flowmaestro/resource.js';
export type {
  PraisonAIEventMap,
  PraisonAIEventType,
  PraisonAIJob,
  PraisonAIJobCreateParams,
  PraisonAIJobResult,
  PraisonAIJobResync,
  PraisonAIJobState,
  PraisonAIJobStatus,
} from './platforms/praisonai/definition.js';
export type { PraisonAIJobCreateOptions, PraisonAIJobRunOptions, PraisonAIJobStartOptions, PraisonAIJobs } from './platforms/praisonai/resource.js';
export { parseSkillTimestamp } from './platforms/skills/definition.js';
export type {
  SkillEngineEvent,
  SkillError,
  SkillErrorDone,
  SkillEventMap,
  SkillEventType,
  SkillExecuteParams,
  SkillResult,
} from './platforms/skills/definition.js';
export type { Skills } from './platforms/skills/resource.js';
export type {
  StaxBusEventMap,
  StaxConclusion,
  StaxEventMap,
  StaxEventType,
  StaxJob,
  StaxRun,
  StaxRunCreateParams,
  StaxRunResync,
  StaxRunStatus,
  StaxStep,
} from './platforms/stax/definition.js';
export type { StaxRunner } from './platforms/stax/resource.js';
// MCP Streamable HTTP (#22): the client, its events and the accumulator.
export { MCP } from './client.js';
export type { MCPClientClass, MCPClientOptions } from './client.js';
export type {
  MCPContent,
  MCPErrorObject,
  MCPEventMap,
  MCPEventType,
  MCPLogMessage,
  MCPProgress,
  MCPProtocolVersion,
  MCPRequestId,
  MCPResult,
  MCPServerRequest,
} from './platforms/mcp/definition.js';
export type { MCPClientInfo, MCPClientSettings, MCPEndpoint, MCPRequestOptions, MCPStream } from './platforms/mcp/resource.js';
export { accumulateMCP, initialMCPState } from './platforms/mcp/accumulate.js';
export type { MCPProgressState, MCPState } from './platforms/mcp/accumulate.js';

// A2A v1.0 (issue #22): the client, its task streams, the event map and the task accumulator.
export { A2A } from './client.js';
export { a2aErrorOf } from './platforms/a2a/definition.js';
export type {
  A2AArtifact,
  A2AErrorData,
  A2AErrorInfo,
  A2AEventMap,
  A2AEventType,
  A2AMessage,
  A2APart,
  A2AResync,
  A2ATask,
  A2ATaskArtifactUpdateEvent,
  A2ATaskState,
  A2ATaskStatus,
  A2ATaskStatusUpdateEvent,
} from './platforms/a2a/definition.js';
export type { A2ABinding, A2AMessageInput, A2ASendConfiguration, A2ASendOptions, A2AStreamOptions, A2ATasks } from './platforms/a2a/resource.js';
export { accumulateA2ATask, artifactText, initialA2ATask } from './platforms/a2a/accumulate.js';
export type { A2ATaskAccumulator } from './platforms/a2a/accumulate.js';

// AG-UI (protocol 1.0): the client, its event map, the run accumulator and the JSON Patch applier of its state deltas.
export { AGUI } from './client.js';
export type {
  AGUIBaseEvent,
  AGUIContentPart,
  AGUIEventMap,
  AGUIEventType,
  AGUIInterrupt,
  AGUIMessage,
  AGUIPartSource,
  AGUIResumeEntry,
  AGUIRunAgentInput,
  AGUIRunFinishedOutcome,
  AGUITextMessageRole,
  AGUITokenUsage,
  AGUITool,
  AGUIToolCall,
} from './platforms/agui/definition.js';
export type { AGUIRuns } from './platforms/agui/resource.js';
export { initialAGUIRun, reduceAGUIRun } from './platforms/agui/accumulate.js';
export type { AGUIRunState, AGUIToolCallState } from './platforms/agui/accumulate.js';
export { applyJSONPatch, JSONPatchError } from './platforms/agui/json-patch.js';
export type { JSONPatchErrorCode, JSONPatchOperation } from './platforms/agui/json-patch.js';

// OpenAI Responses and Anthropic Messages (#22).
export { AnthropicMessages, OpenAIResponses } from './client.js';
export { textOf } from './platforms/chunks.js';
export type { TextChunks } from './platforms/chunks.js';
export type {
  OpenAIContentPart,
  OpenAIErrorDetails,
  OpenAIGapMarker,
  OpenAIItemEvent,
  OpenAILifecycleEvent,
  OpenAIOutputItem,
  OpenAIPartEvent,
  OpenAIResponseCreateParams,
  OpenAIResponseEvent,
  OpenAIResponseEventMap,
  OpenAIResponseEventType,
  OpenAIResponseObject,
  OpenAIResponseStatus,
  OpenAISummaryEvent,
} from './platforms/openai/definition.js';
export type { OpenAIResponseStreams, OpenAIResumeOptions } from './platforms/openai/resource.js';
export { accumulateOpenAIResponse, initialOpenAIResponse, openaiFunctionCalls, openaiOutputText } from './platforms/openai/accumulate.js';
export type { OpenAIFunctionCall, OpenAIItemState, OpenAIPartState, OpenAIResponseState } from './platforms/openai/accumulate.js';
export { isRetryableAnthropicError } from './platforms/anthropic/definition.js';
export type {
  AnthropicContentBlock,
  AnthropicContentDelta,
  AnthropicErrorObject,
  AnthropicMessage,
  AnthropicMessageCreateParams,
  AnthropicMessageEventMap,
  AnthropicMessageEventType,
  AnthropicStopReason,
  AnthropicUsage,
} from './platforms/anthropic/definition.js';
export type { AnthropicMessageStreams } from './platforms/anthropic/resource.js';
export { accumulateAnthropicMessage, anthropicText, initialAnthropicMessage } from './platforms/anthropic/accumulate.js';
export type { AnthropicBlockState, AnthropicMessageState } from './platforms/anthropic/accumulate.js';
