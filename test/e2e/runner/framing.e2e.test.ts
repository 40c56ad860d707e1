/**
 * Byte streams cut at random points over a real socket: the runner must answer exactly as if every
 * frame had arrived in one piece.
 */
import fc from 'fast-check';
import { apisixMessages as m, luaFrame, type FakeConnection } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { echoFilter, passFilter } from './test-filters';

let h: Harness;
beforeAll(async () => { h = await startHarness([passFilter, echoFilter]); });
afterAll(() => h.cleanup());

const tick = () => new Promise<void>((r) => setImmediate(r));

async function sendInPieces(conn: FakeConnection, bytes: Buffer, cuts: number[]): Promise<void> {
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    conn.sendRaw(bytes.subarray(at, cut));
    at = cut;
    await tick();
  }
  conn.sendRaw(bytes.subarray(at));
}

test('PrepareConf requests split anywhere, and several merged in one write, are answered in order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.nat(), { maxLength: 12 }), async (count, cuts) => {
      const conn = await h.apisix.rawConnection();
      const keys = Array.from({ length: count }, (_, i) => `split#${i}#${'x'.repeat(i * 50)}`);
      const wire = Buffer.concat(keys.map((k) => luaFrame(1, m.buildPrepareConfReq(k, [['test-pass', '{}']]))));
      await sendInPieces(conn, wire, cuts);
      const tokens: number[] = [];
      for (let i = 0; i < count; i++) {
        const f = await conn.receiveFrame(5000);
        expect(f.type).toBe(1);
        tokens.push(m.readPrepareConfResp(f.payload));
      }
      // Same key -> same token, whatever the chunking.
      const again = await h.apisix.prepareConf(keys[count - 1], [{ name: 'test-pass', value: '{}' }]);
      expect(tokens[count - 1]).toBe(again);
      expect(new Set(tokens).size).toBe(count);
      conn.destroy();
    }),
    { numRuns: 25 },
  );
});

test('an HTTPReqCall and its ExtraInfo answers split at random points', async () => {
  const token = await h.apisix.prepareConf('echo-split', [{ name: 'test-echo', value: '{"vars":["a"]}' }]);
  await fc.assert(
    fc.asyncProperty(fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 8 }), fc.integer({ min: 0, max: 100_000 }), async (cuts1, cuts2, bodySize) => {
      const conn = await h.apisix.rawConnection();
      const body = Buffer.alloc(bodySize, 0x62);
      await sendInPieces(conn, luaFrame(2, m.buildHttpReqCall({ id: 7, confToken: token, method: 'POST', path: '/s', headers: [['h', 'v']] })), cuts1);
      const q1 = await conn.receiveFrame(5000);
      expect(m.readExtraInfoReq(q1.payload)).toEqual({ kind: 'var', name: 'a' });
      await sendInPieces(conn, luaFrame(3, m.buildExtraInfoResp(Buffer.from('va'))), cuts1);
      const q2 = await conn.receiveFrame(5000);
      expect(m.readExtraInfoReq(q2.payload)).toEqual({ kind: 'reqBody' });
      await sendInPieces(conn, luaFrame(3, m.buildExtraInfoResp(body)), cuts2);
      const final = await conn.receiveFrame(5000);
      expect(final.type).toBe(2);
      const reply = m.readHttpReqCallResp(final.payload);
      expect(reply.action).toBe('stop');
      if (reply.action !== 'stop') return;
      const echoed = JSON.parse(reply.body.toString());
      expect(echoed.vars).toEqual({ a: 'va' });
      expect(echoed.body?.length ?? 0).toBe(bodySize);
      expect(conn.unread).toBe(0);
      conn.destroy();
    }),
    { numRuns: 20 },
  );
});
