/**
 * ExtraInfo on behalf of one call: variables cached per name, each body fetched at most once. The
 * once-only rule matters for RespBody: a second request makes APISIX read an already drained upstream
 * body and overwrite the chunks it kept with nothing, so the client would get an empty body.
 */
import type { ExtraInfoQuery } from '../protocol';

/** Sends one ExtraInfo request on the call's connection and resolves with APISIX's result. */
export type ExtraInfoExchange = (query: ExtraInfoQuery) => Promise<Uint8Array | undefined>;

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

export class CallExtraInfo {
  private readonly vars = new Map<string, Promise<string | undefined>>();
  private reqBodyResult?: Promise<Buffer | undefined>;
  private respBodyResult?: Promise<Buffer | undefined>;
  /** Number of ExtraInfo requests sent, for logs and tests. */
  requests = 0;

  constructor(private readonly exchange: ExtraInfoExchange) {}

  private send(query: ExtraInfoQuery): Promise<Uint8Array | undefined> {
    this.requests += 1;
    return this.exchange(query);
  }

  variable(name: string): Promise<string | undefined> {
    let result = this.vars.get(name);
    if (!result) {
      result = this.send({ kind: 'var', name }).then((bytes) => (bytes === undefined ? undefined : toBuffer(bytes).toString('utf8')));
      this.vars.set(name, result);
    }
    return result;
  }

  reqBody(): Promise<Buffer | undefined> {
    this.reqBodyResult ??= this.send({ kind: 'reqBody' }).then((b) => (b === undefined ? undefined : toBuffer(b)));
    return this.reqBodyResult;
  }

  respBody(): Promise<Buffer | undefined> {
    this.respBodyResult ??= this.send({ kind: 'respBody' }).then((b) => (b === undefined ? undefined : toBuffer(b)));
    return this.respBodyResult;
  }
}
