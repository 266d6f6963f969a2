// @vitest-environment happy-dom
/**
 * The root entry in vitest's `environment: 'happy-dom'`: the browser API-key guard, and a
 * reconnecting stream that follows the simulated page. The same cases run under jsdom in
 * simulated-dom-jsdom.test.ts, and with jsdom installed by hand in jsdom-by-hand.test.ts.
 */
import { domGuardCases } from './dom-guard-cases.js';
import { pageCases } from './page-cases.js';

domGuardCases('happy-dom', /HappyDOM/);
pageCases('happy-dom');
