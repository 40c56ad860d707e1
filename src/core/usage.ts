import type { AnthropicUsageIn } from './types/anthropic';
import type { UsageExt } from './types/openai';

const n = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);

/**
 * prompt_tokens counts everything the model read, cached or not, so that OpenAI-side cost tooling
 * sees the same total as Anthropic bills; cached_tokens is the cache-read part.
 */
export function fromAnthropicUsage(u: AnthropicUsageIn | undefined | null): UsageExt {
  const input = n(u?.input_tokens);
  const cacheRead = n(u?.cache_read_input_tokens);
  const cacheCreate = n(u?.cache_creation_input_tokens);
  const prompt = input + cacheRead + cacheCreate;
  const completion = n(u?.output_tokens);
  const usage: UsageExt = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  if (cacheCreate > 0) usage.cache_creation_input_tokens = cacheCreate;
  return usage;
}

/** Stream usage counters are cumulative: later values replace earlier ones, never add to them. */
export function mergeAnthropicUsage(into: AnthropicUsageIn, update: AnthropicUsageIn | undefined | null): void {
  if (!update) return;
  for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const v = update[k];
    if (typeof v === 'number') into[k] = v;
  }
}
