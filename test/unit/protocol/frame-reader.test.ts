import fc from 'fast-check';
import { FrameReader, type Frame } from '../../../src/protocol';
import { luaFrame } from '../../helpers/fake-apisix';

function frames(specs: { type: number; size: number }[]): { wire: Buffer; expected: { type: number; payload: Buffer }[] } {
  const expected = specs.map(({ type, size }, i) => ({ type, payload: Buffer.alloc(size, (i * 37 + size) & 0xff) }));
  // Payload bytes vary inside a frame too, so an off-by-one copy shows.
  for (const e of expected) for (let j = 0; j < e.payload.length; j++) e.payload[j] = (e.payload[j] + j) & 0xff;
  return { wire: Buffer.concat(expected.map((e) => luaFrame(e.type, e.payload))), expected };
}

function feed(reader: FrameReader, wire: Buffer, cuts: number[]): Frame[] {
  const out: Frame[] = [];
  let at = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...reader.push(wire.subarray(at, cut)));
    at = cut;
  }
  out.push(...reader.push(wire.subarray(at)));
  return out;
}

const simplify = (fs: readonly Frame[]) => fs.map((f) => ({ type: f.type, payload: Buffer.from(f.payload) }));

test('a whole frame in one chunk is returned as a view (no copy)', () => {
  const wire = luaFrame(2, Buffer.from('hello'));
  const [frame] = new FrameReader().push(wire);
  expect(frame.type).toBe(2);
  expect(frame.payload.toString()).toBe('hello');
  expect(frame.payload.buffer).toBe(wire.buffer);
});

test('frames split byte by byte, including inside the header', () => {
  const { wire, expected } = frames([{ type: 1, size: 3 }, { type: 2, size: 300 }, { type: 4, size: 1 }]);
  const reader = new FrameReader();
  const got: Frame[] = [];
  for (const byte of wire) got.push(...reader.push(Buffer.from([byte])));
  expect(simplify(got)).toEqual(expected);
  expect(reader.bufferedBytes).toBe(0);
});

test('several frames merged in one chunk come out in order', () => {
  const { wire, expected } = frames([{ type: 1, size: 10 }, { type: 3, size: 0 }, { type: 2, size: 70_000 }]);
  expect(simplify(new FrameReader().push(wire))).toEqual(expected);
});

test('an incomplete frame stays buffered until its last byte arrives', () => {
  const wire = luaFrame(2, Buffer.alloc(1000, 1));
  const reader = new FrameReader();
  expect(reader.push(wire.subarray(0, 999))).toEqual([]);
  expect(reader.bufferedBytes).toBe(999);
  expect(reader.push(wire.subarray(999))).toHaveLength(1);
});

test('property: any chunking of any frame sequence yields the same frames', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), size: fc.integer({ min: 0, max: 3000 }) }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      (specs, rawCuts) => {
        const { wire, expected } = frames(specs);
        const cuts = rawCuts.map((c) => c % (wire.length + 1));
        const reader = new FrameReader();
        expect(simplify(feed(reader, wire, cuts))).toEqual(expected);
        expect(reader.bufferedBytes).toBe(0);
      },
    ),
    { numRuns: 200 },
  );
});

test('a large frame in many 7-byte chunks is assembled intact', () => {
  const payload = Buffer.alloc(256 * 1024, 9);
  const wire = luaFrame(2, payload);
  const reader = new FrameReader();
  const got: Frame[] = [];
  for (let i = 0; i < wire.length; i += 7) got.push(...reader.push(wire.subarray(i, i + 7)));
  expect(got).toHaveLength(1);
  expect(got[0].payload.equals(payload)).toBe(true);
});
