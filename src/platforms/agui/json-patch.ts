/**
 * A small JSON Patch applier (RFC 6902, with JSON Pointer, RFC 6901): what AG-UI's `STATE_DELTA`
 * and `ACTIVITY_DELTA` carry. Web APIs only, no dependency. A patch is atomic, as RFC 6902 §5
 * asks: when one operation fails (a `test` that does not hold, a path that names nothing, an
 * unknown `op`), nothing is applied and a {@link JSONPatchError} says which operation and why.
 *
 * @module
 */
import { SDKError } from '../../core/errors.js';

/**
 * One JSON Patch operation (RFC 6902 §4): `add`, `remove`, `replace`, `move`, `copy`, `test`.
 * `path` and `from` are JSON Pointers (RFC 6901): `''` is the whole document, `'/a/0'` member
 * `a`'s first element, `'/a/-'` (in `add`) the end of an array; `~1` stands for `/`, `~0` for `~`.
 */
export type JSONPatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: unknown };

/**
 * Why a patch failed: `'test-failed'` (a `test` operation's value differs, RFC 6902 §4.6),
 * `'path-not-found'` (its `path` or `from` names no value, or an `add` whose parent does not
 * exist, §4.1), `'invalid-pointer'` (not a JSON Pointer, or an array index that is not one,
 * RFC 6901 §4), `'invalid-operation'` (an unknown `op`, a missing `value`, `path` or `from`, a
 * `move` into its own child, §4.4; or a patch that is not an array).
 */
export type JSONPatchErrorCode = 'test-failed' | 'path-not-found' | 'invalid-pointer' | 'invalid-operation';

/**
 * A JSON Patch could not be applied; the document is unchanged (RFC 6902 §5: a patch applies
 * whole or not at all).
 */
export class JSONPatchError extends SDKError {
  /** `'JSONPatchError'`. */
  declare name: 'JSONPatchError';
  /** Why; see {@link JSONPatchErrorCode}. */
  declare readonly code: JSONPatchErrorCode;
  /** The position of the failing operation in the patch, from 0; `-1` when the patch is not an array. */
  declare readonly index: number;
  /** The failing operation's `op`, as sent. */
  declare readonly op: string | undefined;
  /** The failing operation's `path` (or, when `from` failed, its `from`), as sent. */
  declare readonly path: string | undefined;

  /** @internal */
  constructor(code: JSONPatchErrorCode, message: string, fields: { index: number; op?: string | undefined; path?: string | undefined }) {
    super(`JSON Patch operation ${fields.index} (${fields.op ?? '?'} ${JSON.stringify(fields.path ?? '')}): ${message}`, {
      ...fields,
      code,
      name: 'JSONPatchError',
    });
  }
}

type Container = Record<string, unknown> | unknown[];

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);
const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** A deep copy of a JSON value (what a decoded event holds). */
function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (isContainer(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) define(out, key, clone((value as Record<string, unknown>)[key]));
    return out as T;
  }
  return value;
}

/** Sets an own, enumerable member, even `__proto__` (an assignment would change the prototype). */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

/** RFC 6902 §4.6 equality: same type, numbers by value, arrays in order, objects by members. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isContainer(a) || !isContainer(b) || Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => hasOwn(b, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A failure of one operation, before its index is known. */
class Failure {
  constructor(
    readonly code: JSONPatchErrorCode,
    readonly message: string,
    readonly pointer?: string,
  ) {}
}

/**
 * The reference tokens of a JSON Pointer (RFC 6901 §3-4): `''` → `[]`, `'/a~1b/0'` → `['a/b', '0']`.
 *
 * @throws JSONPatchError-to-be when it is not a string, does not start with `/`, or has a `~` not followed by `0` or `1`.
 */
function tokens(pointer: unknown): string[] {
  if (typeof pointer !== 'string') throw new Failure('invalid-operation', 'the pointer is missing or not a string');
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Failure('invalid-pointer', 'a JSON Pointer is empty or starts with "/"', pointer);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) throw new Failure('invalid-pointer', `"~" must be followed by 0 or 1 in ${JSON.stringify(token)}`, pointer);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** An array index token (RFC 6901 §4): digits without a leading zero, within `max`. */
function arrayIndex(token: string, max: number, pointer: string): number {
  if (!/^(0|[1-9]\d*)$/.test(token)) throw new Failure('invalid-pointer', `${JSON.stringify(token)} is not an array index`, pointer);
  const index = Number(token);
  if (index > max) throw new Failure('path-not-found', `index ${index} is past the end of the array (length ${max === Infinity ? '?' : max})`, pointer);
  return index;
}

/** The container that holds the value `path` names, and the last token; `path` must not be `''`. */
function parentOf(document: unknown, path: string[], pointer: string): { parent: Container; key: string } {
  let node = document;
  for (const token of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(token, node.length - 1, pointer)];
    else if (isContainer(node) && hasOwn(node, token)) node = (node as Record<string, unknown>)[token];
    else throw new Failure('path-not-found', `no value at ${JSON.stringify(token)}`, pointer);
  }
  if (!isContainer(node)) throw new Failure('path-not-found', 'its parent is not an object or an array', pointer);
  return { parent: node, key: path.at(-1)! };
}

/** The value `pointer` names. */
function get(document: unknown, pointer: string): unknown {
  const path = tokens(pointer);
  if (!path.length) return document;
  const { parent, key } = parentOf(document, path, pointer);
  if (Array.isArray(parent)) return parent[arrayIndex(key, parent.length - 1, pointer)];
  if (!hasOwn(parent, key)) throw new Failure('path-not-found', 'no value there', pointer);
  return parent[key];
}

/** §4.1 add: returns the new document (the same one unless `path` is `''`). */
function add(document: unknown, pointer: string, value: unknown): unknown {
  const path = tokens(pointer);
  if (!path.length) return value;
  const { parent, key } = parentOf(document, path, pointer);
  if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : arrayIndex(key, parent.length, pointer), 0, value);
  else define(parent, key, value);
  return document;
}

/** §4.2 remove: returns the removed value. */
function remove(document: unknown, pointer: string): unknown {
  const path = tokens(pointer);
  if (!path.length) throw new Failure('invalid-operation', 'cannot remove the whole document', pointer);
  const { parent, key } = parentOf(document, path, pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(key, parent.length - 1, pointer), 1)[0];
  if (!hasOwn(parent, key)) throw new Failure('path-not-found', 'no value there', pointer);
  const value = parent[key];
  delete parent[key];
  return value;
}

/** Applies one operation to `document` (already a private copy); returns the new document. */
function applyOne(document: unknown, operation: unknown): unknown {
  if (!isContainer(operation) || Array.isArray(operation)) throw new Failure('invalid-operation', 'an operation must be an object');
  const { op, path, from } = operation as Record<string, unknown>;
  const needsValue = op === 'add' || op === 'replace' || op === 'test';
  if (needsValue && !hasOwn(operation, 'value')) throw new Failure('invalid-operation', `"${op}" needs a "value" member`);
  const value = (operation as { value?: unknown }).value;
  if (typeof path !== 'string') throw new Failure('invalid-operation', 'the "path" member is missing or not a string');
  switch (op) {
    case 'add':
      return add(document, path, clone(value));
    case 'remove':
      remove(document, path);
      return document;
    case 'replace': {
      const path_ = tokens(path);
      if (!path_.length) return clone(value);
      get(document, path); // the target must exist (§4.3)
      const { parent, key } = parentOf(document, path_, path);
      if (Array.isArray(parent)) parent[arrayIndex(key, parent.length - 1, path)] = clone(value);
      else define(parent, key, clone(value));
      return document;
    }
    case 'move': {
      if (typeof from !== 'string') throw new Failure('invalid-operation', 'the "from" member is missing or not a string');
      tokens(from);
      if (path !== from && path.startsWith(`${from}/`)) throw new Failure('invalid-operation', '"from" must not be a proper prefix of "path" (a move into its own child)', from);
      if (path === from) return (get(document, from), document);
      return add(document, path, remove(document, from));
    }
    case 'copy':
      if (typeof from !== 'string') throw new Failure('invalid-operation', 'the "from" member is missing or not a string');
      return add(document, path, clone(get(document, from)));
    case 'test':
      if (!jsonEqual(get(document, path), value)) throw new Failure('test-failed', `the value is not ${JSON.stringify(value)}`, path);
      return document;
    default:
      throw new Failure('invalid-operation', `unknown op ${JSON.stringify(op)}`);
  }
}

/**
 * Applies a JSON Patch (RFC 6902) to `document` and returns the result, leaving `document`
 * untouched: the patch works on a deep copy, so a state object you hold (or React rendered)
 * never changes. All or nothing (§5): the first failing operation throws and nothing is applied.
 * Members the RFC does not define are ignored (§4, Appendix A.11). Object members are set as own
 * properties, so a `__proto__` path adds a member and never changes a prototype.
 *
 * @example
 * ```ts
 * import { applyJSONPatch } from 'runstream';
 *
 * applyJSONPatch({ step: 0, items: [] }, [
 *   { op: 'replace', path: '/step', value: 1 },
 *   { op: 'add', path: '/items/-', value: 'sunny' },
 * ]); // { step: 1, items: ['sunny'] }
 * ```
 *
 * @param document - any JSON value.
 * @param patch - the operations, in order.
 * @returns the patched copy (`document` itself for an empty patch).
 * @throws JSONPatchError with `code` `'test-failed'`, `'path-not-found'`, `'invalid-pointer'` or
 *   `'invalid-operation'`, and the failing operation's `index`, `op` and `path`.
 */
export function applyJSONPatch<T = unknown>(document: unknown, patch: readonly JSONPatchOperation[]): T {
  if (!Array.isArray(patch)) throw new JSONPatchError('invalid-operation', 'a JSON Patch must be an array of operations', { index: -1 });
  if (!patch.length) return document as T;
  let result = clone(document);
  patch.forEach((operation: unknown, index) => {
    try {
      result = applyOne(result, operation);
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      const { op, path } = (isContainer(operation) ? operation : {}) as { op?: unknown; path?: unknown };
      throw new JSONPatchError(error.code, error.message, {
        index,
        op: typeof op === 'string' ? op : undefined,
        path: error.pointer ?? (typeof path === 'string' ? path : undefined),
      });
    }
  });
  return result as T;
}
