// Seeded malformed requests for the fuzz tests. Built from each method's own schema (as JSON
// Schema), so a method added to the contract is fuzzed without touching this file: a valid
// example first, then every field mutated (wrong type, missing, out of range, NaN/Infinity, huge,
// deeply nested, multi-megabyte), extra fields, non-object params, and raw text the JSON parser
// refuses. Only payloads the schema itself refuses are kept, so each must come back as an error.
import seedrandom from 'seedrandom';
import { z } from 'zod';
import { MAX_MESSAGE_CHARS, Requests, type Method } from '../../src/shared/contract';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | false;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  enum?: unknown[];
  additionalProperties?: boolean;
}

export function jsonSchemaOf(method: Method): JsonSchema {
  return z.toJSONSchema(Requests[method], { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

export interface Payload {
  method: string;
  /** What was done to the valid request, for failure messages. */
  what: string;
  /** The exact text sent on the channel. */
  text: string;
  /** Codes an engine may answer with; anything else (or no answer, or ok) fails the test. */
  expect: readonly string[];
  /** The id the reply must carry: null where the message cannot be read as a request. */
  id: string | number | null;
}

type Path = Array<string | number>;

const BASE64_IMAGE = Buffer.alloc(784, 128).toString('base64');

/** A small valid value for a schema (every optional field present); `key` names the field, for strings with a meaning. */
function example(schema: JsonSchema, key: string, modelId: string): unknown {
  if (schema.enum) return schema.enum[0];
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      // Optional fields too, so that every field has a place to be mutated.
      for (const [name, sub] of Object.entries(schema.properties ?? {})) out[name] = example(sub, name, modelId);
      return out;
    }
    case 'array':
      if (schema.prefixItems) return schema.prefixItems.map((item) => example(item, key, modelId));
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => example(schema.items as JsonSchema, key, modelId));
    case 'string':
      if (key === 'id') return modelId;
      if (key === 'image' || key === 'mask') return BASE64_IMAGE;
      if (key === 'name') return 'fuzzed model';
      if (key === 'recipe') return 'ae-mlp-8';
      if (key === 'dataset') return 'mnist';
      return 'a'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'integer':
      return schema.minimum ?? 0;
    case 'number':
      return schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1e-3 : (schema.minimum ?? 0);
    default:
      return 0;
  }
}

/** Every field path in the example and the schema that describes it (array elements: index 0). */
function fieldPaths(schema: JsonSchema, path: Path = []): Array<{ path: Path; schema: JsonSchema; required: boolean }> {
  const out: Array<{ path: Path; schema: JsonSchema; required: boolean }> = [];
  if (schema.type === 'object') {
    for (const [name, sub] of Object.entries(schema.properties ?? {})) {
      const required = (schema.required ?? []).includes(name);
      out.push({ path: [...path, name], schema: sub, required });
      out.push(...fieldPaths(sub, [...path, name]));
    }
  } else if (schema.type === 'array') {
    const first = schema.prefixItems?.[0] ?? (schema.items || undefined);
    if (first) {
      out.push({ path: [...path, 0], schema: first, required: true });
      out.push(...fieldPaths(first, [...path, 0]));
    }
  }
  return out;
}

function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

/** Values that are wrong somewhere; the schema filter below drops the ones that happen to fit. */
function nastyValues(schema: JsonSchema, rng: () => number): Array<[string, unknown]> {
  const values: Array<[string, unknown]> = [
    ['null', null],
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['-1', -1],
    ['0.5', 0.5],
    ['-0.5', -0.5],
    ['1e9', 1e9],
    ['-1e9', -1e9],
    ['1e308', 1e308],
    ['2^53+2', 2 ** 53 + 2],
    ['empty string', ''],
    ['numeric string', '12'],
    ['"NaN" string', 'NaN'],
    ['unicode string', '\u0000\ud800💥\u202e'],
    ['5 kB string', 'x'.repeat(5000)],
    ['empty array', []],
    ['[null]', [null]],
    ['array of strings', ['a', 'b']],
    ['empty object', {}],
    ['object', { a: 1 }],
    ['__proto__ object', JSON.parse('{"__proto__":{"polluted":1}}')],
    ['2000-element array', Array.from({ length: 2000 }, () => Math.floor(rng() * 100))],
  ];
  const { minimum, maximum, exclusiveMinimum, maxItems, minItems, maxLength } = schema;
  if (schema.type === 'integer' || schema.type === 'number') {
    if (minimum !== undefined) values.push(['below minimum', minimum - 1], ['just below minimum', minimum - 1e-9]);
    if (exclusiveMinimum !== undefined) values.push(['at exclusive minimum', exclusiveMinimum]);
    if (maximum !== undefined) values.push(['above maximum', maximum + 1], ['far above maximum', maximum * 1000 + 1e9]);
    if (schema.type === 'integer') values.push(['non-integer', (minimum ?? 0) + 0.5]);
  }
  if (schema.type === 'array') {
    if (maxItems !== undefined) values.push(['one item too many', Array.from({ length: maxItems + 1 }, () => 0)]);
    if (minItems !== undefined && minItems > 0) values.push(['one item too few', Array.from({ length: minItems - 1 }, () => 0)]);
  }
  if (schema.type === 'string' && maxLength !== undefined) values.push(['one char too long', 'y'.repeat(maxLength + 1)]);
  if (schema.enum) values.push(['enum in other case', String(schema.enum[0]).toUpperCase() + '_'], ['enum prefix', String(schema.enum[0]).slice(0, 1)]);
  return values;
}

function setAt(target: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function deleteAt(target: unknown, path: Path): unknown {
  const copy = structuredClone(target) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  delete node[path.at(-1)!];
  return copy;
}

/** The JSON text of a request; `rawParams` is spliced in as is (for literal NaN, deep nesting…). */
function envelope(id: string, method: string, params: unknown, rawParams?: string): string {
  if (rawParams === undefined) return JSON.stringify({ t: 'req', id, method, params });
  return `{"t":"req","id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${rawParams}}`;
}

/** Heavy payloads (100 kB to 4 MB) are kept few per method, so a run stays quick. */
const HEAVY_PER_METHOD = 3;

interface Candidate {
  what: string;
  heavy: boolean;
  build(): { params?: unknown; raw?: string };
}

/**
 * `perMethod` schema-refused requests for each method (fewer where a method has few fields), ids
 * `<prefix>-<n>`. Deterministic for a seed and method.
 */
export function malformedRequests(seed: string, perMethod: number, modelId: string, prefix: string): Payload[] {
  const out: Payload[] = [];
  let next = 0;
  const id = () => `${prefix}-${next++}`;
  for (const method of Object.keys(Requests) as Method[]) {
    // One stream per method: a method added to the contract leaves every other method's payloads as they were.
    const rng = seedrandom(`${seed}/${method}`);
    const schema = jsonSchemaOf(method);
    const valid = example(schema, '', modelId);
    const refused = (params: unknown) => !Requests[method].safeParse(params).success;
    // Heavy candidates are built only when picked: a 3 MB string per field would add up to gigabytes.
    const candidates: Candidate[] = [];
    const params = (what: string, value: unknown, heavy = false) => candidates.push({ what, heavy, build: () => ({ params: value }) });
    const raw = (what: string, text: () => string, heavy = false) => candidates.push({ what, heavy, build: () => ({ raw: text() }) });

    params('params: array', []);
    params('params: string', 'params');
    params('params: number', 42);
    params('params: true', true);
    params('params: the valid params wrapped in an array', [valid]);
    const extras: Array<[string, unknown]> = nastyValues({}, rng);
    for (const key of ['__proto__', 'constructor', 'toString', 'extra', '', 'k'.repeat(300)]) {
      for (const [label, value] of extras) raw(`extra field "${key.slice(0, 12)}" = ${label}`, () => JSON.stringify({ ...(valid as object), [key]: value }));
    }
    for (let i = 0; i < 60; i++) {
      const key = Math.floor(rng() * 36 ** 6).toString(36);
      const [label, value] = extras[Math.floor(rng() * extras.length)]!;
      raw(`extra field "${key}" = ${label}`, () => JSON.stringify({ ...(valid as object), [key]: value }));
    }
    for (const field of fieldPaths(schema)) {
      const where = field.path.join('.');
      if (field.required) params(`missing ${where}`, deleteAt(valid, field.path));
      for (const [label, value] of nastyValues(field.schema, rng)) params(`${where} = ${label}`, setAt(valid, field.path, value));
      // JSON has no NaN or Infinity: JSON.stringify turns them into null; a raw sender may write the tokens.
      for (const token of ['NaN', 'Infinity', '-Infinity']) {
        params(`${where} = ${token} (as JSON: null)`, setAt(valid, field.path, Number(token)));
        raw(`${where} = literal ${token}`, () => JSON.stringify(setAt(valid, field.path, '__TOKEN__')).replace('"__TOKEN__"', token));
      }
      raw(`${where} = arrays nested 100000 deep`, () => JSON.stringify(setAt(valid, field.path, '__DEEP__')).replace('"__DEEP__"', deepArray(100_000)), true);
      raw(`${where} = 3 MB string`, () => JSON.stringify(setAt(valid, field.path, 'm'.repeat(3_000_000))), true);
      raw(`${where} = 200k-element array`, () => JSON.stringify(setAt(valid, field.path, new Array(200_000).fill(1))), true);
    }
    raw('params nested 1000000 deep', () => deepArray(1_000_000), true);
    raw('params: objects nested 50000 deep', () => '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000), true);

    // Shuffle (seeded), keep what the schema refuses, cap the heavy ones.
    const order = candidates.map((c) => ({ c, key: rng() })).sort((a, b) => a.key - b.key).map(({ c }) => c);
    let heavy = 0;
    let kept = 0;
    for (const candidate of order) {
      if (kept >= perMethod) break;
      if (candidate.heavy && ++heavy > HEAVY_PER_METHOD) continue;
      const built = candidate.build();
      let parsedParams: unknown;
      try {
        parsedParams = built.raw === undefined ? JSON.parse(JSON.stringify(built.params)) : JSON.parse(built.raw);
      } catch {
        parsedParams = undefined; // not JSON at all (literal NaN): refused before any schema sees it
      }
      // The RPC layer reads absent or null params as {}, as the engine does.
      if (parsedParams !== undefined && !refused(parsedParams ?? {})) continue;
      const requestId = id();
      const full = built.raw === undefined ? envelope(requestId, method, built.params) : envelope(requestId, method, null, built.raw);
      const tooLarge = full.length > MAX_MESSAGE_CHARS;
      out.push({ method, what: candidate.what, text: full, expect: tooLarge ? ['too-large'] : ['bad-request'], id: tooLarge || parsedParams === undefined ? null : requestId });
      kept++;
    }
  }
  return out;
}

/** Messages wrong before any method is looked at: not JSON, not an object, no id, unknown methods. */
export function malformedEnvelopes(prefix: string): Payload[] {
  const out: Payload[] = [];
  const add = (what: string, text: string, expect: string[] = ['bad-request'], id: string | number | null = null) => out.push({ method: '(envelope)', what, text, expect, id });
  for (const text of ['', ' ', 'not json', '{', '}', '{"t":"req"', 'null', 'true', '42', '"a string"', '[]', '[1,2,3]', '1e999', 'NaN', 'undefined', '{"t":"req","id":1,"method":"engine.info","params":{}', '\u0000\u0001', '{"t":"req",,}']) {
    add(`text ${JSON.stringify(text).slice(0, 40)}`, text);
  }
  add('raw NaN in params (the brief\'s example)', `{"t":"req","id":"${prefix}-nan","method":"model.decode","params":{"z":[[NaN]]}}`);
  add('raw Infinity in params', `{"t":"req","id":"${prefix}-inf","method":"model.grid","params":{"id":"user/x","n":Infinity,"mode":"quantiles"}}`);
  // The reply keeps the id whenever the envelope has a usable one, even if the rest is wrong.
  for (const [what, message, id] of [
    ['no t', { id: `${prefix}-t`, method: 'engine.info', params: {} }, `${prefix}-t`],
    ['t: "res"', { t: 'res', id: 1, method: 'engine.info', params: {} }, 1],
    ['no id', { t: 'req', method: 'engine.info', params: {} }, null],
    ['id: null', { t: 'req', id: null, method: 'engine.info', params: {} }, null],
    ['id: object', { t: 'req', id: { a: 1 }, method: 'engine.info', params: {} }, null],
    ['id: 65 chars', { t: 'req', id: 'i'.repeat(65), method: 'engine.info', params: {} }, null],
    ['id: 1.5', { t: 'req', id: 1.5, method: 'engine.info', params: {} }, null],
    ['id: 2^60', { t: 'req', id: 2 ** 60, method: 'engine.info', params: {} }, null],
  ] as const) {
    add(what, JSON.stringify(message), ['bad-request'], id);
  }
  for (const [what, method] of [
    ['no method', undefined],
    ['method: number', 7],
    ['method: array', ['engine.info']],
  ] as const) {
    const id = `${prefix}-m${out.length}`;
    add(what, JSON.stringify({ t: 'req', id, method, params: {} }), ['bad-request'], id);
  }
  for (const method of ['engine.infoo', 'ENGINE.INFO', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'models', 'models.', '.info', 'engine.info ', 'x'.repeat(10_000), 'model.decode\u0000', 'fs.readFile', 'process.exit', 'eval']) {
    const id = `${prefix}-u${out.length}`;
    add(`unknown method ${JSON.stringify(method).slice(0, 30)}`, JSON.stringify({ t: 'req', id, method, params: {} }), ['unknown-method'], id);
  }
  add('envelope 4,000,001+ characters', JSON.stringify({ t: 'req', id: `${prefix}-big`, method: 'engine.info', params: { pad: 'p'.repeat(MAX_MESSAGE_CHARS) } }), ['too-large']);
  add('envelope nested 1000000 deep', deepArray(1_000_000));
  return out;
}
