/**
 * AG-UI (the Agent-User Interaction protocol, version 1.0), described once: its 31 events, the
 * terminal `RUN_FINISHED` (outcome by its data) and `RUN_ERROR`, the wire form (unnamed `data:`
 * JSON events whose `type` names them, no ids) and why nothing is resumed. Sources: the AG-UI
 * docs, `concepts/events.mdx` (https://docs.ag-ui.com/concepts/events), `concepts/interrupts.mdx`,
 * `concepts/architecture.mdx`, and the types of `@ag-ui/core` 1.0.0 (`PROTOCOL_VERSION = "1.0"`).
 *
 * @module
 */
import { field } from '../../core/adapter.js';
import { isRecord } from '../../core/errors.js';
import type { EventFailure, OutcomeInfo, StreamEvent } from '../../core/types.js';
import { definePlatform } from '../define.js';
import type { JSONPatchOperation } from './json-patch.js';

/**
 * The fields every AG-UI event may carry (`@ag-ui/core` 1.0.0 `BaseEvent`, events.mdx "Base
 * event properties"); `type` repeats the event's name.
 *
 * @typeParam Type - the event's name.
 */
export interface AGUIBaseEvent<Type extends string> {
  /** The event's name, e.g. `'TEXT_MESSAGE_CONTENT'`: the key of {@link AGUIEventMap} it is under. */
  type: Type;
  /** When the event was created; every SDK that sets it uses milliseconds since the Unix epoch (the spec leaves the unit open). */
  timestamp?: number | undefined;
  /** The provider-native event this one was translated from, verbatim. */
  rawEvent?: unknown;
  /** Extra information; the key `ag-ui` is reserved. */
  metadata?: Record<string, unknown> | undefined;
  /** The subagent invocation it belongs to (see `SUBAGENT_STARTED`); absent: the parent agent. */
  subagentRunId?: string | undefined;
}

/** Who a streamed text message is from (`TextMessageRole`); absent means `'assistant'`. */
export type AGUITextMessageRole = 'developer' | 'system' | 'assistant' | 'user';

/** Where a media part's bytes are (`PartSource`): inline base64 `data`, a `url`, or a provider's `file` id. */
export type AGUIPartSource =
  | { type: 'data'; value: string; mimeType: string }
  | { type: 'url'; value: string; mimeType?: string | undefined }
  | { type: 'file'; value: string; provider?: string | undefined; mimeType?: string | undefined };

/** One part of a multimodal content (`ContentPart`): text, or an image, audio, video or document from a source. */
export type AGUIContentPart =
  | { type: 'text'; id?: string | undefined; text: string; metadata?: unknown }
  | { type: 'image' | 'audio' | 'video' | 'document'; id?: string | undefined; source: AGUIPartSource; metadata?: unknown };

/** A tool call inside an assistant message (`ToolCall`): `function.arguments` is its argument text, conventionally JSON. */
export interface AGUIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
  encryptedValue?: string | undefined;
}

/**
 * One message of a conversation (`Message` of `@ag-ui/core` 1.0.0): what `RunAgentInput.messages`
 * sends and `MESSAGES_SNAPSHOT` carries, by `role`.
 */
export type AGUIMessage =
  | { id: string; role: 'developer' | 'system'; content: string; name?: string | undefined; encryptedValue?: string | undefined }
  | { id: string; role: 'assistant'; content?: string | undefined; toolCalls?: AGUIToolCall[] | undefined; name?: string | undefined; encryptedValue?: string | undefined }
  | { id: string; role: 'user'; content: string | AGUIContentPart[]; name?: string | undefined; encryptedValue?: string | undefined }
  | { id: string; role: 'tool'; content: string | AGUIContentPart[]; toolCallId: string; error?: string | undefined; encryptedValue?: string | undefined }
  | { id: string; role: 'activity'; activityType: string; content: Record<string, unknown> }
  | { id: string; role: 'reasoning'; content: string; encryptedValue?: string | undefined };

/**
 * Why a run paused to wait for the user (`Interrupt`, interrupts.mdx): answer it in a new run
 * whose `resume` names its `id`.
 */
export interface AGUIInterrupt {
  /** Names it in the next run's `resume[].interruptId`. */
  id: string;
  /** Why, e.g. `'approval'`, `'input_required'`. */
  reason: string;
  /** Text for the user. */
  message?: string | undefined;
  /** The tool call it is about, if any. */
  toolCallId?: string | undefined;
  /** The JSON Schema the answer's `payload` should match. */
  responseSchema?: Record<string, unknown> | undefined;
  /** ISO 8601; after it the agent may refuse the answer. */
  expiresAt?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}

/**
 * How a run finished (`RunFinishedOutcome`, events.mdx §RunFinished; `cancelled` is in
 * `@ag-ui/core` 1.0.0, not yet on the events page). Absent on `RUN_FINISHED` means success.
 */
export type AGUIRunFinishedOutcome =
  | { type: 'success'; pendingToolCallIds?: string[] | undefined }
  | { type: 'interrupt'; interrupts: AGUIInterrupt[] }
  | { type: 'cancelled' };

/** Token counts a provider reported (`TokenUsage`). */
export interface AGUITokenUsage {
  provider?: string | undefined;
  model?: string | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  totalTokens?: number | undefined;
  reasoningTokens?: number | undefined;
  cachedInputTokens?: number | undefined;
  cacheWriteInputTokens?: number | undefined;
}

/** A tool the client offers the agent (`Tool`): `parameters` is a JSON Schema. */
export interface AGUITool {
  name: string;
  description: string;
  parameters?: unknown;
}

/** The answer to an interrupt, in a new run (`ResumeEntry`, interrupts.mdx §Resuming a run). */
export interface AGUIResumeEntry {
  /** The {@link AGUIInterrupt.id} answered. */
  interruptId: string;
  status: 'resolved' | 'cancelled';
  /** The answer, matching the interrupt's `responseSchema`. */
  payload?: unknown;
}

/**
 * The body of a run (`RunAgentInput` of `@ag-ui/core` 1.0.0, architecture.mdx "Standard HTTP
 * client"). runstream sends `messages`, `tools` and `context` as `[]` when you leave them out (the
 * protocol requires them).
 */
export interface AGUIRunAgentInput {
  /** The conversation. */
  threadId: string;
  /** This run; a new id for each run (an answer to an interrupt is a new run). */
  runId: string;
  /** e.g. `'1.0'`. */
  protocolVersion?: string | undefined;
  /** The run this one continues (branching, time travel). */
  parentRunId?: string | undefined;
  /** The agent state the client holds. */
  state?: unknown;
  /** The conversation so far. @defaultValue [] */
  messages?: AGUIMessage[] | undefined;
  /** Tools the client offers. @defaultValue [] */
  tools?: AGUITool[] | undefined;
  /** Context for the agent. @defaultValue [] */
  context?: { description: string; value: string }[] | undefined;
  /** Anything else the agent takes. */
  forwardedProps?: unknown;
  /** Answers to the interrupts of the previous run. */
  resume?: AGUIResumeEntry[] | undefined;
  [key: string]: unknown;
}

/**
 * Payloads of AG-UI's events, by name: the 31 `EventType`s of `@ag-ui/core` 1.0.0
 * (events.mdx). Each payload is the whole JSON object of the `data:` line, `type` included.
 */
export interface AGUIEventMap {
  /** A run began; mandatory first event (events.mdx §Lifecycle Events). */
  RUN_STARTED: AGUIBaseEvent<'RUN_STARTED'> & { threadId: string; runId: string; protocolVersion?: string | undefined; parentRunId?: string | undefined; input?: AGUIRunAgentInput | undefined };
  /**
   * The run finished; terminal. `outcome` absent or `success` → the stream's outcome is
   * `'completed'`, `interrupt` → `'interrupted'` (its `interrupts` wait for an answer in a new
   * run), `cancelled` → `'cancelled'` (events.mdx §RunFinished).
   */
  RUN_FINISHED: AGUIBaseEvent<'RUN_FINISHED'> & { threadId: string; runId: string; result?: unknown; outcome?: AGUIRunFinishedOutcome | undefined; usage?: AGUITokenUsage[] | undefined };
  /**
   * The run failed; terminal: "no further processing will occur in this run" (events.mdx
   * §RunError). The stream then fails with `StreamError` `'server-error-event'` (`serverCode` = `code`).
   */
  RUN_ERROR: AGUIBaseEvent<'RUN_ERROR'> & { message: string; code?: string | undefined; usage?: AGUITokenUsage[] | undefined };
  /** A step of the agent began. */
  STEP_STARTED: AGUIBaseEvent<'STEP_STARTED'> & { stepName: string };
  /** A step of the agent finished. */
  STEP_FINISHED: AGUIBaseEvent<'STEP_FINISHED'> & { stepName: string };
  /** Opens a streamed text message; its text follows in `TEXT_MESSAGE_CONTENT` (events.mdx §Text Message Events). */
  TEXT_MESSAGE_START: AGUIBaseEvent<'TEXT_MESSAGE_START'> & { messageId: string; role?: AGUITextMessageRole | undefined; name?: string | undefined };
  /** Appends `delta` (may be `''`) to a text message. */
  TEXT_MESSAGE_CONTENT: AGUIBaseEvent<'TEXT_MESSAGE_CONTENT'> & { messageId: string; delta: string };
  /** Closes a text message. */
  TEXT_MESSAGE_END: AGUIBaseEvent<'TEXT_MESSAGE_END'> & { messageId: string };
  /** Start, content and end in one shorthand: a chunk without `messageId` continues the open message. */
  TEXT_MESSAGE_CHUNK: AGUIBaseEvent<'TEXT_MESSAGE_CHUNK'> & { messageId?: string | undefined; role?: AGUITextMessageRole | undefined; delta?: string | undefined; name?: string | undefined };
  /** Opens a tool call; its arguments follow in `TOOL_CALL_ARGS` (events.mdx §Tool Call Events). */
  TOOL_CALL_START: AGUIBaseEvent<'TOOL_CALL_START'> & { toolCallId: string; toolCallName: string; parentMessageId?: string | undefined };
  /** Appends a fragment of the arguments' text (JSON once complete; a fragment is not). */
  TOOL_CALL_ARGS: AGUIBaseEvent<'TOOL_CALL_ARGS'> & { toolCallId: string; delta: string };
  /** Closes a tool call: its arguments are complete. */
  TOOL_CALL_END: AGUIBaseEvent<'TOOL_CALL_END'> & { toolCallId: string };
  /** Start, args and end in one shorthand. */
  TOOL_CALL_CHUNK: AGUIBaseEvent<'TOOL_CALL_CHUNK'> & { toolCallId?: string | undefined; toolCallName?: string | undefined; parentMessageId?: string | undefined; delta?: string | undefined };
  /** A tool's result, as a `tool` message `messageId`. */
  TOOL_CALL_RESULT: AGUIBaseEvent<'TOOL_CALL_RESULT'> & { messageId: string; toolCallId: string; content: string | AGUIContentPart[]; role?: 'tool' | undefined };
  /** The agent's whole state (events.mdx §State Management Events). */
  STATE_SNAPSHOT: AGUIBaseEvent<'STATE_SNAPSHOT'> & { snapshot: unknown };
  /** A change to the state, as a JSON Patch (RFC 6902). */
  STATE_DELTA: AGUIBaseEvent<'STATE_DELTA'> & { delta: JSONPatchOperation[] };
  /** The whole conversation: replaces the messages the client holds. */
  MESSAGES_SNAPSHOT: AGUIBaseEvent<'MESSAGES_SNAPSHOT'> & { messages: AGUIMessage[] };
  /** An activity message's whole content (progress, a plan); `replace: false` leaves an existing one alone. */
  ACTIVITY_SNAPSHOT: AGUIBaseEvent<'ACTIVITY_SNAPSHOT'> & { messageId: string; activityType: string; content: Record<string, unknown>; replace?: boolean | undefined };
  /** A change to an activity message's content, as a JSON Patch. */
  ACTIVITY_DELTA: AGUIBaseEvent<'ACTIVITY_DELTA'> & { messageId: string; activityType: string; patch: JSONPatchOperation[] };
  /** An event of another system, passed through (events.mdx §Special Events). */
  RAW: AGUIBaseEvent<'RAW'> & { event: unknown; source?: string | undefined };
  /** An application-defined event. */
  CUSTOM: AGUIBaseEvent<'CUSTOM'> & { name: string; value: unknown };
  /** Reasoning began (events.mdx §Reasoning Events). */
  REASONING_START: AGUIBaseEvent<'REASONING_START'> & { messageId: string };
  /** Opens a reasoning message. */
  REASONING_MESSAGE_START: AGUIBaseEvent<'REASONING_MESSAGE_START'> & { messageId: string; role: 'reasoning' };
  /** Appends to a reasoning message. */
  REASONING_MESSAGE_CONTENT: AGUIBaseEvent<'REASONING_MESSAGE_CONTENT'> & { messageId: string; delta: string };
  /** Closes a reasoning message. */
  REASONING_MESSAGE_END: AGUIBaseEvent<'REASONING_MESSAGE_END'> & { messageId: string };
  /** Start, content and end of a reasoning message in one shorthand. */
  REASONING_MESSAGE_CHUNK: AGUIBaseEvent<'REASONING_MESSAGE_CHUNK'> & { messageId?: string | undefined; delta?: string | undefined };
  /** Reasoning ended. */
  REASONING_END: AGUIBaseEvent<'REASONING_END'> & { messageId: string };
  /** An encrypted reasoning value for a tool call or message (`entityId`), to send back in later runs. */
  REASONING_ENCRYPTED_VALUE: AGUIBaseEvent<'REASONING_ENCRYPTED_VALUE'> & { subtype: 'tool-call' | 'message'; entityId: string; encryptedValue: string };
  /** A subagent invocation began; its events carry its `subagentRunId`. */
  SUBAGENT_STARTED: AGUIBaseEvent<'SUBAGENT_STARTED'> & {
    subagentRunId: string;
    name: string;
    description?: string | undefined;
    parentSubagentRunId?: string | undefined;
    parentToolCallId?: string | undefined;
    parentMessageId?: string | undefined;
  };
  /** A subagent invocation finished (`suspended`: waiting on the interrupts it names). */
  SUBAGENT_FINISHED: AGUIBaseEvent<'SUBAGENT_FINISHED'> & {
    subagentRunId: string;
    result?: unknown;
    outcome?: { type: 'success' } | { type: 'suspended'; interruptIds?: string[] | undefined } | undefined;
  };
  /** A subagent invocation failed; the run goes on (not terminal). */
  SUBAGENT_ERROR: AGUIBaseEvent<'SUBAGENT_ERROR'> & { subagentRunId: string; message: string; code?: string | undefined };
}

/** An AG-UI event name. */
export type AGUIEventType = keyof AGUIEventMap;

/** A `RUN_ERROR` is the run's failure: its `message`, and its `code` as `serverCode`. @internal */
export function failureOf(event: StreamEvent): EventFailure | undefined {
  if (event.type !== 'RUN_ERROR') return undefined;
  return { message: field(event.data, 'message') ?? 'the agent reported RUN_ERROR without a message', serverCode: field(event.data, 'code'), outcome: 'failed' };
}

/**
 * What a terminal event says: `RUN_ERROR` failed; `RUN_FINISHED`'s `outcome.type` → the stream's
 * outcome, the type as `serverStatus`. @internal
 */
export function outcomeOf(event: StreamEvent): OutcomeInfo | undefined {
  if (event.type === 'RUN_ERROR') return { type: 'failed', message: field(event.data, 'message'), serverCode: field(event.data, 'code') };
  if (event.type !== 'RUN_FINISHED') return undefined;
  const outcome = isRecord(event.data) ? event.data.outcome : undefined;
  const type = field(outcome, 'type');
  if (type === 'interrupt') return { type: 'interrupted', serverStatus: type };
  if (type === 'cancelled') return { type: 'cancelled', serverStatus: type };
  // Absent is success (the legacy form); an outcome type this version does not know is kept as a word.
  return { type: 'completed', serverStatus: type };
}

/**
 * AG-UI 1.0, described once. Unnamed `data:` events named by their `type`, the whole object as
 * the payload; a POST that starts a run, which nothing on the wire can resume. @internal
 */
export const agui = /* @__PURE__ */ definePlatform<AGUIEventMap>()({
  name: 'agui',
  title: 'AG-UI',
  baseUrl: 'http://localhost:8000',
  baseUrlSource: 'the AG-UI quickstart server ("curl -X POST http://localhost:8000/"); pass your agent\'s URL',
  auth: 'bearer',
  // No keepalive is defined and a run may think for minutes: no idle timeout (as the skills engine's POST).
  idleTimeout: 'skills',
  known: [
    'RUN_STARTED',
    'RUN_FINISHED',
    'RUN_ERROR',
    'STEP_STARTED',
    'STEP_FINISHED',
    'TEXT_MESSAGE_START',
    'TEXT_MESSAGE_CONTENT',
    'TEXT_MESSAGE_END',
    'TEXT_MESSAGE_CHUNK',
    'TOOL_CALL_START',
    'TOOL_CALL_ARGS',
    'TOOL_CALL_END',
    'TOOL_CALL_CHUNK',
    'TOOL_CALL_RESULT',
    'STATE_SNAPSHOT',
    'STATE_DELTA',
    'MESSAGES_SNAPSHOT',
    'ACTIVITY_SNAPSHOT',
    'ACTIVITY_DELTA',
    'RAW',
    'CUSTOM',
    'REASONING_START',
    'REASONING_MESSAGE_START',
    'REASONING_MESSAGE_CONTENT',
    'REASONING_MESSAGE_END',
    'REASONING_MESSAGE_CHUNK',
    'REASONING_END',
    'REASONING_ENCRYPTED_VALUE',
    'SUBAGENT_STARTED',
    'SUBAGENT_FINISHED',
    'SUBAGENT_ERROR',
  ],
  terminal: ['RUN_FINISHED', 'RUN_ERROR'],
  outcomes: { RUN_FINISHED: 'by-data', RUN_ERROR: 'failed' },
  keepalive: [],
  keepaliveComments: [],
  lineEndings: ['\n'],
  ids: false,
  routes: {
    // The agent's URL is the client's base URL: AG-UI puts an agent at any path.
    start: { method: 'POST', path: '' },
  },
  resume: 'never',
  resync: 'none',
  // The whole JSON object is the payload; its `type` names the event (no SSE `event:` is sent).
  envelope: { typeKey: 'type', dataKeys: [] },
  errorOf: failureOf,
  outcomeOf,
});

/** What a stream that ends before `RUN_FINISHED`/`RUN_ERROR` tells the user. @internal */
export const resumeHint = 'AG-UI cannot resume a run over HTTP (no event ids, no re-attach): start a new run only if it is safe to repeat';
