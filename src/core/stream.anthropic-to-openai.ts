/**
 * The one stream state machine: Anthropic SSE events in, serialised OpenAI chunk frames out. The bridge
 * feeds it event by event; the ext-plugin filter feeds it a whole buffered body. One instance per response.
 */
import type { CoreEnv } from './env';
import { fromAnthropicErrorType, openAIError } from './error.anthropic-to-openai';
import type { ResolvedOptions } from './options';
import { completionId, restoreToolName } from './response.anthropic-to-openai';
import { SseParser, type SseEvent } from './sse';
import type { ResponseState } from './state';
import { fromAnthropicStopReason } from './stop-reason';
import type { AnthropicUsageIn } from './types/anthropic';
import type { FinishReason } from './types/openai';
import { fromAnthropicUsage, mergeAnthropicUsage } from './usage';

type BlockKind = 'text' | 'tool' | 'json' | 'thinking' | 'other';
interface BlockState { kind: BlockKind; ordinal: number; sentArgs: boolean; thinking: string }
type Obj = Record<string, unknown>;

const DONE = 'data: [DONE]\n\n';

export class StreamConverter {
  private id: string | undefined;
  private readonly created: number;
  private started = false;
  private finishSent = false;
  private done = false;
  private toolCount = 0;
  private readonly blocks = new Map<number, BlockState>();
  private readonly usage: AnthropicUsageIn = {};
  private finish: FinishReason = 'stop';

  constructor(
    private readonly state: ResponseState,
    _options: ResolvedOptions,
    private readonly env: CoreEnv,
  ) {
    this.created = Math.floor(env.now() / 1000);
  }

  /** True once [DONE] or an error object has been produced; later events are ignored. */
  get finished(): boolean {
    return this.done;
  }

  get finishReason(): FinishReason | undefined {
    return this.finishSent ? this.finish : undefined;
  }

  /** Cumulative usage seen so far, in OpenAI form. */
  get usageSoFar() {
    return fromAnthropicUsage(this.usage);
  }

  push(ev: SseEvent): string[] {
    if (this.done) return [];
    const fast = this.deltaFastPath(ev);
    if (fast !== undefined) return fast;
    let data: Obj;
    try {
      const parsed: unknown = JSON.parse(ev.data);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      data = parsed as Obj;
    } catch {
      // A known event that cannot be read means we can no longer vouch for the stream.
      if (ev.event === 'message' || KNOWN.has(ev.event)) return this.fail('The upstream sent an SSE event that is not valid JSON.', 'api_error', 'ERR_UPSTREAM_RESPONSE_INVALID');
      return [];
    }
    const type = ev.event !== 'message' ? ev.event : typeof data.type === 'string' ? data.type : '';
    const out: string[] = [];
    switch (type) {
      case 'message_start': {
        const message = (data.message ?? {}) as Obj;
        if (this.id === undefined) this.id = completionId(message.id, this.env);
        mergeAnthropicUsage(this.usage, message.usage as AnthropicUsageIn);
        this.ensureStarted(out);
        break;
      }
      case 'content_block_start':
        this.blockStart(Number(data.index), (data.content_block ?? {}) as Obj, out);
        break;
      case 'content_block_delta':
        this.blockDelta(Number(data.index), (data.delta ?? {}) as Obj, out);
        break;
      case 'content_block_stop': {
        const block = this.blocks.get(Number(data.index));
        if (block?.kind === 'tool' && !block.sentArgs) {
          block.sentArgs = true;
          out.push(this.chunk({ tool_calls: [{ index: block.ordinal, function: { arguments: '{}' } }] }));
        }
        break;
      }
      case 'message_delta': {
        mergeAnthropicUsage(this.usage, data.usage as AnthropicUsageIn);
        const delta = (data.delta ?? {}) as Obj;
        if (!this.finishSent && delta.stop_reason !== undefined) this.sendFinish(delta.stop_reason as string | null, delta.stop_sequence, out);
        break;
      }
      case 'message_stop':
        this.close(out);
        break;
      case 'error': {
        const err = (data.error ?? {}) as Obj;
        const message = typeof err.message === 'string' ? err.message : 'The upstream reported an error mid-stream.';
        return [...out, ...this.fail(message, fromAnthropicErrorType(err.type), typeof err.type === 'string' ? err.type : null)];
      }
      default:
        // ping and event types added after this was written carry nothing a client needs.
        break;
    }
    return out;
  }

  /**
   * Text and tool-argument deltas are nearly every event of a stream. In Anthropic's exact serialisation
   * their payload is one JSON string token that can be copied into the chunk as it is, without a parse
   * and a re-serialise. Anything else (another field order, an unexpected block, a token that is not a
   * plain string) takes the general path, so the output means the same either way.
   */
  private deltaFastPath(ev: SseEvent): string[] | undefined {
    const d = ev.data;
    if (!this.started || (ev.event !== 'content_block_delta' && ev.event !== 'message') || !d.startsWith(DELTA_HEAD)) return undefined;
    let i = DELTA_HEAD.length;
    let index = 0;
    const digitsStart = i;
    for (let c = d.charCodeAt(i); c >= 48 && c <= 57 && i - digitsStart < 9; c = d.charCodeAt(++i)) index = index * 10 + (c - 48);
    if (i === digitsStart) return undefined;
    const isText = d.startsWith(TEXT_DELTA_MID, i);
    if (!isText && !d.startsWith(JSON_DELTA_MID, i)) return undefined;
    const start = i + (isText ? TEXT_DELTA_MID : JSON_DELTA_MID).length - 1;
    const end = d.length - 2;
    if (end <= start + 1 || d.charCodeAt(end - 1) !== 34 || !d.endsWith('}}')) return undefined;
    for (let j = start + 1; j < end - 1; j++) {
      const c = d.charCodeAt(j);
      if (c === 92) j++;
      else if (c === 34 || c < 32) return undefined;
    }
    if (d.charCodeAt(end - 2) === 92 && !evenBackslashesBefore(d, end - 1)) return undefined;
    const block = this.blocks.get(index);
    const token = d.slice(start, end);
    const empty = token === '""';
    if (isText) {
      if (!block || block.kind !== 'text') return undefined;
      return empty ? [] : [this.rawChunk(`{"content":${token}}`)];
    }
    if (!block || (block.kind !== 'tool' && block.kind !== 'json')) return undefined;
    if (empty) return [];
    if (block.kind === 'json') return [this.rawChunk(`{"content":${token}}`)];
    block.sentArgs = true;
    return [this.rawChunk(`{"tool_calls":[{"index":${block.ordinal},"function":{"arguments":${token}}}]}`)];
  }

  /** Upstream EOF. A stream that got its finish but lost message_stop still ends normally. */
  end(): string[] {
    if (this.done) return [];
    if (this.finishSent) {
      const out: string[] = [];
      this.close(out);
      return out;
    }
    return this.fail('The upstream stream ended before the message was complete.', 'api_error', 'ERR_STREAM_TRUNCATED');
  }

  /** Ends the client stream with an OpenAI error object (no [DONE] after an error, as OpenAI does). */
  fail(message: string, type: string, code: string | null): string[] {
    if (this.done) return [];
    this.done = true;
    return [`data: ${JSON.stringify(openAIError(message, type, code))}\n\n`];
  }

  private ensureStarted(out: string[]): void {
    if (this.started) return;
    this.started = true;
    if (this.id === undefined) this.id = this.env.newId('chatcmpl-');
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private blockStart(index: number, block: Obj, out: string[]): void {
    this.ensureStarted(out);
    const state: BlockState = { kind: 'other', ordinal: -1, sentArgs: false, thinking: '' };
    this.blocks.set(index, state);
    switch (block.type) {
      case 'text':
        state.kind = 'text';
        if (typeof block.text === 'string' && block.text !== '') out.push(this.chunk({ content: block.text }));
        break;
      case 'tool_use': {
        const name = typeof block.name === 'string' ? block.name : '';
        if (this.state.jsonTool && name === this.state.jsonTool) {
          state.kind = 'json';
          break;
        }
        state.kind = 'tool';
        state.ordinal = this.toolCount++;
        const id = typeof block.id === 'string' ? block.id : this.env.newId('call_');
        out.push(this.chunk({ tool_calls: [{ index: state.ordinal, id, type: 'function', function: { name: restoreToolName(name, this.state), arguments: '' } }] }));
        break;
      }
      case 'thinking':
        state.kind = 'thinking';
        if (typeof block.thinking === 'string' && block.thinking !== '') {
          state.thinking = block.thinking;
          out.push(this.chunk({ reasoning_content: block.thinking }));
        }
        break;
      case 'redacted_thinking':
        out.push(this.chunk({ thinking_blocks: [{ type: 'redacted_thinking', data: String(block.data ?? '') }] }));
        break;
      default:
        break;
    }
  }

  private blockDelta(index: number, delta: Obj, out: string[]): void {
    const block = this.blocks.get(index);
    switch (delta.type) {
      case 'text_delta':
        if (typeof delta.text === 'string' && delta.text !== '' && (!block || block.kind === 'text')) {
          this.ensureStarted(out);
          out.push(this.chunk({ content: delta.text }));
        }
        break;
      case 'input_json_delta': {
        const part = delta.partial_json;
        if (typeof part !== 'string' || part === '' || !block) break;
        if (block.kind === 'tool') {
          block.sentArgs = true;
          out.push(this.chunk({ tool_calls: [{ index: block.ordinal, function: { arguments: part } }] }));
        } else if (block.kind === 'json') {
          out.push(this.chunk({ content: part }));
        }
        break;
      }
      case 'thinking_delta':
        if (typeof delta.thinking === 'string' && delta.thinking !== '' && block?.kind === 'thinking') {
          block.thinking += delta.thinking;
          out.push(this.chunk({ reasoning_content: delta.thinking }));
        }
        break;
      case 'signature_delta':
        // The signature closes a thinking block: hand the client the whole signed block to send back.
        if (typeof delta.signature === 'string' && block?.kind === 'thinking') {
          out.push(this.chunk({ thinking_blocks: [{ type: 'thinking', thinking: block.thinking, signature: delta.signature }] }));
        }
        break;
      case 'citations_delta':
        if (delta.citation !== undefined) out.push(this.chunk({ citations: [delta.citation] }));
        break;
      default:
        break;
    }
  }

  private sendFinish(stopReason: string | null, stopSequence: unknown, out: string[]): void {
    this.ensureStarted(out);
    const mapped = fromAnthropicStopReason(stopReason, this.toolCount > 0);
    const native = mapped.native;
    const finish_reason = this.state.jsonTool && this.toolCount === 0 && stopReason === 'tool_use' ? 'stop' : mapped.finish_reason;
    this.finish = finish_reason;
    this.finishSent = true;
    const extra: Obj = {};
    if (native) extra.native_finish_reason = native;
    if (typeof stopSequence === 'string') extra.stop_sequence = stopSequence;
    out.push(this.chunk({}, finish_reason, extra));
  }

  private close(out: string[]): void {
    if (!this.finishSent) this.sendFinish(null, undefined, out);
    if (this.state.includeUsage) {
      out.push(`data: ${JSON.stringify({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.state.clientModel, choices: [], usage: fromAnthropicUsage(this.usage) })}\n\n`);
    }
    out.push(DONE);
    this.done = true;
  }

  /** The chunk envelope up to the delta: identical for every chunk of the stream, so built once. */
  private prefix: string | undefined;

  private chunk(delta: Obj, finish: FinishReason | null = null, choiceExtra?: Obj): string {
    return this.rawChunk(JSON.stringify(delta), finish, choiceExtra);
  }

  private rawChunk(deltaJson: string, finish: FinishReason | null = null, choiceExtra?: Obj): string {
    if (this.prefix === undefined) {
      this.prefix = `data: {"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${this.created},"model":${JSON.stringify(this.state.clientModel)},"choices":[{"index":0,"delta":`;
    }
    let out = `${this.prefix}${deltaJson},"logprobs":null,"finish_reason":${finish === null ? 'null' : `"${finish}"`}`;
    if (choiceExtra) for (const [k, v] of Object.entries(choiceExtra)) out += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
    return `${out}}]${this.state.includeUsage ? ',"usage":null' : ''}}\n\n`;
  }
}

const DELTA_HEAD = '{"type":"content_block_delta","index":';
const TEXT_DELTA_MID = ',"delta":{"type":"text_delta","text":"';
const JSON_DELTA_MID = ',"delta":{"type":"input_json_delta","partial_json":"';

/** True when the character at `pos` is preceded by an even number of backslashes (so it is not escaped). */
function evenBackslashesBefore(s: string, pos: number): boolean {
  let n = 0;
  for (let k = pos - 1; k >= 0 && s.charCodeAt(k) === 92; k--) n++;
  return n % 2 === 0;
}

const KNOWN = new Set(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'error']);

/** A whole buffered Anthropic SSE body -> the whole OpenAI SSE body (ext-plugin path). */
export function convertBufferedStream(body: Uint8Array | string, state: ResponseState, options: ResolvedOptions, env: CoreEnv): string {
  const parser = new SseParser();
  const conv = new StreamConverter(state, options, env);
  const out: string[] = [];
  try {
    for (const ev of parser.push(body)) out.push(...conv.push(ev));
    for (const ev of parser.end()) out.push(...conv.push(ev));
  } catch (e) {
    const message = e instanceof Error ? e.message : 'The upstream stream could not be read.';
    out.push(...conv.fail(message, 'api_error', (e as { code?: string }).code ?? 'ERR_UPSTREAM_RESPONSE_INVALID'));
  }
  out.push(...conv.end());
  return out.join('');
}

/**
 * A whole message replayed as the event sequence Anthropic would have streamed, so that a client that
 * asked for a stream gets one even when the upstream answered JSON, through the same state machine.
 */
export function messageToEvents(message: Obj): SseEvent[] {
  const ev = (type: string, payload: Obj): SseEvent => ({ event: type, data: JSON.stringify({ type, ...payload }) });
  const usage = (message.usage ?? {}) as Obj;
  const events: SseEvent[] = [ev('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 0 } } })];
  const content = Array.isArray(message.content) ? (message.content as Obj[]) : [];
  content.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
        if (block.text) events.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } }));
        for (const citation of (block.citations as unknown[] | undefined) ?? []) events.push(ev('content_block_delta', { index, delta: { type: 'citations_delta', citation } }));
        break;
      case 'tool_use':
        events.push(ev('content_block_start', { index, content_block: { ...block, input: {} } }));
        events.push(ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) } }));
        break;
      case 'thinking':
        events.push(ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '' } }));
        if (block.thinking) events.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: block.thinking } }));
        events.push(ev('content_block_delta', { index, delta: { type: 'signature_delta', signature: block.signature ?? '' } }));
        break;
      default:
        events.push(ev('content_block_start', { index, content_block: block }));
        break;
    }
    events.push(ev('content_block_stop', { index }));
  });
  events.push(ev('message_delta', { delta: { stop_reason: message.stop_reason ?? null, stop_sequence: message.stop_sequence ?? null }, usage }));
  events.push(ev('message_stop', {}));
  return events;
}
