/**
 * Incremental frame accumulator for a stream socket: reads may split a frame anywhere (even inside
 * the header) or carry several frames. Chunks are kept as received and each payload byte is copied
 * at most once (a payload inside a single chunk is a zero-copy view), so the cost is linear in the
 * bytes received whatever the chunking.
 */
import { Frame, HEADER_SIZE } from './frame';

export class FrameReader {
  private chunks: Buffer[] = [];
  /** Index of the first unconsumed chunk, and the offset of the first unconsumed byte in it. */
  private first = 0;
  private offset = 0;
  private buffered = 0;
  private expected = -1;
  private expectedType = 0;

  /** Bytes received but not yet returned as part of a frame. */
  get bufferedBytes(): number {
    return this.buffered + (this.expected >= 0 ? HEADER_SIZE : 0);
  }

  /** Adds received bytes and returns every frame they complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    if (chunk.length > 0) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.buffered += chunk.length;
    }
    const frames: Frame[] = [];
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < HEADER_SIZE) break;
        const header = this.take(HEADER_SIZE);
        this.expectedType = header[0];
        this.expected = (header[1] << 16) | (header[2] << 8) | header[3];
      }
      if (this.buffered < this.expected) break;
      frames.push({ type: this.expectedType, payload: this.take(this.expected) });
      this.expected = -1;
    }
    this.compact();
    return frames;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.buffered -= n;
    const head = this.chunks[this.first];
    if (head.length - this.offset >= n) {
      const view = head.subarray(this.offset, this.offset + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[this.first];
      const count = Math.min(chunk.length - this.offset, n - written);
      chunk.copy(out, written, this.offset, this.offset + count);
      written += count;
      this.advance(count);
    }
    return out;
  }

  private advance(n: number): void {
    this.offset += n;
    if (this.offset === this.chunks[this.first].length) {
      this.first += 1;
      this.offset = 0;
    }
  }

  /** Drops consumed chunks; amortised, so a long-lived connection does not grow its chunk list. */
  private compact(): void {
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first > 32 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
