/**
 * The names this module has always exported, now defined in the pieces of the stream: the
 * shared types (`types.ts`), `EventStream` (`stream.ts`) and `markGap` (`features/resync.ts`).
 * Kept so that existing imports compile; new code imports from those modules.
 *
 * @module
 */
export { EventStream } from './stream.js';
export { markGap } from '../features/resync.js';
export type {
  DefaultEvents,
  EventFailure,
  EventMap,
  EventOf,
  GapMarker,
  JsonEvents,
  ListenerOptions,
  OutcomeInfo,
  ReadyState,
  ResyncContext,
  ResyncResult,
  StreamAdapter,
  StreamConfig,
  StreamControl,
  StreamEvent,
  StreamFeature,
  StreamHooks,
  StreamOutcome,
} from './types.js';
