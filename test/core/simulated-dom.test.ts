// @vitest-environment happy-dom
/**
 * In a test runner's simulated page (vitest's `environment: 'happy-dom'` or `'jsdom'`) the
 * browser key guard applies, and its error says how to test code that passes an apiKey.
 */
import { describe, expect, it } from 'vitest';
import { Crewship, Runstream } from '../../src/index.js';

describe('the browser API-key guard under happy-dom', () => {
  it('runs in a simulated page', () => {
    expect(typeof window.document).toBe('object');
    expect(navigator.userAgent).toMatch(/HappyDOM/);
  });

  it('refuses an apiKey and names the simulated DOM and the way out', () => {
    expect(() => new Runstream({ baseUrl: 'http://api.test', apiKey: 'sk-test' })).toThrow(TypeError);
    expect(() => new Crewship({ apiKey: 'sk-test' })).toThrow(/looks like happy-dom.*dangerouslyAllowBrowser: true.*node environment/);
  });

  it('lets a test opt in with dangerouslyAllowBrowser', () => {
    expect(new Crewship({ apiKey: 'sk-test', dangerouslyAllowBrowser: true }).baseUrl).toBe('https://api.crewship.dev');
  });

  it('needs no opt-in without a key', () => {
    expect(new Runstream({ baseUrl: 'http://api.test' }).baseUrl).toBe('http://api.test');
  });
});
