/**
 * Attribute values `runstream/otel` derives from a stream: `error.type`, `server.address` and
 * `server.port` (HTTP semantic conventions v1.45.0), and the platform and ids of a resource's
 * stream.
 *
 * @module
 * @internal
 */
import type { Attributes } from '@opentelemetry/api';
import { isHTTPError } from '../core/guards.js';
import { hostPort } from '../core/connection.js';
import type { StreamInfo } from '../core/lifecycle.js';

/**
 * `error.type` of an error, as the HTTP conventions ask: the status code of an HTTP error
 * (`'503'`), else the error's name (`'ConnectionError'`, `'TimeoutError'`, `'StreamError'`).
 */
export function errorType(error: Error): string {
  return isHTTPError(error) ? String(error.status) : error.name || '_OTHER';
}

/**
 * `server.address` (an IPv6 address without brackets) and `server.port` of a stream URL, from
 * the `host:port` runstream's messages name (the scheme's default port filled in).
 */
export function serverAttributes(url: string): Attributes {
  const server = hostPort(url);
  if (!server) return {};
  const colon = server.lastIndexOf(':');
  return { 'server.address': server.slice(0, colon).replace(/^\[|\]$/g, ''), 'server.port': Number(server.slice(colon + 1)) };
}

/**
 * `runstream.platform` and one `runstream.<name>.id` per id of a resource's stream
 * (`StreamInfo.ids`: `runId` → `runstream.run.id`, `executionId` → `runstream.execution.id`,
 * `jobId` → `runstream.job.id`, `skillId` → `runstream.skill.id`); nothing for `connect()`.
 */
export function streamAttributes(info: StreamInfo): Attributes {
  const attributes: Attributes = {};
  if (info.platform !== undefined) attributes['runstream.platform'] = info.platform;
  for (const [name, id] of Object.entries(info.ids ?? {})) attributes[`runstream.${name.replace(/Id$/, '')}.id`] = id;
  return attributes;
}
