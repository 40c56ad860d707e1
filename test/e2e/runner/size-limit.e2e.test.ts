import { MAX_PAYLOAD, encodeHttpReqCallResp } from '../../../src/protocol';
import { apisixMessages as m, headerLength, luaHeader } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { bigFilter } from './test-filters';

let h: Harness;
beforeAll(async () => { h = await startHarness([bigFilter]); });
afterAll(() => h.cleanup());

/** Largest Stop body whose reply (id 1) still fits one frame; builders pad to 4 bytes, so it is MAX - 3. */
function largestFittingBody(): { body: number; payload: number } {
  let body = MAX_PAYLOAD - 60;
  let payload = encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(body) }).length;
  while (payload > MAX_PAYLOAD) payload = encodeHttpReqCallResp(1, { kind: 'stop', status: 200, body: new Uint8Array(--body) }).length;
  return { body, payload };
}

async function call(size: number) {
  const token = await h.apisix.prepareConf(`big#${size}`, [{ name: 'test-big', value: JSON.stringify({ size }) }]);
  const conn = await h.apisix.rawConnection();
  conn.sendFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'GET', path: '/' }));
  const frame = await conn.receiveFrame(30_000);
  conn.destroy();
  return frame;
}

test('the largest reply that fits is sent whole, with the exact length in the header', async () => {
  const { body, payload } = largestFittingBody();
  expect(payload).toBeGreaterThan(MAX_PAYLOAD - 4);
  const frame = await call(body);
  expect(frame.type).toBe(2);
  expect([...frame.header]).toEqual([2, (payload >> 16) & 0xff, (payload >> 8) & 0xff, payload & 0xff]);
  expect(frame.payload.length).toBe(payload);
  expect(m.readHttpReqCallResp(frame.payload)).toMatchObject({ action: 'stop', status: 200 });
});

test('a reply one step over the limit is refused: logged error and SERVICE_UNAVAILABLE, never a truncated header', async () => {
  const { body } = largestFittingBody();
  const frame = await call(body + 1);
  expect(frame.type).toBe(0);
  expect(m.readErr(frame.payload).code).toBe(1);
  expect(headerLength(frame.header)).toBe(frame.payload.length);
  const line = h.logs.find('call failed').at(-1)!;
  expect(String(line.problem)).toMatch(/does not fit one frame \(max 16777215\)/);
});

test('a request frame of exactly 16,777,215 bytes is read whole (then refused as undecodable)', async () => {
  const conn = await h.apisix.rawConnection();
  const payload = Buffer.alloc(MAX_PAYLOAD, 0xff);
  conn.sendRaw(Buffer.concat([luaHeader(1, MAX_PAYLOAD), payload]));
  expect([...luaHeader(1, MAX_PAYLOAD)]).toEqual([1, 0xff, 0xff, 0xff]);
  const f = await conn.receiveFrame(30_000);
  expect([f.type, m.readErr(f.payload).code]).toEqual([0, 0]);
  // The stream is still in sync: the next request is answered normally.
  conn.sendFrame(1, m.buildPrepareConfReq('after-big', [['test-big', '{"size":1}']]));
  expect((await conn.receiveFrame(5000)).type).toBe(1);
  conn.destroy();
});
