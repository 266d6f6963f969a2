/**
 * The browser API-key guard in a test runner's simulated page (vitest's `environment:
 * 'happy-dom'` or `'jsdom'`): its error says how to test code that passes an apiKey.
 */
import { describe, expect, it } from 'vitest';
import { Crewship, Runstream } from '../../src/index.js';

/** The guard cases under `environment`, whose user agent matches `agent`. */
export function domGuardCases(environment: 'happy-dom' | 'jsdom', agent: RegExp): void {
  describe(`the browser API-key guard under ${environment}`, () => {
    it('runs in a simulated page', () => {
      expect(typeof window.document).toBe('object');
      expect(navigator.userAgent).toMatch(agent);
    });

    it('refuses an apiKey and names the simulated DOM and the way out', () => {
      expect(() => new Runstream({ baseUrl: 'http://api.test', apiKey: 'sk-test' })).toThrow(TypeError);
      expect(() => new Crewship({ apiKey: 'sk-test' })).toThrow(new RegExp(`looks like ${environment}.*dangerouslyAllowBrowser: true.*node environment`));
    });

    it('lets a test opt in with dangerouslyAllowBrowser', () => {
      expect(new Crewship({ apiKey: 'sk-test', dangerouslyAllowBrowser: true }).baseUrl).toBe('https://api.crewship.dev');
    });

    it('needs no opt-in without a key', () => {
      expect(new Runstream({ baseUrl: 'http://api.test' }).baseUrl).toBe('http://api.test');
    });
  });
}
