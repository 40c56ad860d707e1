/**
 * Random OpenAI requests: conversion either succeeds or throws a ConversionError, never anything else,
 * and never mutates its input.
 */
import fc from 'fast-check';
import { ConversionError, convertChatRequest, resolveOptions } from '../../../src/core';
import { deepFreeze } from '../../helpers/golden';

const text = fc.oneof(fc.string({ maxLength: 20 }), fc.constant(''), fc.constant('  \n'));
const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: fc.constantFrom('https://x.test/a.png', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/svg+xml;base64,AAAA', 'ftp://x', 'data:,') }) }),
  fc.record({ type: fc.constant('input_audio'), input_audio: fc.record({ data: fc.constant('AAAA'), format: fc.constant('wav') }) }),
  fc.record({ type: fc.constantFrom('file', 'weird') }),
  fc.anything(),
);
const toolCall = fc.record({ id: fc.constantFrom('c1', 'c2', ''), type: fc.constant('function'), function: fc.record({ name: fc.constantFrom('f', 'g.h', 'a/b'), arguments: fc.oneof(fc.constant('{"a":1}'), fc.constant('oops'), fc.constant('')) }) });
const message = fc.oneof(
  fc.record({ role: fc.constantFrom('system', 'developer', 'user'), content: fc.oneof(text, fc.array(part, { maxLength: 3 })) }),
  fc.record({ role: fc.constant('assistant'), content: fc.oneof(text, fc.constant(null)), tool_calls: fc.option(fc.array(toolCall, { maxLength: 2 }), { nil: undefined }) }),
  fc.record({ role: fc.constant('tool'), tool_call_id: fc.constantFrom('c1', 'c2', undefined), content: text }),
  fc.record({ role: fc.constantFrom('function', 'robot'), content: text }),
);
const request = fc.record(
  {
    model: fc.constantFrom('claude-sonnet-4-5', 'claude-opus-4-6', 'gpt-4o', ''),
    messages: fc.array(message, { maxLength: 6 }),
    max_tokens: fc.oneof(fc.integer({ min: -5, max: 200000 }), fc.constant(null)),
    temperature: fc.oneof(fc.double({ min: -1, max: 3, noNaN: true }), fc.constant(undefined)),
    top_p: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    stop: fc.oneof(fc.constant(undefined), text, fc.array(text, { maxLength: 3 })),
    n: fc.constantFrom(undefined, 1, 2),
    stream: fc.constantFrom(undefined, true, false, 'yes'),
    tools: fc.option(fc.array(fc.record({ type: fc.constant('function'), function: fc.record({ name: fc.constantFrom('f', 'g.h', 'a/b', ''), parameters: fc.constantFrom(undefined, { type: 'object' }, { type: 'string' }) }) }), { maxLength: 3 }), { nil: undefined }),
    tool_choice: fc.constantFrom(undefined, 'auto', 'none', 'required', { type: 'function', function: { name: 'f' } }, 42),
    reasoning_effort: fc.constantFrom(undefined, 'low', 'high', 'extreme'),
    response_format: fc.constantFrom(undefined, { type: 'json_object' }, { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } }),
    user: fc.constantFrom(undefined, 'a@b.co', 'u-1'),
    seed: fc.constantFrom(undefined, 3),
  },
  { requiredKeys: ['messages'] },
);

describe('convertChatRequest on random input', () => {
  it.each([['drop'], ['reject']] as const)('either converts or throws a ConversionError (unsupported: %s)', (mode) => {
    const options = resolveOptions({ unsupported: mode });
    fc.assert(
      fc.property(request, (req) => {
        const frozen = deepFreeze(JSON.parse(JSON.stringify(req)) as unknown);
        try {
          const out = convertChatRequest(frozen, options);
          expect(out.body.messages.length).toBeGreaterThan(0);
          for (const m of out.body.messages) for (const b of m.content) if (b.type === 'text') expect(String(b.text).trim()).not.toBe('');
        } catch (e) {
          if (!(e instanceof ConversionError)) throw e;
          expect(e.code).toMatch(/^ERR_[A-Z]+_[A-Z_]+$/);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a body that is not an object', () => {
    for (const v of [null, 1, 'x', [], true]) expect(() => convertChatRequest(v, resolveOptions({}))).toThrow(ConversionError);
  });
});
