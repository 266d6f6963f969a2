/**
 * `runstream/testing` for browsers: everything of the testing kit that needs no Node, i.e.
 * everything but the reference server. Bundlers pick it through the `browser` condition of
 * the `./testing` export; Node gets the full entry (`index.ts`), which re-exports all of this.
 *
 * @module
 */

export { encodeFrame } from '../core/encode.js';
export type { EncodeFrameOptions, SSEFrame } from '../core/encode.js';
export { SCRIPT_FORMAT, encodeScript } from './kit/script.js';
export type { AfterLast, CutKind, Script, ScriptConnection, ScriptCut, ScriptInput, ScriptRaw, ScriptRoutes, ScriptStep, ScriptWait } from './kit/script.js';
export type { PlayOptions, ScriptedRequest, Sleep } from './kit/play.js';
export { scriptedFetch } from './kit/fetch.js';
export type { ScriptedFetch } from './kit/fetch.js';
export { platformScripts } from './kit/platforms.js';
export type { PlatformName, PlatformScriptOptions } from './kit/platforms.js';
export { instantReconnect, testClock } from './kit/clock.js';
export type { InstantReconnect, TestClock } from './kit/clock.js';
export { recordScript, scriptFromRaw } from './kit/record.js';
export type { RecordOptions, ScriptFromRawOptions } from './kit/record.js';
export { recordStream } from './kit/record-stream.js';
export type { ObservableStream, RecordStreamOptions, StreamRecording } from './kit/record-stream.js';
export { collectEvents } from './kit/collect.js';
export type { Collected, CollectedError, CollectOptions } from './kit/collect.js';
