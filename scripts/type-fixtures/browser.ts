// Type fixture (browser app, bundler resolution, DOM lib, no Node types): compiled by
// scripts/check-types.mjs against the packed package. Uses only the root entry.
import { connect, Runstream, type SkillEventMap } from 'runstream';

export async function render(list: HTMLUListElement): Promise<void> {
  const client = new Runstream({ baseUrl: location.origin, apiKey: 'test-key' });
  for await (const event of client.skills.start('my.skill', { inputs: { text: 'hi' } })) {
    const item = document.createElement('li');
    item.textContent = event.type === 'done' ? `${event.data.status}` : event.data.message ?? event.type;
    list.append(item);
  }
  const stream = connect<SkillEventMap>(`${location.origin}/v1/skills/my.skill/execute/stream`, { method: 'POST', body: { inputs: {} }, json: true });
  // @ts-expect-error 'not-an-event' is not in the map: its listener's data is unknown, not a string
  stream.addEventListener('not-an-event', (event) => event.data.toUpperCase());
  stream.close();
}
