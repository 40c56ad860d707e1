/**
 * Request-scoped log fields. The same names are used by the runner and the bridge so that one query
 * finds a request across both.
 */
import type { Logger } from 'pino';

export interface CallFields {
  /** RPC name: prepare_conf, http_req_call, http_resp_call, ... */
  readonly rpc?: string;
  /** APISIX's request id (HTTPReqCall/HTTPRespCall `id`). */
  readonly request_id?: number | string;
  readonly conf_token?: number;
  readonly filter?: string;
  /** APISIX's idempotent key of the route conf (PrepareConf). */
  readonly route_key?: string;
  /** Runner connection number, to follow one socket. */
  readonly conn?: number;
}

/** A child logger carrying only the fields that are set. */
export function callLogger(parent: Logger, fields: CallFields): Logger {
  const bindings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) bindings[k] = v;
  return parent.child(bindings);
}
