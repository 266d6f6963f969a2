/**
 * Shared by the examples: where to stream from. Set RUNSTREAM_BASE_URL (and RUNSTREAM_API_KEY)
 * to use a real server; otherwise the bundled reference server starts on 127.0.0.1.
 */
import { startReferenceServer, type ReferenceServer } from 'runstream/testing';

export async function target(): Promise<{ baseUrl: string; apiKey: string; server?: ReferenceServer }> {
  const baseUrl = process.env.RUNSTREAM_BASE_URL;
  if (baseUrl) return { baseUrl, apiKey: process.env.RUNSTREAM_API_KEY ?? '' };
  const server = await startReferenceServer({ eventDelay: 40 });
  return { baseUrl: server.url, apiKey: 'test-key', server };
}
