/**
 * msw for unit tests: every request must match a handler (`onUnhandledRequest: 'error'`).
 * Import `server` and call `useMsw()` once at the top of a test file.
 */
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

export const server = setupServer();

export function useMsw(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** A base URL no real server listens on: msw answers every request to it. */
export const BASE = 'http://api.test';
