/**
 * The table docs/platforms.md shows for each platform, rendered from its definition: the docs
 * test compares the page with these, so the page cannot drift from the definitions.
 */
import type { OutcomeRule, PlatformDefinition } from '../../src/platforms/define.js';

const RULE: Record<OutcomeRule, string> = {
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted (waits for input)',
  ended: 'ended (no outcome)',
  'by-data': 'as its data says',
};

const RESUME: Record<PlatformDefinition['resume'], string> = {
  'last-event-id': 'reconnects with `Last-Event-ID`',
  reconnect: 'reconnects without `Last-Event-ID` (no ids to send)',
  never: 'never re-sent (a POST that starts work), unless `resume: \'resend\'`',
  resubscribe: 'the request that started the work is never re-sent; resumed by the protocol\'s own request where it has one',
};

const RESYNC: Record<PlatformDefinition['resync'], string> = {
  'gap-marker': 'a `resync` gap marker (`recovered: false`)',
  'rest-state': 'a `resync` event with the state from the REST API; ends with the outcome if it finished',
  snapshot: 'a `resync` event with the whole state the re-subscribe sends first (`recovered: true`); ends with the outcome if it finished',
  none: 'none',
};

const code = (text: string) => `\`${text}\``;
const list = (items: readonly string[]) => (items.length ? items.join(', ') : 'none');

/** The markdown table of `definition`, one row per described property. */
export function docsTable(definition: PlatformDefinition): string {
  const outcomes = definition.outcomes as Record<string, OutcomeRule>;
  const envelope = definition.envelope;
  const wire = [
    definition.decode ? 'events named by their data' : 'named events',
    ...(envelope
      ? envelope.dataKeys.length
        ? [`unnamed envelopes ${code(`{"${envelope.typeKey}": …, "${envelope.dataKeys[0]}": …}`)}${envelope.dataKeys.slice(1).map((key) => ` (or ${code(`"${key}"`)})`).join('')}`]
        : [`unnamed JSON events named by ${code(`"${envelope.typeKey}"`)} (the whole object is the data)`]
      : []),
    ...(definition.endMarker !== undefined ? [`end marker ${code(`data: ${definition.endMarker}`)}`] : []),
    ...(definition.lineEndings.includes('\r\n') ? ['CRLF line endings'] : []),
    definition.ids ? 'ids' : 'no ids',
  ];
  const rows: [string, string][] = [
    ['Defined in', code(`src/platforms/${definition.name}/definition.ts`)],
    ['Base URL', `${code(definition.baseUrl)}, from ${definition.baseUrlSource}`],
    ['Routes', list(Object.values(definition.routes).map((route) => (route.path ? code(`${route.method} ${route.path}`) : `${code(route.method)} to the base URL itself`)))],
    ['Events', list(definition.known.map(code))],
    ['Terminal → outcome', list(definition.terminal.map((type) => `${code(type)} → ${RULE[outcomes[type]!]}`))],
    ['Keepalive', list([...definition.keepalive.map((type) => `${code(type)} events`), ...definition.keepaliveComments.map((text) => `${code(`: ${text}`)} comments`)])],
    ['Wire', wire.join(', ')],
    ['After a drop', RESUME[definition.resume]],
    ['Gap', RESYNC[definition.resync]],
  ];
  return ['| | |', '|---|---|', ...rows.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
}
