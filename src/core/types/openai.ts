/**
 * OpenAI wire types: the official SDK's own definitions (type-only, nothing of the SDK runs), plus the
 * extension fields this bridge adds for what Chat Completions has no name for.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionContentPart,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

export type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionContentPart,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
  CompletionUsage,
};

/** Signed thinking, returned so that clients can send it back on the next turn byte for byte. */
export type ThinkingBlockExt =
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

export interface UsageExt extends CompletionUsage {
  /** Anthropic's cache_creation_input_tokens (already included in prompt_tokens). */
  cache_creation_input_tokens?: number;
}

export interface MessageExt {
  role: 'assistant';
  content: string | null;
  refusal: null;
  tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlockExt[];
  citations?: unknown[];
}

export interface ChatCompletionExt {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: MessageExt;
    finish_reason: FinishReason;
    logprobs: null;
    /** Anthropic's own stop_reason, as OpenRouter does. */
    native_finish_reason?: string;
    stop_sequence?: string;
  }>;
  usage: UsageExt;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';
