/**
 * A whole Anthropic SSE stream folded back into the message it describes, for clients that asked for
 * one JSON answer when the upstream streamed anyway (an ai-proxy-multi instance forcing stream, say).
 */
import { ConversionError } from './errors';
import { SseParser } from './sse';
import { mergeAnthropicUsage } from './usage';
import type { AnthropicUsageIn } from './types/anthropic';

type Obj = Record<string, unknown>;

export type Accumulated = { kind: 'message'; message: Obj } | { kind: 'error'; error: { type: string; message: string } };

export function accumulateStream(body: Uint8Array | string): Accumulated {
  const parser = new SseParser();
  const events = [...parser.push(body), ...parser.end()];
  // As lenient as the stream converter: a stream that skipped message_start still has a message.
  let message: Obj = { type: 'message', role: 'assistant' };
  const blocks: Obj[] = [];
  const json: string[] = [];
  const usage: AnthropicUsageIn = {};
  let finished = false;
  for (const ev of events) {
    let data: Obj;
    try {
      data = JSON.parse(ev.data) as Obj;
    } catch {
      continue;
    }
    const type = ev.event !== 'message' ? ev.event : String(data.type);
    const index = Number(data.index);
    const block = blocks[index];
    const delta = (data.delta ?? {}) as Obj;
    switch (type) {
      case 'message_start':
        message = { ...((data.message ?? {}) as Obj) };
        mergeAnthropicUsage(usage, message.usage as AnthropicUsageIn);
        break;
      case 'content_block_start':
        blocks[index] = { ...((data.content_block ?? {}) as Obj) };
        json[index] = '';
        break;
      case 'content_block_delta':
        if (!block) break;
        if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
        else if (delta.type === 'input_json_delta') json[index] += String(delta.partial_json ?? '');
        else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
        else if (delta.type === 'signature_delta') block.signature = delta.signature;
        else if (delta.type === 'citations_delta') block.citations = [...((block.citations as unknown[]) ?? []), delta.citation];
        break;
      case 'content_block_stop':
        if (block && (block.type === 'tool_use' || block.type === 'server_tool_use') && json[index] !== '') {
          try {
            block.input = JSON.parse(json[index]);
          } catch {
            throw new ConversionError('ERR_UPSTREAM_RESPONSE_INVALID', 'The upstream streamed tool input that is not valid JSON.', { status: 502, type: 'api_error' });
          }
        }
        break;
      case 'message_delta':
        Object.assign(message, { stop_reason: delta.stop_reason ?? message.stop_reason, stop_sequence: delta.stop_sequence ?? message.stop_sequence });
        mergeAnthropicUsage(usage, data.usage as AnthropicUsageIn);
        finished = true;
        break;
      case 'error': {
        const err = (data.error ?? {}) as Obj;
        return { kind: 'error', error: { type: String(err.type ?? 'api_error'), message: String(err.message ?? 'The upstream reported an error mid-stream.') } };
      }
      default:
        break;
    }
  }
  if (!finished) {
    throw new ConversionError('ERR_STREAM_TRUNCATED', 'The upstream stream ended before the message was complete.', { status: 502, type: 'api_error' });
  }
  return { kind: 'message', message: { ...message, content: blocks.filter(Boolean), usage } };
}
