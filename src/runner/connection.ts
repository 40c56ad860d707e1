/**
 * One APISIX connection. APISIX uses a connection strictly request/response: one call at a time,
 * ExtraInfo round trips inside a call, then idle (pooled) for as long as it likes, possibly without
 * ever sending anything. So: no idle timeout, never an unsolicited byte, and calls on other
 * connections never wait for this one (APISIX opens a second connection for PrepareConf while the
 * first one waits for its HTTPReqCall answer).
 *
 * Every call is answered before `callDeadlineMs` (well under APISIX's fixed 60 s read timeout): with
 * the reply, or with an Err frame. A bad payload gets an Err frame and the connection goes on; a
 * protocol violation (an ExtraInfo answer nobody asked for) or a missed deadline ends this
 * connection only.
 */
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { callLogger } from '../log/fields';
import {
  ErrCode, FrameReader, FrameTooLargeError, MAX_PAYLOAD, RpcType, decodeExtraInfoResp, encodeErr, encodeExtraInfoReq, encodeFrameHeader,
  rpcTypeName, type ErrCodeValue, type ExtraInfoQuery, type Frame,
} from '../protocol';
import { CallFailure, badRequest, errCodeName, unavailable } from './call-failure';
import { CallExtraInfo } from './extra-info';
import { HANDLERS, type CallContext, type RunnerCore } from './handlers';

export interface CallEvent {
  readonly rpc: string;
  readonly outcome: 'ok' | 'error';
  /** Err code name when outcome is 'error'. */
  readonly errCode?: string;
  readonly durationMs: number;
  readonly extraInfoRequests: number;
}

export interface ConnectionOptions {
  readonly id: number;
  readonly core: RunnerCore;
  readonly log: Logger;
  readonly callDeadlineMs: number;
  readonly onCall?: (event: CallEvent) => void;
  readonly onClose: (conn: RunnerConnection) => void;
}

/** Requests that may wait behind the current call; APISIX never pipelines, so this is a safety bound. */
const MAX_QUEUED = 8;

interface PendingInfo {
  resolve(result: Uint8Array | undefined): void;
  reject(error: Error): void;
}

export class RunnerConnection {
  private readonly reader = new FrameReader();
  private readonly queue: Frame[] = [];
  private pending: PendingInfo[] = [];
  /** Settles when the matching ExtraInfo answer (or the connection's end) arrives. */
  private readonly outstanding = new Set<Promise<void>>();
  private busy = false;
  private closed = false;
  private draining = false;
  private readonly log: Logger;
  private idleWaiters: (() => void)[] = [];
  /** Ends the current call's wait early (the connection went away: nobody will read the answer). */
  private abortCall?: (e: Error) => void;

  constructor(private readonly socket: Socket, private readonly opts: ConnectionOptions) {
    this.log = callLogger(opts.log, { conn: opts.id });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.log.debug({ err: e }, 'connection error'));
    socket.on('close', () => this.onSocketClose());
  }

  get id(): number {
    return this.opts.id;
  }

  get inCall(): boolean {
    return this.busy;
  }

  /** Graceful stop: an idle connection closes now, a busy one right after its reply. */
  drain(): Promise<void> {
    this.draining = true;
    if (!this.busy) this.end();
    return this.closed ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const frame of this.reader.push(chunk)) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    if (this.busy && frame.type === RpcType.EXTRA_INFO) {
      const waiter = this.pending.shift();
      if (!waiter) return this.violation('an ExtraInfo answer arrived that was not asked for');
      let result: Uint8Array | undefined;
      try {
        result = decodeExtraInfoResp(frame.payload);
      } catch (e) {
        return waiter.reject(badRequest(`undecodable ExtraInfo answer: ${(e as Error).message}`, e));
      }
      return waiter.resolve(result);
    }
    if (this.busy) {
      if (this.queue.length >= MAX_QUEUED) return this.violation('too many requests pipelined behind the current call');
      this.queue.push(frame);
      return;
    }
    this.startCall(frame);
  }

  private violation(what: string): void {
    this.log.warn({ problem: what }, 'protocol violation: closing this connection');
    this.socket.destroy();
  }

  /** Sends one ExtraInfo request; answers come back in order (APISIX answers FIFO). */
  private exchange(query: ExtraInfoQuery): Promise<Uint8Array | undefined> {
    if (this.closed || this.socket.destroyed) return Promise.reject(unavailable('connection closed during ExtraInfo'));
    const result = new Promise<Uint8Array | undefined>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.writeFrame(RpcType.EXTRA_INFO, encodeExtraInfoReq(query));
    });
    const settled = result.then(() => undefined, () => undefined);
    this.outstanding.add(settled);
    void settled.then(() => this.outstanding.delete(settled));
    return result;
  }

  /** Errors are answered inside runCall; anything escaping it is a bug, and costs only this connection. */
  private startCall(frame: Frame): void {
    this.runCall(frame).catch((e: unknown) => {
      this.log.error({ err: e }, 'internal error while answering a call: closing this connection');
      this.socket.destroy();
    });
  }

  private async runCall(frame: Frame): Promise<void> {
    this.busy = true;
    const started = performance.now();
    const rpc = rpcTypeName(frame.type);
    let open = true;
    const info = new CallExtraInfo((q) => (open ? this.exchange(q) : Promise.reject(unavailable('ExtraInfo after the call was answered'))));
    const ctx: CallContext = { log: callLogger(this.log, { rpc }), info };
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      this.abortCall = reject;
      timer = setTimeout(() => {
        timedOut = true;
        reject(unavailable(`no answer within the ${this.opts.callDeadlineMs} ms call deadline`));
      }, this.opts.callDeadlineMs);
    });
    let type: number = frame.type;
    let payload: Uint8Array;
    let failure: CallFailure | undefined;
    try {
      const handler = HANDLERS.get(frame.type);
      if (!handler) throw badRequest(`unknown RPC type ${frame.type}`);
      const work = handler(frame.payload, this.opts.core, ctx);
      work.catch(() => undefined); // settled later, after a deadline; never unhandled
      payload = await Promise.race([work, deadline]);
      // A filter may have left ExtraInfo requests unawaited: their answers come before APISIX reads
      // our reply, so collect them first or they would be read as the start of the next call.
      await Promise.race([Promise.all(this.outstanding), deadline]);
      if (payload.length > MAX_PAYLOAD) {
        throw unavailable(`reply of ${payload.length} bytes does not fit one frame (max ${MAX_PAYLOAD})`, new FrameTooLargeError(payload.length, MAX_PAYLOAD));
      }
    } catch (e) {
      failure = asFailure(e);
      type = RpcType.ERROR;
      payload = encodeErr(failure.errCode);
    } finally {
      clearTimeout(timer);
      this.abortCall = undefined;
      open = false;
    }
    if (failure) this.logFailure(ctx.log, failure);
    this.opts.onCall?.({
      rpc,
      outcome: failure ? 'error' : 'ok',
      errCode: failure ? errCodeName(failure.errCode) : undefined,
      durationMs: performance.now() - started,
      extraInfoRequests: info.requests,
    });
    if (this.closed || this.socket.destroyed) return;
    this.writeFrame(type, payload);
    this.busy = false;
    if (timedOut || (failure && this.pending.length > 0)) {
      // ExtraInfo answers still on their way would be read as the next request: start afresh
      // (APISIX closes the connection after an error reply anyway).
      this.end();
    } else if (this.draining) {
      this.end();
    } else {
      const next = this.queue.shift();
      if (next) this.startCall(next);
    }
  }

  private logFailure(log: Logger, failure: CallFailure): void {
    const fields = { err_code: errCodeName(failure.errCode), problem: failure.message, ...(failure.filter ? { filter: failure.filter } : {}) };
    if (failure.errCode === ErrCode.SERVICE_UNAVAILABLE) log.error({ ...fields, err: failure.cause }, 'call failed');
    else if (failure.errCode === ErrCode.CONF_TOKEN_NOT_FOUND) log.info(fields, 'unknown conf token: APISIX will prepare again');
    else log.warn(fields, 'bad request from APISIX');
  }

  /** Header and payload as two corked writes: a 16 MB reply is not copied once more to prepend 4 bytes. */
  private writeFrame(type: number, payload: Uint8Array): void {
    const header = encodeFrameHeader(type, payload.length);
    this.socket.cork();
    this.socket.write(header);
    this.socket.write(payload);
    this.socket.uncork();
  }

  private end(): void {
    if (!this.closed) this.socket.end();
  }

  private onSocketClose(): void {
    this.closed = true;
    const pending = this.pending;
    this.pending = [];
    for (const w of pending) w.reject(unavailable('connection closed while waiting for ExtraInfo'));
    this.abortCall?.(unavailable('connection closed during the call'));
    for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.opts.onClose(this);
  }
}

function asFailure(e: unknown): CallFailure {
  if (e instanceof CallFailure) return e;
  return new CallFailure(ErrCode.SERVICE_UNAVAILABLE as ErrCodeValue, `internal error: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}
