/** reasoning_effort / thinking, and response_format, which both reshape other fields. */
import { ConversionError } from './errors';
import { invalid, isObject, type RequestContext } from './request.context';
import type { ToolNames } from './request.tools';
import type { AnthropicBlock } from './types/anthropic';

export interface Thinking {
  thinking?: Record<string, unknown>;
  effort?: string;
  maxTokens: number;
}

const EFFORTS = new Set(['minimal', 'low', 'medium', 'high', 'xhigh']);

/** Returns the thinking config and the (possibly raised) max_tokens. */
export function thinking(body: Record<string, unknown>, maxTokens: number, ctx: RequestContext): Thinking {
  const explicit = body.thinking;
  if (explicit !== undefined && explicit !== null) {
    if (!isObject(explicit) || !['enabled', 'disabled', 'adaptive'].includes(String(explicit.type))) {
      throw invalid('thinking', 'must be {"type":"enabled","budget_tokens":N}, {"type":"adaptive"} or {"type":"disabled"}');
    }
    if (explicit.type === 'enabled') {
      const budget = explicit.budget_tokens;
      if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < 1024) throw invalid('thinking.budget_tokens', 'must be an integer >= 1024');
      return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens: Math.max(maxTokens, budget + 1) };
    }
    return { thinking: { type: explicit.type }, maxTokens };
  }
  const effort = body.reasoning_effort;
  if (effort === undefined || effort === null || effort === 'none') return { maxTokens };
  if (typeof effort !== 'string' || !EFFORTS.has(effort)) throw invalid('reasoning_effort', 'must be one of none, minimal, low, medium, high, xhigh');
  if (ctx.caps.adaptive_thinking) {
    const level = effort === 'minimal' ? 'low' : effort === 'xhigh' ? 'high' : effort;
    return { thinking: { type: 'adaptive' }, effort: level, maxTokens };
  }
  const key = effort === 'xhigh' ? 'high' : (effort as 'minimal' | 'low' | 'medium' | 'high');
  const budget = ctx.options.reasoning_budgets[key];
  let max = maxTokens;
  if (max <= budget) {
    // The budget is part of max_tokens: keep the client's room for the visible answer on top of it.
    max = budget + maxTokens;
    const ceiling = ctx.caps.max_output_tokens;
    if (ceiling !== undefined && max > ceiling) max = ceiling;
    if (max <= budget) {
      ctx.warn('dropped', 'reasoning_effort', `the thinking budget ${budget} does not fit under max_tokens ${max}; thinking is off`);
      return { maxTokens };
    }
    ctx.warn('clamped', 'max_tokens', `raised to ${max} to leave room for a thinking budget of ${budget}`);
  }
  return { thinking: { type: 'enabled', budget_tokens: budget }, maxTokens: max };
}

export interface ResponseFormat {
  /** output_config.format for native structured output. */
  format?: Record<string, unknown>;
  /** A forced tool that emulates structured output. */
  tool?: Record<string, unknown>;
  /** Extra system text (json_object best effort). */
  system?: AnthropicBlock;
}

export function responseFormat(body: Record<string, unknown>, names: ToolNames, ctx: RequestContext): ResponseFormat {
  const rf = body.response_format;
  if (rf === undefined || rf === null) return {};
  if (!isObject(rf)) throw invalid('response_format', 'must be an object');
  if (rf.type === 'text') return {};
  if (rf.type === 'json_object') {
    return { system: { type: 'text', text: 'Respond only with a single valid JSON object, with no text before or after it.' } };
  }
  if (rf.type !== 'json_schema' || !isObject(rf.json_schema)) throw invalid('response_format', 'type must be text, json_object or json_schema with a json_schema object');
  const spec = rf.json_schema;
  const schema = spec.schema ?? { type: 'object' };
  if (!isObject(schema)) throw invalid('response_format.json_schema.schema', 'must be a JSON Schema object');
  const mode = ctx.options.response_format;
  if (mode === 'native' || (mode === 'auto' && ctx.caps.structured_outputs)) {
    return { format: { type: 'json_schema', schema } };
  }
  if (schema.type !== undefined && schema.type !== 'object') {
    throw new ConversionError('ERR_REQUEST_UNSUPPORTED_FIELD', 'response_format.json_schema.schema: only object schemas can be emulated with a tool on this model.', { param: 'response_format' });
  }
  const name = names.upstream(typeof spec.name === 'string' && spec.name !== '' ? spec.name : 'json_response');
  const tool: Record<string, unknown> = { name, input_schema: { type: 'object', ...schema } };
  tool.description = typeof spec.description === 'string' ? spec.description : 'Give the answer as this tool call; its input is the JSON response.';
  return { tool };
}
