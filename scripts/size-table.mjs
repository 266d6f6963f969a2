// The one statement of runstream's bundle sizes: a table rendered from size-limit's own figures
// (`.size-limit.json` names and budgets, `size-limit --json` sizes), kept between the markers
// `<!-- size-table -->` and `<!-- /size-table -->` in the files listed below.
//
//   node scripts/size-table.mjs          check: exit 1 when a file's table differs from size-limit's
//   node scripts/size-table.mjs --write  rewrite the tables
//
// Needs a build (`npm run build`); CI runs the check right after `npx size-limit`.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const FILES = ['README.md', 'docs/runtimes.md'];
const START = '<!-- size-table -->';
const END = '<!-- /size-table -->';

const config = JSON.parse(readFileSync(join(root, '.size-limit.json'), 'utf8'));
/** size-limit's JSON report; it exits 1 when an entry is over budget, which is its own check to make. */
function sizeLimit() {
  try {
    return execFileSync(join(root, 'node_modules/.bin/size-limit'), ['--json'], { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  } catch (error) {
    if (typeof error.stdout === 'string' && error.stdout.includes('[')) return error.stdout;
    throw error;
  }
}
const output = sizeLimit();
const results = JSON.parse(output.slice(output.indexOf('[')));
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

const rows = config.map((entry) => {
  const result = results.find((item) => item.name === entry.name);
  if (!result) throw new Error(`size-limit reported no "${entry.name}"`);
  // The specifier a user writes for the built file size-limit bundles.
  const specifier = { 'dist/index.js': 'runstream', 'dist/react/index.js': 'runstream/react', 'dist/testing/web.js': 'runstream/testing' }[entry.path] ?? entry.path;
  const what = `\`import ${!entry.import || entry.import === '*' ? '* as all' : entry.import} from '${specifier}'\`${entry.ignore ? ` (${entry.ignore.join(', ')} not counted)` : ''}`;
  return `| ${entry.name} | ${what} | ${kB(result.size)} | ${entry.limit} |`;
});
const table = [
  START,
  '| entry | what is bundled (the build in `dist/`) | size (min+gzip) | budget |',
  '| ----- | -------------------------------------- | --------------- | ------ |',
  ...rows,
  END,
].join('\n');

let stale = 0;
for (const file of FILES) {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${file}: no ${START} … ${END} block`);
  const current = text.slice(start, end + END.length);
  if (current === table) continue;
  if (process.argv.includes('--write')) {
    writeFileSync(path, text.slice(0, start) + table + text.slice(end + END.length));
    console.log(`${file}: size table written`);
  } else {
    stale++;
    console.error(`${file}: the size table differs from size-limit's figures; run \`node scripts/size-table.mjs --write\``);
  }
}
if (stale) process.exit(1);
console.log(`size table: ${FILES.join(' and ')} state size-limit's figures (${rows.length} entries)`);
