/**
 * Random and mutated frames over a real socket. Whatever arrives, the runner stays up and every byte
 * it sends back parses as complete, well-formed frames (type 0 with a decodable Err, or the request's
 * own type), or the connection is closed.
 */
import fc from 'fast-check';
import { apisixMessages as m, headerLength, luaFrame, type FakeConnection } from '../../helpers/fake-apisix';
import { startHarness, type Harness } from './harness';
import { echoFilter, passFilter, stopFilter } from './test-filters';

let h: Harness;
let token = 0;
beforeAll(async () => {
  h = await startHarness([passFilter, stopFilter, echoFilter], { callDeadlineMs: 2000 });
  token = await h.apisix.prepareConf('fuzz', [{ name: 'test-echo', value: '{"vars":["a"]}' }]);
});
afterAll(() => h.cleanup());

const validFrames = () => [
  luaFrame(1, m.buildPrepareConfReq('fuzz#p', [['test-pass', '{}']])),
  luaFrame(2, m.buildHttpReqCall({ id: 1, confToken: token, method: 'POST', path: '/f', headers: [['a', 'b']] })),
  luaFrame(4, m.buildHttpRespCall({ id: 2, confToken: token, status: 200, headers: [['A', 'b']] })),
  luaFrame(3, m.buildExtraInfoResp(Buffer.from('x'))),
];

/** Collects what the runner sends until it closes or stays quiet for a moment. */
async function collect(conn: FakeConnection): Promise<{ frames: { type: number; payload: Buffer }[]; closed: boolean }> {
  const frames: { type: number; payload: Buffer }[] = [];
  for (;;) {
    try {
      const header = await conn.receive(4, 50);
      const payload = await conn.receive(headerLength(header), 2000);
      frames.push({ type: header[0], payload });
    } catch (e) {
      const closed = (e as Error).message === 'closed';
      // Quiet (timeout) or closed: nothing may be left half-sent.
      expect(conn.unread).toBe(0);
      return { frames, closed };
    }
  }
}

function checkReply(f: { type: number; payload: Buffer }): void {
  expect(f.payload.length).toBeGreaterThan(0);
  if (f.type === 0) expect([0, 1, 2]).toContain(m.readErr(f.payload).code);
  else if (f.type === 1) expect(m.readPrepareConfResp(f.payload)).toBeGreaterThan(0);
  else if (f.type === 2) expect(m.readHttpReqCallResp(f.payload).action).toBeDefined();
  else if (f.type === 3) expect(m.readExtraInfoReq(f.payload).kind).not.toBe('unknown');
  else if (f.type === 4) expect(m.readHttpRespCallResp(f.payload).id).toBeGreaterThanOrEqual(0);
  else throw new Error(`reply with type ${f.type}`);
}

async function stillServing(): Promise<void> {
  const r = await h.apisix.httpReqCall({ routeKey: 'alive', conf: [{ name: 'test-stop', value: '{"status":200}' }], request: { path: '/' } });
  expect(r.kind).toBe('stop');
}

test('random byte streams', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
      const conn = await h.apisix.rawConnection();
      conn.sendRaw(bytes);
      const { frames } = await collect(conn);
      frames.forEach(checkReply);
      conn.destroy();
    }),
    { numRuns: 30 },
  );
  await stillServing();
});

test('valid frames with mutated bytes, types, lengths, truncations and concatenations', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.record({
        which: fc.integer({ min: 0, max: 3 }),
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
      }), { minLength: 1, maxLength: 4 }),
      async (parts) => {
        const frames = validFrames();
        const wire = Buffer.concat(parts.map(({ which, flips, cut }) => {
          const f = Buffer.from(frames[which]);
          for (const [at, v] of flips) f[at % f.length] = v;
          return cut === undefined ? f : f.subarray(0, cut % (f.length + 1));
        }));
        const conn = await h.apisix.rawConnection();
        conn.sendRaw(wire);
        const { frames: replies } = await collect(conn);
        replies.forEach(checkReply);
        conn.destroy();
      },
    ),
    { numRuns: 40 },
  );
  await stillServing();
  expect(h.runner.status()).toBe('listening');
});
