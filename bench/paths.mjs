import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/ */
export const BENCH = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = resolve(BENCH, '..');
/** runstream's ESM build, as `npm run build` writes it. */
export const DIST = resolve(ROOT, 'dist/index.js');
/** runstream/otel's ESM build. */
export const DIST_OTEL = resolve(ROOT, 'dist/otel/index.js');
/** Where results (and profiles) go; git-ignored. */
export const RESULTS = resolve(BENCH, 'results');
