/**
 * What the CLI views read from the platform definitions: route text for help and resync lines.
 *
 * @module
 */
import type { Route } from '../../platforms/define.js';

/** A route as help text shows it, e.g. `GET /v1/runs/{id}/events`; `params` fill in its parameters as they are. */
export function routeText(route: Route, params: Readonly<Record<string, string>> = {}): string {
  return `${route.method} ${route.path.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole)}`;
}
