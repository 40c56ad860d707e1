import { ByteBuffer } from 'flatbuffers';
import {
  DecodeError, ErrCode, MAX_PAYLOAD, decodeExtraInfoResp, decodeHttpReqCall, decodeHttpRespCall, decodePrepareConfReq,
  encodeErr, encodeExtraInfoReq, encodeHttpReqCallResp, encodeHttpRespCallResp, encodePrepareConfResp,
} from '../../../src/protocol';
import { apisixMessages as m } from '../../helpers/fake-apisix';

test('PrepareConf.Req: conf entries in order, absent value kept as null, key', () => {
  const payload = m.buildPrepareConfReq('route#1#ext-plugin-pre-req#7', [['a', '{"x":1}'], ['b', null], ['c', '']]);
  expect(decodePrepareConfReq(payload)).toEqual({ key: 'route#1#ext-plugin-pre-req#7', conf: [['a', '{"x":1}'], ['b', null], ['c', '']] });
  expect(decodePrepareConfReq(m.buildPrepareConfReq(undefined, undefined))).toEqual({ key: '', conf: [] });
});

test('PrepareConf.Resp carries the token', () => {
  expect(m.readPrepareConfResp(encodePrepareConfResp(1))).toBe(1);
  expect(m.readPrepareConfResp(encodePrepareConfResp(0xffff_ffff))).toBe(0xffff_ffff);
});

test('HTTPReqCall.Req: all fields, GET as the default method, repeated headers and flag args', () => {
  const payload = m.buildHttpReqCall({
    id: 0, confToken: 3, method: 'GET', path: '/v1/chat/completions', srcIp: Uint8Array.from([127, 0, 0, 1]),
    args: [['z', null], ['y', ''], ['k', 'v1'], ['k', 'v2']], headers: [['host', 'h'], ['x-a', '1'], ['x-a', '2']],
  });
  const call = decodeHttpReqCall(payload);
  expect(call).toEqual({
    id: 0, confToken: 3, method: 'GET', path: '/v1/chat/completions', srcIp: Uint8Array.from([127, 0, 0, 1]),
    args: [['z', null], ['y', ''], ['k', 'v1'], ['k', 'v2']], headers: [['host', 'h'], ['x-a', '1'], ['x-a', '2']],
  });
  expect(decodeHttpReqCall(m.buildHttpReqCall({ id: (3 << 22) + 5, confToken: 1, method: 'TRACE', path: '/' })).method).toBe('TRACE');
});

test('an out-of-range method is a decode error', () => {
  const payload = Buffer.from(m.buildHttpReqCall({ id: 1, confToken: 1, method: 'POST', path: '/' }));
  // Patch the method byte (POST = 2, field id 2 -> vtable slot 8) to an undefined enum value.
  const bb = new ByteBuffer(payload);
  const root = bb.readInt32(0);
  const vtable = root - bb.readInt32(root);
  const methodOff = bb.readInt16(vtable + 8);
  payload[root + methodOff] = 99;
  expect(() => decodeHttpReqCall(payload)).toThrow(DecodeError);
});

test('HTTPReqCall.Resp Stop: status, headers, body; empty body left out', () => {
  const stop = m.readHttpReqCallResp(encodeHttpReqCallResp(9, { kind: 'stop', status: 418, headers: [['x', '1']], body: Buffer.from('tea') }));
  expect(stop).toEqual({ action: 'stop', id: 9, status: 418, headers: [['x', '1']], body: Buffer.from('tea') });
  const empty = m.readHttpReqCallResp(encodeHttpReqCallResp(9, { kind: 'stop', status: 0, body: new Uint8Array(0) }));
  expect(empty).toEqual({ action: 'stop', id: 9, status: 0, headers: [], body: Buffer.alloc(0) });
});

test('HTTPReqCall.Resp Rewrite: every field, deletions as entries without value', () => {
  const reply = m.readHttpReqCallResp(encodeHttpReqCallResp(1, {
    kind: 'rewrite', path: '/v1/messages', headers: [['content-length', '3'], ['transfer-encoding', null]],
    args: [['a', null], ['b', 'c']], respHeaders: [['x-r', '1']], body: Buffer.from('abc'),
  }));
  expect(reply).toEqual({
    action: 'rewrite', id: 1, path: '/v1/messages', headers: [['content-length', '3'], ['transfer-encoding', null]],
    args: [['a', null], ['b', 'c']], respHeaders: [['x-r', '1']], body: Buffer.from('abc'),
  });
});

test('Rewrite.body sits at vtable offset 12 (field id 4), as APISIX reads it', () => {
  const payload = encodeHttpReqCallResp(1, { kind: 'rewrite', body: Buffer.from('xyz') });
  const bb = new ByteBuffer(payload);
  const resp = bb.readInt32(0);
  const respVt = resp - bb.readInt32(resp);
  expect(bb.readUint8(resp + bb.readInt16(respVt + 6))).toBe(2); // action_type Rewrite at id 1
  const actionField = resp + bb.readInt16(respVt + 8);
  const rewrite = actionField + bb.readInt32(actionField);
  const vt = rewrite - bb.readInt32(rewrite);
  expect(bb.readInt16(vt)).toBeGreaterThanOrEqual(14);
  for (const slot of [4, 6, 8, 10]) expect(bb.readInt16(vt + slot)).toBe(0);
  const bodyField = rewrite + bb.readInt16(vt + 12);
  const vec = bodyField + bb.readInt32(bodyField);
  expect(bb.readInt32(vec)).toBe(3);
  expect(Buffer.from(payload.subarray(vec + 4, vec + 7)).toString()).toBe('xyz');
});

test('none is a bare Resp with the id echoed and action NONE', () => {
  expect(m.readHttpReqCallResp(encodeHttpReqCallResp(77, { kind: 'none' }))).toEqual({ action: 'none', id: 77 });
});

test('HTTPRespCall.Req and Resp', () => {
  const call = decodeHttpRespCall(m.buildHttpRespCall({ id: 4, confToken: 2, status: 502, headers: [['Content-Type', 'text/event-stream']] }));
  expect(call).toEqual({ id: 4, confToken: 2, status: 502, headers: [['Content-Type', 'text/event-stream']] });
  expect(m.readHttpRespCallResp(encodeHttpRespCallResp(4, { status: 200, headers: [['content-type', 'application/json']], body: Buffer.from('{}') })))
    .toEqual({ id: 4, status: 200, headers: [['content-type', 'application/json']], body: Buffer.from('{}') });
  expect(m.readHttpRespCallResp(encodeHttpRespCallResp(4, {}))).toEqual({ id: 4, status: 0, headers: [], body: Buffer.alloc(0) });
});

test('ExtraInfo.Req for each info type', () => {
  expect(m.readExtraInfoReq(encodeExtraInfoReq({ kind: 'var', name: 'http_x_state' }))).toEqual({ kind: 'var', name: 'http_x_state' });
  expect(m.readExtraInfoReq(encodeExtraInfoReq({ kind: 'reqBody' }))).toEqual({ kind: 'reqBody' });
  expect(m.readExtraInfoReq(encodeExtraInfoReq({ kind: 'respBody' }))).toEqual({ kind: 'respBody' });
});

test('ExtraInfo.Resp distinguishes an absent result from an empty one', () => {
  expect(decodeExtraInfoResp(m.buildExtraInfoResp(undefined))).toBeUndefined();
  const empty = decodeExtraInfoResp(m.buildExtraInfoResp(new Uint8Array(0)));
  expect(empty).toBeInstanceOf(Uint8Array);
  expect(empty).toHaveLength(0);
  expect(Buffer.from(decodeExtraInfoResp(m.buildExtraInfoResp(Buffer.from('v')))!).toString()).toBe('v');
});

test('Err.Resp is never empty and carries each code', () => {
  for (const [code, text] of [[ErrCode.BAD_REQUEST, 'bad request'], [ErrCode.SERVICE_UNAVAILABLE, 'service unavailable'], [ErrCode.CONF_TOKEN_NOT_FOUND, 'conf token not found']] as const) {
    const payload = encodeErr(code);
    expect(payload.length).toBeGreaterThan(0);
    expect(m.readErr(payload)).toEqual({ code, text });
  }
});

test('a Stop whose body pushes the payload to exactly MAX_PAYLOAD still encodes, one byte more exceeds it', () => {
  const overhead = encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(8) }).length - 8;
  let size = MAX_PAYLOAD - overhead;
  let len = encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(size) }).length;
  while (len > MAX_PAYLOAD) len = encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(--size) }).length;
  expect(len).toBeLessThanOrEqual(MAX_PAYLOAD);
  expect(encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(size + 8) }).length).toBeGreaterThan(MAX_PAYLOAD);
});
