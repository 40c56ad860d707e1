/**
 * Why a call ends with an A6.Err frame instead of a reply. The code is what APISIX sees; the reason
 * is only logged. APISIX turns every Err into a 503 (or lets the request through with
 * allow_degradation) and retries, with a fresh PrepareConf, only on CONF_TOKEN_NOT_FOUND.
 */
import { ErrCode, type ErrCodeValue } from '../protocol';

export class CallFailure extends Error {
  readonly errCode: ErrCodeValue;
  /** The filter that failed, when one did (logged as the `filter` field). */
  readonly filter?: string;

  constructor(errCode: ErrCodeValue, message: string, options?: { cause?: unknown; filter?: string }) {
    super(message, options);
    this.name = 'CallFailure';
    this.errCode = errCode;
    this.filter = options?.filter;
  }
}

export const badRequest = (message: string, cause?: unknown): CallFailure => new CallFailure(ErrCode.BAD_REQUEST, message, { cause });
export const unavailable = (message: string, cause?: unknown, filter?: string): CallFailure =>
  new CallFailure(ErrCode.SERVICE_UNAVAILABLE, message, { cause, filter });
export const tokenNotFound = (token: number): CallFailure =>
  new CallFailure(ErrCode.CONF_TOKEN_NOT_FOUND, `conf token ${token} not found (expired, evicted, or issued before a restart)`);

export function errCodeName(code: ErrCodeValue): string {
  return code === ErrCode.BAD_REQUEST ? 'BAD_REQUEST' : code === ErrCode.SERVICE_UNAVAILABLE ? 'SERVICE_UNAVAILABLE' : 'CONF_TOKEN_NOT_FOUND';
}
