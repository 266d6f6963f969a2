// @vitest-environment jsdom
/**
 * `useEventStream` in vitest's `environment: 'jsdom'`: the cases of use-event-stream.test.ts.
 */
import { hookCases } from './use-event-stream-cases.js';

hookCases('jsdom');
