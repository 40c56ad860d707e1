/**
 * Incremental Server-Sent Events parser and serializer (WHATWG EventSource rules). Input may arrive in
 * any split, even inside a UTF-8 sequence or between CR and LF; each byte is looked at once, so cost
 * is linear in the input. An event larger than maxEventSize is refused rather than buffered without end.
 */
import { ConversionError } from './errors';

export interface SseEvent {
  /** The `event:` field, 'message' when absent. */
  event: string;
  data: string;
  id?: string;
}

export interface SseParserOptions {
  /** Largest event (sum of its line lengths, in UTF-16 units) accepted; default 8 MiB. */
  maxEventSize?: number;
}

export const DEFAULT_MAX_SSE_EVENT = 8 * 1024 * 1024;

const LF = 10;
const CR = 13;

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly maxEventSize: number;
  private partial = '';
  private afterCR = false;
  private started = false;
  private data: string[] = [];
  private eventName = '';
  private id: string | undefined;
  private size = 0;

  constructor(opts: SseParserOptions = {}) {
    this.maxEventSize = opts.maxEventSize ?? DEFAULT_MAX_SSE_EVENT;
  }

  push(chunk: Uint8Array | string): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const out: SseEvent[] = [];
    this.scan(text, out);
    return out;
  }

  /**
   * End of input. Unlike a browser, a final event whose blank line never came is still delivered:
   * upstreams that close right after their last `data:` line lose nothing.
   */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    this.scan(this.decoder.decode(), out);
    if (this.partial !== '') {
      const line = this.partial;
      this.partial = '';
      this.line(line, out);
    }
    this.dispatch(out);
    return out;
  }

  private scan(input: string, out: SseEvent[]): void {
    let text = input;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== LF && c !== CR) {
        this.afterCR = false;
        continue;
      }
      if (c === LF && this.afterCR) {
        // Second half of a CRLF whose CR ended the previous line (possibly in the previous chunk).
        this.afterCR = false;
        start = i + 1;
        continue;
      }
      const piece = text.slice(start, i);
      const line = this.partial === '' ? piece : this.partial + piece;
      this.partial = '';
      this.afterCR = c === CR;
      this.line(line, out);
      start = i + 1;
    }
    if (start < text.length) {
      this.partial += text.slice(start);
      this.checkSize(this.size + this.partial.length);
    }
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      this.dispatch(out);
      return;
    }
    this.checkSize(this.size + line.length);
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.size += value.length + 1;
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        // `retry` and unknown fields carry nothing we use.
        break;
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data.length > 0) {
      const ev: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n') };
      if (this.id !== undefined) ev.id = this.id;
      out.push(ev);
    }
    this.data = [];
    this.eventName = '';
    this.size = 0;
  }

  private checkSize(size: number): void {
    if (size > this.maxEventSize) {
      throw new ConversionError('ERR_STREAM_EVENT_TOO_LARGE', `An upstream SSE event exceeded ${this.maxEventSize} characters.`, { status: 502, type: 'api_error' });
    }
  }
}

/** One SSE event; multi-line data becomes several `data:` lines. */
export function formatSse(data: string, event?: string): string {
  const head = event ? `event: ${event}\n` : '';
  if (!data.includes('\n') && !data.includes('\r')) return `${head}data: ${data}\n\n`;
  return `${head}${data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join('\n')}\n\n`;
}
