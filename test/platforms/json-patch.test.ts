// The JSON Patch applier AG-UI's STATE_DELTA and ACTIVITY_DELTA go through: RFC 6902's Appendix A
// examples (A.13, a document with a duplicate "op" member, cannot be written once parsed), then
// the failures a patch must not hide and the copies it must not share.
import { describe, expect, it } from 'vitest';
import { JSONPatchError, applyJSONPatch, isSDKError, type JSONPatchOperation } from '../../src/index.js';

type Case = [name: string, document: unknown, patch: unknown[], expected: unknown];

const appendixA: Case[] = [
  ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
  ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
  ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
  ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
  ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
  [
    'A.6 moving a value',
    { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
    [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
    { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
  ],
  ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
  [
    'A.8 testing a value: success',
    { baz: 'qux', foo: ['a', 2, 'c'] },
    [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ],
    { baz: 'qux', foo: ['a', 2, 'c'] },
  ],
  ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
  ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
  ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
  ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
];

const failures: [name: string, document: unknown, patch: unknown[], code: string, index: number][] = [
  ['A.9 testing a value: error', { baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }], 'test-failed', 0],
  ['A.12 adding to a nonexistent target', { foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }], 'path-not-found', 0],
  ['A.15 comparing strings and numbers', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }], 'test-failed', 0],
  ['removing a member that is not there', { a: 1 }, [{ op: 'remove', path: '/b' }], 'path-not-found', 0],
  ['replacing a member that is not there', { a: 1 }, [{ op: 'replace', path: '/b', value: 2 }], 'path-not-found', 0],
  ['an array index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 3 }], 'path-not-found', 0],
  ['an array index with a leading zero', { a: [1, 2] }, [{ op: 'remove', path: '/a/01' }], 'invalid-pointer', 0],
  ['a pointer without a leading /', { a: 1 }, [{ op: 'remove', path: 'a' }], 'invalid-pointer', 0],
  ['a bad ~ escape', { a: 1 }, [{ op: 'remove', path: '/a~2' }], 'invalid-pointer', 0],
  ['an unknown op, after one that applied', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }, { op: 'merge', path: '/a' }], 'invalid-operation', 1],
  ['add without value', { a: 1 }, [{ op: 'add', path: '/b' }], 'invalid-operation', 0],
  ['a move into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 'invalid-operation', 0],
  ['a copy from nowhere', { a: 1 }, [{ op: 'copy', from: '/x', path: '/b' }], 'path-not-found', 0],
];

describe('applyJSONPatch', () => {
  it.each(appendixA)('RFC 6902 %s', (_name, document, patch, expected) => {
    expect(applyJSONPatch(document, patch as JSONPatchOperation[])).toEqual(expected);
  });

  it.each(failures)('%s is a JSONPatchError, and the document is unchanged', (_name, document, patch, code, index) => {
    const before = structuredClone(document);
    let error: unknown;
    try {
      applyJSONPatch(document, patch as JSONPatchOperation[]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JSONPatchError);
    expect(isSDKError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'JSONPatchError', code, index, message: expect.stringMatching(/^runstream: JSON Patch operation \d/) });
    expect(document).toEqual(before);
  });

  it('applies a patch whole or not at all: an earlier operation of a failing patch leaves no trace', () => {
    const state = { step: 0, items: [] as string[] };
    expect(() =>
      applyJSONPatch(state, [
        { op: 'add', path: '/items/-', value: 'x' },
        { op: 'test', path: '/step', value: 1 },
      ]),
    ).toThrow(JSONPatchError);
    expect(state).toEqual({ step: 0, items: [] });
  });

  it('returns a copy: neither the document nor the patch values are shared with the result', () => {
    const state = { nested: { list: [1] } };
    const value = { deep: true };
    const next = applyJSONPatch<{ nested: { list: number[] }; added: { deep: boolean } }>(state, [{ op: 'add', path: '/added', value }]);
    next.nested.list.push(2);
    next.added.deep = false;
    expect(state).toEqual({ nested: { list: [1] } });
    expect(value).toEqual({ deep: true });
  });

  it('replaces the whole document with path "" and copies values', () => {
    expect(applyJSONPatch({ a: 1 }, [{ op: 'replace', path: '', value: [1] }])).toEqual([1]);
    expect(applyJSONPatch({ a: { b: 1 } }, [{ op: 'copy', from: '/a', path: '/c' }])).toEqual({ a: { b: 1 }, c: { b: 1 } });
  });

  it('sets __proto__ as a plain member, never as the prototype', () => {
    const next = applyJSONPatch<Record<string, unknown>>({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]);
    expect(Object.getPrototypeOf(next)).toBe(Object.prototype);
    expect(Object.keys(next)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a patch that is not an array', () => {
    expect(() => applyJSONPatch({}, { op: 'add' } as never)).toThrow(expect.objectContaining({ code: 'invalid-operation', index: -1 }));
  });
});
