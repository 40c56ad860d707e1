/**
 * The official OpenAI SDK as the client-side judge: a custom fetch hands it exactly the bytes we
 * produced, and its own parsers (JSON, SSE, the stream accumulator) must accept them.
 */
import OpenAI from 'openai';

export function sdkWithBody(body: string, init: { status?: number; contentType: string; headers?: Record<string, string> }): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://sdk.invalid/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: init.status ?? 200, headers: { 'content-type': init.contentType, ...(init.headers ?? {}) } }),
  });
}

const REQUEST = { model: 'my-claude', messages: [{ role: 'user' as const, content: 'hi' }] };

/** Parses a chat.completion body the way an application would receive it. */
export async function sdkParseCompletion(body: string): Promise<OpenAI.ChatCompletion> {
  return sdkWithBody(body, { contentType: 'application/json' }).chat.completions.create(REQUEST);
}

/** Runs our SSE text through the SDK's streaming helper; returns the chunks and the accumulated message. */
export async function sdkParseStream(sse: string): Promise<{ chunks: OpenAI.ChatCompletionChunk[]; final: OpenAI.ChatCompletion }> {
  const client = sdkWithBody(sse, { contentType: 'text/event-stream' });
  const stream = client.chat.completions.stream({ ...REQUEST, stream: true });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  stream.on('chunk', (c) => chunks.push(c));
  const final = await stream.finalChatCompletion();
  return { chunks, final };
}

/** Raw SDK stream iteration (no accumulator): surfaces mid-stream error objects as thrown APIErrors. */
export async function sdkIterateStream(sse: string): Promise<{ chunks: OpenAI.ChatCompletionChunk[]; error?: unknown }> {
  const client = sdkWithBody(sse, { contentType: 'text/event-stream' });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  try {
    const stream = await client.chat.completions.create({ ...REQUEST, stream: true });
    for await (const c of stream) chunks.push(c);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}
