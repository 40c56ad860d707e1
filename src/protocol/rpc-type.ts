/** RPC type byte of the frame header (APISIX apisix/constants.lua). */
export const RpcType = {
  ERROR: 0,
  PREPARE_CONF: 1,
  HTTP_REQ_CALL: 2,
  EXTRA_INFO: 3,
  HTTP_RESP_CALL: 4,
} as const;

export type RpcTypeValue = (typeof RpcType)[keyof typeof RpcType];

const NAMES: Record<number, string> = {
  0: 'error',
  1: 'prepare_conf',
  2: 'http_req_call',
  3: 'extra_info',
  4: 'http_resp_call',
};

/** Log-friendly name of a type byte; unknown values keep their number. */
export function rpcTypeName(type: number): string {
  return NAMES[type] ?? `unknown_${type}`;
}

/** A6.Err.Code. APISIX retries (with a fresh PrepareConf) only on CONF_TOKEN_NOT_FOUND. */
export const ErrCode = {
  BAD_REQUEST: 0,
  SERVICE_UNAVAILABLE: 1,
  CONF_TOKEN_NOT_FOUND: 2,
} as const;

export type ErrCodeValue = (typeof ErrCode)[keyof typeof ErrCode];
