/**
 * One cosocket as APISIX uses it: connect (1 s timeout), send whole frames, receive(4) then
 * receive(len) with a read timeout per receive (60 s in APISIX), and a keepalive check that fails
 * when unread bytes are left in the buffer ("unread data in buffer").
 */
import { connect, type Socket } from 'node:net';
import { headerLength, luaFrame, type RawFrame } from './wire';

export interface TraceEntry {
  readonly dir: 'out' | 'in';
  /** Which connection (1, 2, ... in opening order) carried the frame. */
  readonly conn: number;
  readonly frame: RawFrame;
}

export class FakeApisixError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FakeApisixError';
  }
}

export class FakeConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private waiter?: () => void;
  private ended = false;
  /** Every frame sent and received, in order, for byte-level assertions. */
  readonly frames: { dir: 'out' | 'in'; frame: RawFrame }[] = [];
  readonly id: number;
  /** When set, frames are also appended here (the current call's trace). */
  tap?: TraceEntry[];

  private constructor(private readonly socket: Socket, id: number) {
    this.id = id;
    socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.wake();
    });
    socket.on('close', () => { this.ended = true; this.wake(); });
    socket.on('error', () => { this.ended = true; this.wake(); });
  }

  static open(path: string, id: number, connectTimeoutMs: number): Promise<FakeConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => { socket.destroy(); reject(new FakeApisixError('failed to connect: timeout')); }, connectTimeoutMs);
      socket.once('connect', () => { clearTimeout(timer); socket.removeAllListeners('error'); resolve(new FakeConnection(socket, id)); });
      socket.once('error', (e) => { clearTimeout(timer); reject(new FakeApisixError(`failed to connect: ${e.message}`)); });
    });
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** Bytes received and not read: APISIX's setkeepalive refuses such a connection. */
  get unread(): number {
    return this.buffered.length;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  sendFrame(type: number, payload: Uint8Array): void {
    const bytes = luaFrame(type, payload);
    this.record('out', { type, header: bytes.subarray(0, 4), payload: Buffer.from(payload) });
    this.socket.write(bytes);
  }

  /** Raw bytes, for malformed-frame tests. */
  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** ngx cosocket receive(n): resolves with exactly n bytes, or fails on close/timeout. */
  async receive(n: number, timeoutMs: number): Promise<Buffer> {
    const started = Date.now();
    while (this.buffered.length < n) {
      if (this.closed) throw new FakeApisixError('closed');
      const left = timeoutMs - (Date.now() - started);
      if (left <= 0) throw new FakeApisixError('timeout');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.waiter = undefined; resolve(); }, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
    const out = this.buffered.subarray(0, n);
    this.buffered = this.buffered.subarray(n);
    return Buffer.from(out);
  }

  /** APISIX's receive_data: header then payload, with its error texts. */
  async receiveFrame(timeoutMs: number): Promise<RawFrame> {
    let header: Buffer;
    try {
      header = await this.receive(4, timeoutMs);
    } catch (e) {
      if (this.buffered.length > 0 && this.closed) throw new FakeApisixError('header too short');
      throw e;
    }
    const len = headerLength(header);
    let payload: Buffer;
    try {
      payload = await this.receive(len, timeoutMs);
    } catch (e) {
      throw new FakeApisixError(`data truncated (${(e as Error).message})`);
    }
    const frame = { type: header[0], header, payload };
    this.record('in', frame);
    return frame;
  }

  private record(dir: 'out' | 'in', frame: RawFrame): void {
    this.frames.push({ dir, frame });
    this.tap?.push({ dir, conn: this.id, frame });
  }

  destroy(): void {
    this.socket.destroy();
  }
}
