/**
 * A minimal APISIX-side client for benchmarks: builds APISIX's requests with the flatc-generated
 * classes and answers ExtraInfo like APISIX. (The full fake APISIX with APISIX's reply rules lives in
 * test/helpers; this one only needs to be fast and correct for the happy path.)
 */
import { connect, type Socket } from 'node:net';
import { Builder, ByteBuffer } from 'flatbuffers';
import { encodeFrame, FrameReader, type Frame } from '../src/protocol';
import { TextEntry } from '../src/protocol/generated/a6/text-entry';
import { Method } from '../src/protocol/generated/a6/method';
import { Req as PrepareReq } from '../src/protocol/generated/a6/prepare-conf/req';
import { Resp as PrepareResp } from '../src/protocol/generated/a6/prepare-conf/resp';
import { Req as ReqCallReq } from '../src/protocol/generated/a6/httpreq-call/req';
import { Req as RespCallReq } from '../src/protocol/generated/a6/httpresp-call/req';
import { Req as InfoReq } from '../src/protocol/generated/a6/extra-info/req';
import { Resp as InfoResp } from '../src/protocol/generated/a6/extra-info/resp';
import { Var } from '../src/protocol/generated/a6/extra-info/var';
import { Info } from '../src/protocol/generated/a6/extra-info/info';

type Pair = readonly [string, string];

function textEntries(b: Builder, list: readonly Pair[], vector: (b: Builder, offs: number[]) => number): number {
  const offs = list.map(([n, v]) => {
    const name = b.createString(n);
    const value = b.createString(v);
    TextEntry.startTextEntry(b);
    TextEntry.addName(b, name);
    TextEntry.addValue(b, value);
    return TextEntry.endTextEntry(b);
  });
  return vector(b, offs);
}

export function prepareConfPayload(key: string, conf: Pair[]): Uint8Array {
  const b = new Builder(256);
  const c = textEntries(b, conf, PrepareReq.createConfVector);
  const k = b.createString(key);
  PrepareReq.startReq(b);
  PrepareReq.addConf(b, c);
  PrepareReq.addKey(b, k);
  b.finish(PrepareReq.endReq(b));
  return b.asUint8Array();
}

export function reqCallPayload(id: number, token: number, path: string, headers: Pair[]): Uint8Array {
  const b = new Builder(1024);
  const h = textEntries(b, headers, ReqCallReq.createHeadersVector);
  const p = b.createString(path);
  ReqCallReq.startReq(b);
  ReqCallReq.addId(b, id);
  ReqCallReq.addMethod(b, Method.POST);
  ReqCallReq.addPath(b, p);
  ReqCallReq.addHeaders(b, h);
  ReqCallReq.addConfToken(b, token);
  b.finish(ReqCallReq.endReq(b));
  return b.asUint8Array();
}

export function respCallPayload(id: number, token: number, status: number, headers: Pair[]): Uint8Array {
  const b = new Builder(512);
  const h = textEntries(b, headers, RespCallReq.createHeadersVector);
  RespCallReq.startReq(b);
  RespCallReq.addId(b, id);
  RespCallReq.addStatus(b, status);
  RespCallReq.addHeaders(b, h);
  RespCallReq.addConfToken(b, token);
  b.finish(RespCallReq.endReq(b));
  return b.asUint8Array();
}

function infoRespPayload(result: Uint8Array | undefined): Uint8Array {
  const b = new Builder(result ? result.length + 64 : 64);
  const r = result ? InfoResp.createResultVector(b, result) : 0;
  InfoResp.startResp(b);
  if (result) InfoResp.addResult(b, r);
  b.finish(InfoResp.endResp(b));
  return b.asUint8Array();
}

export interface CallContext {
  vars?: Record<string, string>;
  reqBody?: Uint8Array;
  respBody?: Uint8Array;
}

/** One APISIX-like connection: one call at a time, ExtraInfo answered from the context. */
export class BenchConnection {
  private readonly reader = new FrameReader();
  private waiting: ((f: Frame) => void) | undefined;
  private queue: Frame[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      for (const f of this.reader.push(chunk)) {
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          w(f);
        } else this.queue.push(f);
      }
    });
  }

  static open(path: string): Promise<BenchConnection> {
    return new Promise((resolve, reject) => {
      const s = connect(path, () => resolve(new BenchConnection(s)));
      s.once('error', reject);
    });
  }

  private next(): Promise<Frame> {
    const f = this.queue.shift();
    return f ? Promise.resolve(f) : new Promise((r) => (this.waiting = r));
  }

  /** Sends a request frame and loops over ExtraInfo until the final reply. */
  async call(type: number, payload: Uint8Array, ctx: CallContext = {}): Promise<Frame> {
    this.socket.write(encodeFrame(type, payload));
    for (;;) {
      const f = await this.next();
      if (f.type !== 3) return f;
      const q = InfoReq.getRootAsReq(new ByteBuffer(f.payload));
      let result: Uint8Array | undefined;
      if (q.infoType() === Info.Var) result = ctx.vars?.[q.info(new Var())!.name() ?? ''] !== undefined ? Buffer.from(ctx.vars![q.info(new Var())!.name()!]) : undefined;
      else if (q.infoType() === Info.ReqBody) result = ctx.reqBody;
      else if (q.infoType() === Info.RespBody) result = ctx.respBody;
      this.socket.write(encodeFrame(3, infoRespPayload(result)));
    }
  }

  async prepare(key: string, conf: Pair[]): Promise<number> {
    const f = await this.call(1, prepareConfPayload(key, conf));
    if (f.type !== 1) throw new Error(`PrepareConf failed with frame type ${f.type}`);
    return PrepareResp.getRootAsResp(new ByteBuffer(f.payload)).confToken();
  }

  close(): void {
    this.socket.destroy();
  }
}
