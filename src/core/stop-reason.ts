import type { FinishReason } from './types/openai';

/**
 * Anthropic stop_reason -> OpenAI finish_reason (README "finish_reason" table). Unknown future values
 * never fail a response: they become "stop" and the native value travels in native_finish_reason.
 */
export function fromAnthropicStopReason(reason: string | null | undefined, hadToolCalls: boolean): { finish_reason: FinishReason; native?: string } {
  switch (reason) {
    case null:
    case undefined:
      return { finish_reason: 'stop' };
    case 'end_turn':
    case 'stop_sequence':
      return { finish_reason: 'stop', native: reason };
    case 'max_tokens':
    case 'model_context_window_exceeded':
    case 'compaction':
      return { finish_reason: 'length', native: reason };
    case 'tool_use':
      return { finish_reason: hadToolCalls ? 'tool_calls' : 'stop', native: reason };
    case 'refusal':
      return { finish_reason: 'content_filter', native: reason };
    case 'pause_turn':
      return { finish_reason: 'stop', native: reason };
    default:
      return { finish_reason: 'stop', native: String(reason) };
  }
}
