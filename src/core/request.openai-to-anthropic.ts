/**
 * OpenAI Chat Completions request -> Anthropic Messages request. The outgoing body is built field by
 * field (a whitelist): nothing the client sent reaches the upstream unless it is mapped here.
 */
import { ConversionError } from './errors';
import type { ResolvedOptions } from './options';
import { isObject, RequestContext, invalid, type ConversionWarning } from './request.context';
import { convertMessages } from './request.messages';
import { checkN, maxTokens, sampling, stopSequences, userId } from './request.params';
import { responseFormat, thinking } from './request.reasoning';
import { convertToolChoice, convertToolDefinitions, ToolNames } from './request.tools';
import type { ResponseState } from './state';
import type { AnthropicRequest } from './types/anthropic';

export type { ConversionWarning } from './request.context';

export interface ConvertedRequest {
  body: AnthropicRequest;
  state: ResponseState;
  upstreamModel: string;
  warnings: ConversionWarning[];
}

/** Fields that are read above; everything else is unknown to us. */
const HANDLED = new Set([
  'model', 'messages', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'top_k', 'stop', 'n', 'stream',
  'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'functions', 'function_call', 'user', 'metadata',
  'reasoning_effort', 'thinking', 'response_format',
]);

/** Accepted and dropped, because ignoring them cannot change what the answer means (README table). */
const IGNORABLE: Record<string, string> = {
  seed: 'Anthropic has no seed',
  frequency_penalty: 'Anthropic has no frequency penalty',
  presence_penalty: 'Anthropic has no presence penalty',
  logit_bias: 'Anthropic has no logit bias',
  store: 'stored completions are an OpenAI feature',
  service_tier: 'service tiers differ between providers',
  prediction: 'predicted outputs are an OpenAI feature',
  top_logprobs: 'Anthropic returns no log probabilities',
  prompt_cache_key: 'Anthropic caches by cache_control markers',
  safety_identifier: 'an OpenAI abuse-monitoring field',
  verbosity: 'an OpenAI-only setting',
  web_search_options: 'web search needs an Anthropic server tool',
};

function noteFields(body: Record<string, unknown>, ctx: RequestContext): void {
  for (const key of Object.keys(body)) {
    if (HANDLED.has(key) || body[key] === undefined || body[key] === null) continue;
    if (key === 'logprobs') {
      if (body.logprobs === true) ctx.unsupported('logprobs', 'Anthropic returns no log probabilities');
      continue;
    }
    if (key === 'modalities') {
      const m = body.modalities;
      if (Array.isArray(m) && m.some((x) => x !== 'text')) throw new ConversionError('ERR_REQUEST_UNSUPPORTED_FIELD', 'modalities: Anthropic models answer in text only.', { param: 'modalities' });
      continue;
    }
    if (key === 'audio') throw new ConversionError('ERR_REQUEST_UNSUPPORTED_FIELD', 'audio: Anthropic models cannot answer with audio.', { param: 'audio' });
    ctx.unsupported(key, Object.hasOwn(IGNORABLE, key) ? IGNORABLE[key] : 'not a field Anthropic knows');
  }
}

function includeUsage(body: Record<string, unknown>): boolean {
  const so = body.stream_options;
  return body.stream === true && isObject(so) && so.include_usage === true;
}

export function convertChatRequest(input: unknown, options: ResolvedOptions): ConvertedRequest {
  if (!isObject(input)) throw new ConversionError('ERR_REQUEST_NOT_OBJECT', 'The request body must be a JSON object.');
  const body = input;
  const clientModel = body.model ?? options.default_model;
  if (typeof clientModel !== 'string' || clientModel === '') throw invalid('model', 'is required');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw invalid('stream', 'must be a boolean');
  // Own keys only: a client may send a model called `__proto__` or `constructor`.
  const upstreamModel = Object.hasOwn(options.model_aliases, clientModel) ? options.model_aliases[clientModel] : clientModel;
  const ctx = new RequestContext(options, upstreamModel);
  checkN(body.n);
  noteFields(body, ctx);

  const names = new ToolNames();
  let tools = convertToolDefinitions(body, names, ctx);
  const converted = convertMessages(body.messages, names, ctx);
  let toolChoice = tools ? convertToolChoice(body, names, ctx) : undefined;
  if (!tools && (body.tool_choice != null || body.function_call != null || body.parallel_tool_calls != null)) {
    ctx.warn('dropped', 'tool_choice', 'tool_choice and parallel_tool_calls need tools');
  }

  const rf = responseFormat(body, names, ctx);
  let jsonTool: string | undefined;
  if (rf.tool) {
    tools = [...(tools ?? []), rf.tool];
    toolChoice = { type: 'tool', name: rf.tool.name };
    jsonTool = String(rf.tool.name);
  }

  if (!tools && converted.hasToolBlocks) {
    if (options.orphan_tool_history === 'reject') {
      throw new ConversionError('ERR_TOOL_HISTORY_WITHOUT_TOOLS', 'The conversation contains tool calls but the request defines no tools.', { param: 'tools' });
    }
    // Anthropic refuses tool blocks without tool definitions; a tool the model may not call satisfies it.
    tools = [{ name: 'unavailable_tool', description: 'Placeholder: no tools are available in this request.', input_schema: { type: 'object', properties: {} } }];
    toolChoice = { type: 'none' };
    ctx.warn('rewritten', 'tools', 'the history holds tool calls but no tools were sent; a placeholder tool with tool_choice none was added');
  }

  const think = thinking(body, maxTokens(body, ctx), ctx);
  const samp = sampling(body, ctx);
  const thinkingOn = think.thinking !== undefined && think.thinking.type !== 'disabled';
  if (thinkingOn) {
    if (samp.temperature !== undefined || samp.top_k !== undefined) ctx.warn('dropped', 'temperature', 'temperature and top_k cannot be combined with thinking');
    delete samp.temperature;
    delete samp.top_k;
    if (toolChoice && (toolChoice.type === 'any' || toolChoice.type === 'tool')) {
      ctx.warn('downgraded', 'tool_choice', 'a forced tool choice cannot be combined with thinking; auto is sent');
      toolChoice = { type: 'auto', ...(toolChoice.disable_parallel_tool_use ? { disable_parallel_tool_use: true } : {}) };
    }
  } else if (converted.hasThinkingBlocks) {
    // Thinking blocks are only accepted while thinking is on; without it they are history only.
    for (const m of converted.messages) m.content = m.content.filter((b) => b.type !== 'thinking' && b.type !== 'redacted_thinking');
    ctx.warn('dropped', 'thinking_blocks', 'thinking is off for this request, so replayed thinking blocks are not sent');
  }

  const out: AnthropicRequest = { model: upstreamModel, max_tokens: think.maxTokens, messages: converted.messages };
  const system = rf.system ? [...converted.system, rf.system] : converted.system;
  if (system.length > 0) out.system = system;
  const stop = stopSequences(body.stop, ctx);
  if (stop) out.stop_sequences = stop;
  Object.assign(out, samp);
  const user = userId(body, ctx);
  if (user) out.metadata = { user_id: user };
  if (tools) out.tools = tools;
  if (toolChoice) out.tool_choice = toolChoice;
  if (think.thinking) out.thinking = think.thinking;
  const outputConfig: Record<string, unknown> = {};
  if (think.effort) outputConfig.effort = think.effort;
  if (rf.format) outputConfig.format = rf.format;
  if (Object.keys(outputConfig).length > 0) out.output_config = outputConfig;
  if (body.stream === true) out.stream = true;

  const state: ResponseState = { clientModel, stream: body.stream === true, includeUsage: includeUsage(body) };
  if (Object.keys(names.reverse).length > 0) state.toolNames = names.reverse;
  if (jsonTool) state.jsonTool = jsonTool;
  return { body: out, state, upstreamModel, warnings: ctx.warnings };
}
