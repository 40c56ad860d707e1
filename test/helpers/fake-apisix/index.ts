/** Fake APISIX client for runner and filter tests; see fake-apisix.ts for the API and behaviour. */
export { FakeApisix, type FakeApisixOptions, type FakeHttpRequest, type Upstream, type ConfEntry, type ReqCallOutcome, type RespCallOutcome } from './fake-apisix';
export { FakeConnection, FakeApisixError, type TraceEntry } from './connection';
export { ConnectionPool, POOL_SIZE } from './pool';
export { luaFrame, luaHeader, headerLength, LUA_MAX_DATA, type RawFrame } from './wire';
export { uriSafeEncode, applyRewrite, applyRespCall, setThenAdd, headerValue, EXCLUDED_RESP_HEADERS, type Header, type UpstreamRequest, type ClientResponse } from './apply';
export * as apisixMessages from './messages';
