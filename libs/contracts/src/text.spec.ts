import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as contracts from './index.js';
import { safeJson, safeText, unsafeTextReason } from './text.js';

/**
 * Everything a client sends is checked by one of these: REST bodies and queries (`…Request`, `…Query`,
 * `…Filter`, `…Patch`) and socket payloads (`ZSocket…`, `ZCustomerSend…`). Found by name, so a new
 * contract is covered the moment it is exported.
 */
const requestSchemas = Object.entries(contracts).filter(
  ([name, value]) =>
    name.startsWith('Z') &&
    typeof value === 'object' &&
    value !== null &&
    '_zod' in value &&
    (/(Request|Query|Filter|Patch)$/.test(name) ||
      (name.startsWith('ZSocket') && name !== 'ZSocketError') ||
      name.startsWith('ZCustomerSend')),
) as [string, z.ZodType][];

type Def = Record<string, unknown> & { type: string };
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
/** Schemas that wrap one inner schema (`innerType`) without changing what text it accepts. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Every place in a schema where a client's text or free-form JSON lands, with its path. */
function leaves(schema: z.ZodType, path: string, out: { path: string; schema: z.ZodType; kind: string }[]) {
  const def = defOf(schema);
  switch (WRAPPERS.has(def.type) ? 'wrapper' : def.type) {
    case 'string':
    case 'unknown':
    case 'any':
      out.push({ path, schema, kind: def.type });
      return out;
    case 'object': {
      for (const [key, child] of Object.entries(def.shape as Record<string, z.ZodType>)) {
        leaves(child, `${path}.${key}`, out);
      }
      const catchall = def.catchall as z.ZodType | undefined;
      if (catchall && defOf(catchall).type !== 'never') leaves(catchall, `${path}.*`, out);
      return out;
    }
    case 'wrapper':
      return leaves(def.innerType as z.ZodType, path, out);
    case 'array':
      return leaves(def.element as z.ZodType, `${path}[]`, out);
    case 'union':
      (def.options as z.ZodType[]).forEach((option, i) => leaves(option, `${path}|${i}`, out));
      return out;
    case 'pipe':
      return leaves(def.in as z.ZodType, path, out);
    case 'record':
      leaves(def.keyType as z.ZodType, `${path}{key}`, out);
      return leaves(def.valueType as z.ZodType, `${path}{}`, out);
    default:
      return out;
  }
}

const poison = ['\u0000', 'ok\u0000', '\ud800', 'ok\udfff', '\udc00\ud800'];

/** A value of the schema's shape; text leaves may be hostile, everything else is arbitrary. */
function arbitraryOf(schema: z.ZodType, text: fc.Arbitrary<string>, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const json = fc.jsonValue({ maxDepth: 2 }).map((v) => v as unknown);
  switch (WRAPPERS.has(def.type) ? 'wrapper' : def.type) {
    case 'string':
      return text;
    case 'unknown':
    case 'any':
      return fc.oneof(
        json,
        fc.dictionary(text, fc.oneof(text, json), { maxKeys: 3 }),
        fc.array(text, { maxLength: 3 }),
      );
    case 'number':
      return fc.oneof(fc.integer({ min: -200, max: 1_000 }), fc.double(), fc.constant(NaN), text);
    case 'boolean':
      return fc.oneof(fc.boolean(), text);
    case 'enum':
      return fc.oneof(fc.constantFrom(...Object.values(def.entries as Record<string, string>)), text);
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'object': {
      const shape = Object.fromEntries(
        Object.entries(def.shape as Record<string, z.ZodType>).map(([key, child]) => [
          key,
          arbitraryOf(child, text, depth + 1),
        ]),
      );
      const known = fc.record(shape, { requiredKeys: [] });
      const catchall = def.catchall as z.ZodType | undefined;
      if (!catchall || defOf(catchall).type === 'never') return known;
      return fc
        .tuple(known, fc.dictionary(text, arbitraryOf(catchall, text, depth + 1), { maxKeys: 2 }))
        .map(([a, b]) => ({ ...b, ...a }));
    }
    case 'wrapper':
      return fc.oneof(
        arbitraryOf(def.innerType as z.ZodType, text, depth),
        fc.constant(undefined),
        fc.constant(null),
      );
    case 'array':
      return depth > 3
        ? fc.constant([])
        : fc.array(arbitraryOf(def.element as z.ZodType, text, depth + 1), { maxLength: 3 });
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((option) => arbitraryOf(option, text, depth)));
    case 'pipe':
      return arbitraryOf(def.in as z.ZodType, text, depth);
    case 'record':
      return fc.dictionary(text, arbitraryOf(def.valueType as z.ZodType, text, depth + 1), { maxKeys: 3 });
    default:
      return json;
  }
}

/** Ordinary, unicode, long and control-character text, with poison mixed in about half the time. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constant('x'.repeat(20_001)),
  fc.uuid(),
  fc.constantFrom('a@b.example', '2026-01-01T00:00:00Z', '12', 'webchat', 'https://shop.example'),
  fc
    .tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...poison), fc.string({ maxLength: 10 }))
    .map(([a, bad, b]) => `${a}${bad}${b}`),
);

function containsUnsafe(value: unknown): boolean {
  if (typeof value === 'string') return unsafeTextReason(value) !== null;
  if (Array.isArray(value)) return value.some(containsUnsafe);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => unsafeTextReason(k) !== null || containsUnsafe(v));
  }
  return false;
}

describe('safe text', () => {
  it('refuses NUL and lone surrogates with a clear message and accepts any other Unicode', () => {
    const text = safeText().trim().max(50);
    expect(text.safeParse('a\u0000b').error?.issues[0]?.message).toMatch(/NUL/);
    expect(text.safeParse('note \ud800').error?.issues[0]?.message).toMatch(/unpaired surrogate/);
    expect(text.safeParse('\udfff').success).toBe(false);
    expect(text.parse(' grüße 😀 — 日本 ')).toBe('grüße 😀 — 日本');
    expect(safeJson().safeParse({ a: [{ b: 'x\u0000' }] }).error?.issues[0]?.path).toEqual(['a', 0, 'b']);
    expect(safeJson().safeParse({ ['\ud800']: 1 }).success).toBe(false);
    expect(safeJson().safeParse({ a: ['😀', 1, null] }).success).toBe(true);
  });

  it('finds the request contracts to check', () => {
    const names = requestSchemas.map(([name]) => name);
    for (const expected of [
      'ZSendMessageRequest',
      'ZHandoffRequest',
      'ZAuditQuery',
      'ZSocketSendMessage',
      'ZCustomerSendMessage',
      'ZCreateChannelRequest',
    ]) {
      expect(names).toContain(expected);
    }
  });

  it.each(requestSchemas)(
    'every text and JSON field of %s refuses NUL and lone surrogates',
    (_name, schema) => {
      const found = leaves(schema, '', []);
      for (const leaf of found) {
        for (const bad of poison) {
          const value = leaf.kind === 'string' ? bad : { nested: [bad] };
          expect(leaf.schema.safeParse(value).success, `${leaf.path} accepted ${JSON.stringify(bad)}`).toBe(
            false,
          );
        }
      }
    },
  );

  // 300 generated values for each of the request contracts (over 40 of them): well over 10,000 cases.
  it.each(requestSchemas)(
    '%s never throws and refuses every generated value with poison in it',
    (_name, schema) => {
      fc.assert(
        fc.property(arbitraryOf(schema, hostileText), (value) => {
          const result = schema.safeParse(value);
          if (containsUnsafe(value)) expect(result.success).toBe(false);
        }),
        { numRuns: 300 },
      );
    },
  );
});
