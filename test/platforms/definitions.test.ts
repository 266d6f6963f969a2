// Each platform is described once, in its definition: the docs tables are rendered from it, and
// its lists agree with each other and with how the stream ends.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../src/platforms/index.js';
import { docsTable } from './docs-tables.js';

const page = readFileSync(new URL('../../docs/platforms.md', import.meta.url), 'utf8');
const definitions = Object.values(PLATFORMS);

/** The `## ` section of docs/platforms.md whose heading starts with `title` (case-insensitive). */
function section(title: string): string {
  const sections = page.split(/\n(?=## )/).filter((part) => part.toLowerCase().startsWith(`## ${title.toLowerCase()}`));
  expect(sections, `one section for ${title}`).toHaveLength(1);
  return sections[0]!;
}

describe('platform definitions', () => {
  it('are the five platforms and the agent protocols, each in the folder it names', () => {
    expect(Object.entries(PLATFORMS).map(([key, definition]) => [key, definition.name])).toEqual([
      ['crewship', 'crewship'],
      ['flowmaestro', 'flowmaestro'],
      ['praisonai', 'praisonai'],
      ['skills', 'skills'],
      ['stax', 'stax'],
      ['mcp', 'mcp'],
      ['a2a', 'a2a'],
      ['agui', 'agui'],
      ['openai', 'openai'],
      ['anthropic', 'anthropic'],
    ]);
  });

  it.each(definitions)('docs/platforms.md shows the table of $name, rendered from its definition', (definition) => {
    expect(section(definition.title)).toContain(docsTable(definition));
  });

  it('docs/platforms.md has no other platform table', () => {
    expect(page.match(/^\| Defined in \|/gm)).toHaveLength(definitions.length);
  });

  it.each(definitions)('$name: terminal events are known, keepalives are not, each event named once', (definition) => {
    expect(new Set(definition.known).size).toBe(definition.known.length);
    for (const type of definition.terminal) expect(definition.known).toContain(type);
    for (const type of definition.keepalive) expect(definition.known).not.toContain(type);
    expect(Object.keys(definition.outcomes).sort()).toEqual([...definition.terminal].sort());
  });

  it.each(definitions)('$name: a terminal event with a fixed outcome ends the stream with that outcome', (definition) => {
    const outcomes = definition.outcomes as Record<string, string>;
    for (const type of definition.terminal) {
      const rule = outcomes[type];
      if (rule === 'by-data') continue;
      // The stream's rule: a terminal event whose outcomeOf says nothing is 'completed'.
      expect(definition.outcomeOf?.({ type, data: {}, id: '', raw: '{}' })?.type ?? 'completed', type).toBe(rule);
    }
  });

  // MCP's and AG-UI's one route is '': the base URL is the endpoint.
  it.each(definitions)('$name: every route path starts with / and names its parameters in braces (or is empty: the base URL itself)', (definition) => {
    // A parameter may be followed by a custom method (A2A's `/tasks/{id}:subscribe`, AIP-136).
    for (const route of Object.values(definition.routes)) expect(route.path).toMatch(/^((\/[\w.:-]+|\/\{\w+\}(:\w+)?)+|)$/);
  });
});
