/**
 * A whole Anthropic message -> one OpenAI chat.completion. The stream path produces the same content,
 * tool calls, finish_reason and usage for the same answer (tested against each other).
 */
import type { CoreEnv } from './env';
import { ConversionError } from './errors';
import type { ResolvedOptions } from './options';
import type { ResponseState } from './state';
import { fromAnthropicStopReason } from './stop-reason';
import type { AnthropicUsageIn } from './types/anthropic';
import type { ChatCompletionExt, MessageExt, ThinkingBlockExt } from './types/openai';
import { fromAnthropicUsage } from './usage';

type Block = Record<string, unknown> & { type?: unknown };

/** chatcmpl-<Anthropic message id> so that logs on both sides can be joined; env id otherwise. */
export function completionId(messageId: unknown, env: CoreEnv): string {
  return typeof messageId === 'string' && /^[A-Za-z0-9_-]{1,200}$/.test(messageId)
    ? `chatcmpl-${messageId.replace(/^msg_/, '')}`
    : env.newId('chatcmpl-');
}

export function restoreToolName(name: string, state: ResponseState): string {
  // Own keys only: a tool may be called `constructor` or `__proto__`.
  return state.toolNames && Object.hasOwn(state.toolNames, name) ? state.toolNames[name] : name;
}

function invalid(why: string): ConversionError {
  return new ConversionError('ERR_UPSTREAM_RESPONSE_INVALID', `The upstream answer is not an Anthropic message: ${why}.`, { status: 502, type: 'api_error' });
}

export function convertMessageResponse(message: unknown, state: ResponseState, _options: ResolvedOptions, env: CoreEnv): ChatCompletionExt {
  if (!message || typeof message !== 'object' || Array.isArray(message)) throw invalid('not a JSON object');
  const msg = message as { id?: unknown; type?: unknown; content?: unknown; stop_reason?: unknown; stop_sequence?: unknown; usage?: unknown };
  if (msg.type !== undefined && msg.type !== 'message') throw invalid(`type is ${JSON.stringify(msg.type)}`);
  if (!Array.isArray(msg.content)) throw invalid('content is not an array');

  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: ThinkingBlockExt[] = [];
  const citations: unknown[] = [];
  const toolCalls: NonNullable<MessageExt['tool_calls']> = [];
  let jsonContent: string | undefined;

  for (const raw of msg.content as unknown[]) {
    if (!raw || typeof raw !== 'object') continue;
    const b = raw as Block;
    switch (b.type) {
      case 'text':
        if (typeof b.text === 'string') texts.push(b.text);
        if (Array.isArray(b.citations)) citations.push(...b.citations);
        break;
      case 'tool_use': {
        const name = typeof b.name === 'string' ? b.name : '';
        const args = JSON.stringify(b.input ?? {});
        if (state.jsonTool && name === state.jsonTool) {
          jsonContent = args;
          break;
        }
        toolCalls.push({ id: String(b.id ?? env.newId('call_')), type: 'function', function: { name: restoreToolName(name, state), arguments: args } });
        break;
      }
      case 'thinking':
        if (typeof b.thinking === 'string') reasoning.push(b.thinking);
        thinkingBlocks.push({ type: 'thinking', thinking: String(b.thinking ?? ''), signature: String(b.signature ?? '') });
        break;
      case 'redacted_thinking':
        thinkingBlocks.push({ type: 'redacted_thinking', data: String(b.data ?? '') });
        break;
      default:
        // server_tool_use and its results are executed by Anthropic; they are not client tool calls.
        break;
    }
  }

  const stopReason = typeof msg.stop_reason === 'string' ? msg.stop_reason : null;
  const mapped = fromAnthropicStopReason(stopReason, toolCalls.length > 0);
  const native = mapped.native;
  // The forced response_format tool is our doing: to the client it is a plain answer.
  const finish_reason = jsonContent !== undefined && toolCalls.length === 0 && stopReason === 'tool_use' ? 'stop' : mapped.finish_reason;

  let content: string | null = jsonContent ?? texts.join('');
  if (jsonContent === undefined && texts.length === 0 && toolCalls.length > 0) content = null;

  const out: MessageExt = { role: 'assistant', content, refusal: null };
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  if (reasoning.length > 0) out.reasoning_content = reasoning.join('');
  if (thinkingBlocks.length > 0) out.thinking_blocks = thinkingBlocks;
  if (citations.length > 0) out.citations = citations;

  const choice: ChatCompletionExt['choices'][number] = { index: 0, message: out, finish_reason, logprobs: null };
  if (native) choice.native_finish_reason = native;
  if (typeof msg.stop_sequence === 'string') choice.stop_sequence = msg.stop_sequence;

  return {
    id: completionId(msg.id, env),
    object: 'chat.completion',
    created: Math.floor(env.now() / 1000),
    model: state.clientModel,
    choices: [choice],
    usage: fromAnthropicUsage(msg.usage as AnthropicUsageIn | undefined),
  };
}
