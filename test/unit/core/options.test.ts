import { SchemaCompiler } from '../../../src/config/ajv';
import { optionsSchema, resolveOptions, capabilitiesFor, DEFAULT_OPTIONS } from '../../../src/core';

const schemas = new SchemaCompiler();

describe('options schema', () => {
  it('compiles under ajv strict mode and accepts {}', () => {
    expect(schemas.check(optionsSchema, {})).toBeNull();
  });

  it('accepts a full, realistic route value', () => {
    expect(schemas.check(optionsSchema, {
      model_aliases: { 'gpt-4o': 'claude-sonnet-4-5' }, default_max_tokens: 2048, anthropic_version: '2023-06-01',
      anthropic_beta: ['prompt-caching-2024-07-31'], upstream_path: '/anthropic/v1/messages', auth: 'bearer', unsupported: 'reject',
      overloaded_status: 529, reasoning_budgets: { high: 8000 }, models: { 'my-deployment': { max_output_tokens: 64000, url_sources: false } },
    })).toBeNull();
  });

  it.each([
    [{ foo: 1 }, /must NOT have additional properties "foo"/],
    [{ auth: 'basic' }, /\/auth must be equal to one of the allowed values/],
    [{ default_max_tokens: 0 }, /default_max_tokens must be >= 1/],
    [{ upstream_path: 'v1/messages' }, /upstream_path must match pattern/],
    [{ anthropic_version: 'latest' }, /anthropic_version must match pattern/],
    [{ reasoning_budgets: { low: 10 } }, /low must be >= 1024/],
    [{ models: { x: { url_sources: 'no' } } }, /url_sources must be boolean/],
    [{ state_header: 'X-Bad Header' }, /state_header must match pattern/],
  ])('refuses %j with a message naming the field', (value, message) => {
    expect(schemas.check(optionsSchema, value)).toMatch(message);
  });
});

describe('resolveOptions', () => {
  it('fills every default from {}', () => {
    expect(resolveOptions({})).toEqual(DEFAULT_OPTIONS);
  });

  it('merges reasoning budgets and model capabilities over the defaults instead of replacing them', () => {
    const o = resolveOptions({ reasoning_budgets: { high: 9000 }, models: { 'my-deploy': { max_output_tokens: 100 } } });
    expect(o.reasoning_budgets).toEqual({ ...DEFAULT_OPTIONS.reasoning_budgets, high: 9000 });
    expect(capabilitiesFor('my-deploy-1', o).max_output_tokens).toBe(100);
    expect(capabilitiesFor('claude-sonnet-4-5-20250929', o).exclusive_sampling).toBe(true);
  });

  it('uses the longest matching prefix', () => {
    const o = resolveOptions({});
    expect(capabilitiesFor('claude-opus-4-6', o).adaptive_thinking).toBe(true);
    expect(capabilitiesFor('claude-opus-4-20250514', o).adaptive_thinking).toBeUndefined();
    expect(capabilitiesFor('unknown-model', o)).toEqual({});
  });
});
