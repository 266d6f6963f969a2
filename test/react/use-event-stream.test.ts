// @vitest-environment happy-dom
/**
 * `useEventStream` in vitest's `environment: 'happy-dom'`; the same cases run under jsdom in
 * use-event-stream-jsdom.test.ts.
 */
import { hookCases } from './use-event-stream-cases.js';

hookCases('happy-dom');
