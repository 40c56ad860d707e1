/**
 * One handler per RPC type APISIX initiates. Each decodes its payload (a DecodeError becomes
 * BAD_REQUEST), does its work, and returns the reply payload; the reply frame carries the request's
 * type. Failures are thrown as CallFailure and turned into Err frames by the connection.
 */
import type { Logger } from 'pino';
import type { SchemaCompiler } from '../config/ajv';
import { callLogger } from '../log/fields';
import {
  DecodeError, RpcType, decodeHttpReqCall, decodeHttpRespCall, decodePrepareConfReq,
  encodeHttpReqCallResp, encodeHttpRespCallResp, encodePrepareConfResp,
} from '../protocol';
import { badRequest, tokenNotFound } from './call-failure';
import { requestView, responseView } from './call-views';
import type { ConfCache } from './conf-cache';
import type { CallExtraInfo } from './extra-info';
import type { FilterRegistry } from './filter-contract';
import { runRequestFilters, runResponseFilters } from './filter-chain';
import { ConfRejection, confFingerprint, prepareFilters, type PreparedFilter } from './prepared-conf';

/** What every call needs from the runner. */
export interface RunnerCore {
  readonly registry: FilterRegistry;
  readonly confs: ConfCache<readonly PreparedFilter[]>;
  readonly schemas: SchemaCompiler;
}

export interface CallContext {
  /** Call-scoped logger; handlers narrow it with request_id / conf_token as they learn them. */
  log: Logger;
  readonly info: CallExtraInfo;
}

export type Handler = (payload: Buffer, core: RunnerCore, ctx: CallContext) => Promise<Uint8Array>;

function decoded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof DecodeError) throw badRequest(`undecodable payload: ${e.message}`, e);
    throw e;
  }
}

function confFor(core: RunnerCore, token: number): readonly PreparedFilter[] {
  const filters = core.confs.get(token);
  if (!filters) throw tokenNotFound(token);
  return filters;
}

const prepareConf: Handler = async (payload, core, ctx) => {
  const req = decoded(() => decodePrepareConfReq(payload));
  ctx.log = callLogger(ctx.log, { route_key: req.key });
  let filters: PreparedFilter[];
  try {
    filters = prepareFilters(req.conf, core.registry, core.schemas);
  } catch (e) {
    if (!(e instanceof ConfRejection)) throw e;
    callLogger(ctx.log, { filter: e.filter }).error({ conf_index: e.index, problem: e.message }, `route conf refused: ${e.message}`);
    throw badRequest(`conf entry ${e.index} (${e.filter}) refused`, e);
  }
  const token = core.confs.put(req.key, confFingerprint(req.conf), filters);
  ctx.log.debug({ conf_token: token, filters: filters.map((f) => f.name) }, 'conf prepared');
  return encodePrepareConfResp(token);
};

const httpReqCall: Handler = async (payload, core, ctx) => {
  const call = decoded(() => decodeHttpReqCall(payload));
  ctx.log = callLogger(ctx.log, { request_id: call.id, conf_token: call.confToken });
  const filters = confFor(core, call.confToken);
  const reply = await runRequestFilters(filters, requestView(call, ctx.info), ctx.log);
  ctx.log.debug({ action: reply.kind }, 'request call answered');
  return encodeHttpReqCallResp(call.id, reply);
};

const httpRespCall: Handler = async (payload, core, ctx) => {
  const call = decoded(() => decodeHttpRespCall(payload));
  ctx.log = callLogger(ctx.log, { request_id: call.id, conf_token: call.confToken });
  const filters = confFor(core, call.confToken);
  const reply = await runResponseFilters(filters, responseView(call, ctx.info), ctx.log);
  ctx.log.debug({ replaced: reply.headers !== undefined || reply.body !== undefined || !!reply.status }, 'response call answered');
  return encodeHttpRespCallResp(call.id, reply);
};

/** RPC types APISIX initiates. Anything else (including 0 and 3 out of turn) is BAD_REQUEST. */
export const HANDLERS: ReadonlyMap<number, Handler> = new Map<number, Handler>([
  [RpcType.PREPARE_CONF, prepareConf],
  [RpcType.HTTP_REQ_CALL, httpReqCall],
  [RpcType.HTTP_RESP_CALL, httpRespCall],
]);
