// @vitest-environment jsdom
/**
 * The root entry in vitest's `environment: 'jsdom'` (which puts jsdom's `window`, `document`
 * and `AbortController` on `globalThis`): the cases of simulated-dom.test.ts.
 */
import { domGuardCases } from './dom-guard-cases.js';
import { pageCases } from './page-cases.js';

domGuardCases('jsdom', /jsdom/);
pageCases('jsdom');
