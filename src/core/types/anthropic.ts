/** Anthropic wire types from the official SDK (type-only). */
import type {
  MessageCreateParams,
  Message,
  RawMessageStreamEvent,
  ContentBlock,
  ContentBlockParam,
  MessageParam,
  Tool,
  ToolChoice,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';

export type { MessageCreateParams, Message, RawMessageStreamEvent, ContentBlock, ContentBlockParam, MessageParam, Tool, ToolChoice, Usage };

/** Our outgoing request: built field by field, so a plain record of what we set. */
export type AnthropicRequest = Record<string, unknown> & { model: string; max_tokens: number; messages: AnthropicMessage[] };
export interface AnthropicMessage { role: 'user' | 'assistant'; content: AnthropicBlock[] }
export type AnthropicBlock = Record<string, unknown> & { type: string };

export interface AnthropicUsageIn {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}
