/**
 * Builds the adapter that turns one platform's wire format into typed events: JSON data,
 * unnamed envelopes, keepalive events, end markers, terminal events and in-stream errors.
 *
 * @module
 */
import type { StreamAdapter, StreamEvent } from './types.js';
import { invalidData, isRecord } from './errors.js';

/** What a platform's stream looks like on the wire. @internal */
export interface PlatformSpec {
  /** Every event name the platform documents (and the observed variants). */
  known: readonly string[];
  /** Events after which the platform sends nothing more. */
  terminal?: readonly string[] | undefined;
  /** Named events that only keep the connection alive; never delivered. */
  keepalive?: readonly string[] | undefined;
  /**
   * Unnamed (`message`) events whose JSON data is an object with this string key are envelopes:
   * the key names the event and the first of `dataKeys` present holds its data.
   */
  envelope?: { typeKey: string; dataKeys: readonly string[] } | undefined;
  /** A `data:` value that ends the stream without being an event, e.g. `[DONE]`. */
  endMarker?: string | undefined;
  /**
   * Skip events whose `data:` is empty (they still set the last event ID): an event that only
   * carries an `id:` and `retry:`, such as MCP's priming event. @defaultValue false
   */
  skipEmpty?: boolean | undefined;
  /**
   * For a platform whose event name is in its JSON data in another form than one string key (A2A:
   * which of `task`, `message`, `statusUpdate`, `artifactUpdate` is present; MCP: `method`, or
   * `result`/`error`): the event's name and payload from the parsed data and the SSE `event`
   * name (`'message'` when none); `undefined` skips it as a keepalive. Runs after `envelope`.
   */
  decode?: ((data: unknown, event: string) => { type: string; data: unknown } | undefined) | undefined;
  /** For a platform whose terminal events are told by their data (an A2A status update in a final state): replaces `terminal`. */
  isTerminal?: StreamAdapter['isTerminal'];
  /** For events that report a failure inside the stream: the failure. */
  errorOf?: StreamAdapter['errorOf'] | undefined;
  /** For terminal events: the outcome they report (`'completed'` when this is absent or says nothing). */
  outcomeOf?: StreamAdapter['outcomeOf'] | undefined;
}

/** A field of a decoded event's data when it is a string. @internal */
export function field(data: unknown, key: string): string | undefined {
  const value = isRecord(data) ? data[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The adapter for `spec`. @internal */
export function platformAdapter(spec: PlatformSpec): StreamAdapter {
  const keepalive = new Set(spec.keepalive ?? []);
  const terminal = new Set(spec.terminal ?? []);
  const envelope = spec.envelope;
  const adapter: StreamAdapter = {
    known: new Set(spec.known),
    toEvent(message, lastEventId): StreamEvent | null | undefined {
      const raw = message.data;
      if (spec.endMarker !== undefined && raw === spec.endMarker) return null;
      let type = message.event ?? 'message';
      if (keepalive.has(type) || (raw === '' && spec.skipEmpty)) return undefined;
      let data: unknown;
      try {
        data = JSON.parse(raw);
      } catch (cause) {
        throw invalidData(type, raw, lastEventId, cause);
      }
      if (envelope && type === 'message' && isRecord(data) && typeof data[envelope.typeKey] === 'string') {
        type = data[envelope.typeKey] as string;
        if (keepalive.has(type)) return undefined;
        const key = envelope.dataKeys.find((name) => name in (data as Record<string, unknown>));
        if (key !== undefined) data = (data as Record<string, unknown>)[key];
      }
      if (spec.decode) {
        const decoded = spec.decode(data, type);
        if (!decoded) return undefined;
        ({ type, data } = decoded);
      }
      return { type, data, id: lastEventId, raw };
    },
  };
  if (spec.isTerminal) adapter.isTerminal = spec.isTerminal;
  else if (terminal.size) adapter.isTerminal = (event) => terminal.has(event.type);
  if (spec.errorOf) adapter.errorOf = spec.errorOf;
  if (spec.outcomeOf) adapter.outcomeOf = spec.outcomeOf;
  return adapter;
}
