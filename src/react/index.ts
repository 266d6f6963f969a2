/**
 * `runstream/react`: React hooks over the public `EventStream`. React (≥ 18) is an optional peer
 * dependency: only this entry imports it, never `runstream` itself.
 *
 * @packageDocumentation
 * @module runstream/react
 */

export { useEventStream } from './use-event-stream.js';
export type {
  BatchMode,
  EventStreamContext,
  EventStreamStatus,
  EventStreamView,
  PersistOptions,
  PersistStorage,
  UseEventStreamOptions,
} from './types.js';
