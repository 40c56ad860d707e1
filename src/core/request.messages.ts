/**
 * OpenAI messages -> Anthropic system + alternating turns. Same-role turns are merged; in a user turn
 * tool results come first; tool calls and results must pair up (refused here with a clear message
 * rather than by the upstream); signed thinking from the client is replayed first, unchanged.
 */
import { ConversionError } from './errors';
import { cacheControl, convertUserContent, textBlock, textParts } from './request.content';
import { isObject, type RequestContext } from './request.context';
import type { ToolNames } from './request.tools';
import type { AnthropicBlock, AnthropicMessage } from './types/anthropic';

export interface ConvertedMessages {
  system: AnthropicBlock[];
  messages: AnthropicMessage[];
  /** History contains tool_use / tool_result blocks. */
  hasToolBlocks: boolean;
  hasThinkingBlocks: boolean;
}

function parseArguments(raw: unknown, where: string, ctx: RequestContext): Record<string, unknown> {
  if (isObject(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    try {
      const v: unknown = JSON.parse(raw);
      if (isObject(v)) return v;
    } catch {
      // handled below
    }
  } else if (raw === undefined || raw === null || raw === '') {
    return {};
  }
  if (ctx.options.invalid_tool_arguments === 'reject') {
    throw new ConversionError('ERR_TOOL_ARGUMENTS_INVALID', `${where} is not a JSON object.`, { param: where });
  }
  ctx.warn('rewritten', where, 'tool call arguments are not a JSON object; sent as {}');
  return {};
}

function thinkingReplay(msg: Record<string, unknown>, where: string): AnthropicBlock[] {
  const blocks = msg.thinking_blocks;
  if (!Array.isArray(blocks)) return [];
  const out: AnthropicBlock[] = [];
  blocks.forEach((b, i) => {
    if (isObject(b) && b.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
      out.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
    } else if (isObject(b) && b.type === 'redacted_thinking' && typeof b.data === 'string') {
      out.push({ type: 'redacted_thinking', data: b.data });
    } else {
      throw new ConversionError('ERR_MESSAGE_INVALID', `${where}.thinking_blocks[${i}] must be a signed thinking block or a redacted_thinking block.`, { param: `${where}.thinking_blocks` });
    }
  });
  return out;
}

class TurnBuilder {
  readonly turns: AnthropicMessage[] = [];

  add(role: 'user' | 'assistant', blocks: AnthropicBlock[]): void {
    if (blocks.length === 0) return;
    const last = this.turns[this.turns.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else this.turns.push({ role, content: [...blocks] });
  }
}

export function convertMessages(input: unknown, names: ToolNames, ctx: RequestContext): ConvertedMessages {
  if (!Array.isArray(input) || input.length === 0) {
    throw new ConversionError('ERR_REQUEST_INVALID', 'messages must be a non-empty array.', { param: 'messages' });
  }
  const system: AnthropicBlock[] = [];
  const turns = new TurnBuilder();
  let legacyCallId: string | undefined;
  let hasToolBlocks = false;
  let hasThinkingBlocks = false;

  input.forEach((raw, i) => {
    const where = `messages[${i}]`;
    if (!isObject(raw)) throw new ConversionError('ERR_MESSAGE_INVALID', `${where} must be an object.`, { param: where });
    const content = raw.content;
    switch (raw.role) {
      case 'system':
      case 'developer': {
        const blocks = textParts(content, `${where}.content`, ctx);
        if (ctx.options.system_messages === 'in_place' && turns.turns.length > 0) turns.add('user', blocks);
        else system.push(...blocks);
        break;
      }
      case 'user':
        turns.add('user', convertUserContent(content, `${where}.content`, ctx));
        break;
      case 'assistant': {
        const thinking = thinkingReplay(raw, where);
        if (thinking.length > 0) hasThinkingBlocks = true;
        const blocks: AnthropicBlock[] = [...thinking];
        if (typeof content === 'string') {
          const b = textBlock(content);
          if (b) blocks.push(b);
        } else if (Array.isArray(content)) {
          content.forEach((part, j) => {
            const at = `${where}.content[${j}]`;
            if (!isObject(part) || (part.type !== 'text' && part.type !== 'refusal')) {
              throw new ConversionError('ERR_MESSAGE_INVALID', `${at}: assistant content parts must be text or refusal.`, { param: at });
            }
            const b = textBlock(String(part.type === 'text' ? part.text ?? '' : part.refusal ?? ''), cacheControl(part.cache_control, `${at}.cache_control`, ctx));
            if (b) blocks.push(b);
          });
        } else if (content !== null && content !== undefined) {
          throw new ConversionError('ERR_MESSAGE_INVALID', `${where}.content must be a string, an array or null.`, { param: `${where}.content` });
        }
        if (Array.isArray(raw.tool_calls)) {
          raw.tool_calls.forEach((call, j) => {
            const at = `${where}.tool_calls[${j}]`;
            if (!isObject(call) || !isObject(call.function) || typeof call.function.name !== 'string' || typeof call.id !== 'string' || call.id === '') {
              throw new ConversionError('ERR_MESSAGE_INVALID', `${at} must have an id and a function name.`, { param: at });
            }
            blocks.push({ type: 'tool_use', id: call.id, name: names.upstream(call.function.name), input: parseArguments(call.function.arguments, `${at}.function.arguments`, ctx) });
          });
        }
        if (isObject(raw.function_call) && typeof raw.function_call.name === 'string') {
          // Legacy function calls carry no id; the next `function` message answers this one.
          legacyCallId = `toolu_legacy_${i}`;
          blocks.push({ type: 'tool_use', id: legacyCallId, name: names.upstream(raw.function_call.name), input: parseArguments(raw.function_call.arguments, `${where}.function_call.arguments`, ctx) });
        }
        if (blocks.some((b) => b.type === 'tool_use')) hasToolBlocks = true;
        turns.add('assistant', blocks);
        break;
      }
      case 'tool':
      case 'function': {
        let id: string;
        if (raw.role === 'tool') {
          if (typeof raw.tool_call_id !== 'string' || raw.tool_call_id === '') {
            throw new ConversionError('ERR_TOOL_CALL_ID_MISSING', `${where} (role tool) has no tool_call_id.`, { param: `${where}.tool_call_id` });
          }
          id = raw.tool_call_id;
        } else {
          if (!legacyCallId) throw new ConversionError('ERR_TOOL_ORPHAN_RESULT', `${where} (role function) answers no preceding function_call.`, { param: where });
          id = legacyCallId;
          legacyCallId = undefined;
        }
        const result: AnthropicBlock = { type: 'tool_result', tool_use_id: id };
        const parts = textParts(content, `${where}.content`, ctx);
        if (parts.length > 0) result.content = parts;
        hasToolBlocks = true;
        turns.add('user', [result]);
        break;
      }
      default:
        throw new ConversionError('ERR_MESSAGE_INVALID', `${where}.role ${JSON.stringify(raw.role)} is not one of system, developer, user, assistant, tool, function.`, { param: `${where}.role` });
    }
  });

  const messages = turns.turns;
  for (const turn of messages) {
    if (turn.role === 'user') turn.content = [...turn.content.filter((b) => b.type === 'tool_result'), ...turn.content.filter((b) => b.type !== 'tool_result')];
  }
  checkToolPairing(messages);
  trimFinalPrefill(messages);
  if (messages.length === 0) throw new ConversionError('ERR_MESSAGE_EMPTY', 'messages contain no user or assistant content to send.', { param: 'messages' });
  limitCacheBreakpoints(system, messages, ctx);
  return { system, messages, hasToolBlocks, hasThinkingBlocks };
}

function checkToolPairing(messages: AnthropicMessage[]): void {
  messages.forEach((turn, t) => {
    if (turn.role === 'assistant') {
      const ids = turn.content.filter((b) => b.type === 'tool_use').map((b) => String(b.id));
      if (ids.length === 0) return;
      const next = messages[t + 1];
      const answered = new Set(next?.role === 'user' ? next.content.filter((b) => b.type === 'tool_result').map((b) => String(b.tool_use_id)) : []);
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        throw new ConversionError('ERR_TOOL_ORPHAN_RESULT', `tool calls without a tool message answering them right after: ${missing.join(', ')}.`, { param: 'messages' });
      }
      if (new Set(ids).size !== ids.length) throw new ConversionError('ERR_TOOL_ORPHAN_RESULT', 'tool call ids must be unique within an assistant turn.', { param: 'messages' });
    } else {
      const prev = messages[t - 1];
      const called = new Set(prev?.role === 'assistant' ? prev.content.filter((b) => b.type === 'tool_use').map((b) => String(b.id)) : []);
      const orphans = turn.content.filter((b) => b.type === 'tool_result' && !called.has(String(b.tool_use_id))).map((b) => String(b.tool_use_id));
      if (orphans.length > 0) {
        throw new ConversionError('ERR_TOOL_ORPHAN_RESULT', `tool messages answer no tool call of the preceding assistant message: ${orphans.join(', ')}.`, { param: 'messages' });
      }
    }
  });
}

/** A final assistant message is a prefill; Anthropic refuses one that ends in whitespace. */
function trimFinalPrefill(messages: AnthropicMessage[]): void {
  const last = messages[messages.length - 1];
  if (!last || last.role !== 'assistant') return;
  const tail = last.content[last.content.length - 1];
  if (tail?.type === 'text' && typeof tail.text === 'string') {
    tail.text = tail.text.trimEnd();
    if (tail.text === '') last.content.pop();
  }
  if (last.content.length === 0) messages.pop();
}

/** Anthropic accepts at most 4 cache breakpoints; the last ones cover the longest prefix, so they stay. */
function limitCacheBreakpoints(system: AnthropicBlock[], messages: AnthropicMessage[], ctx: RequestContext): void {
  const marked: AnthropicBlock[] = [];
  for (const b of system) if (b.cache_control !== undefined) marked.push(b);
  for (const m of messages) for (const b of m.content) if (b.cache_control !== undefined) marked.push(b);
  const excess = marked.length - 4;
  if (excess <= 0) return;
  for (let i = 0; i < excess; i++) delete marked[i].cache_control;
  ctx.warn('dropped', 'cache_control', `${excess} cache breakpoint(s) beyond Anthropic's limit of 4 were removed (the last 4 are kept)`);
}
