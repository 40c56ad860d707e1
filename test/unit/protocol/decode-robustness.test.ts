/**
 * Decoding untrusted bytes: any input either decodes or throws DecodeError, never RangeError,
 * TypeError or a silent out-of-range read that produces garbage from outside the buffer.
 */
import fc from 'fast-check';
import { DecodeError, decodeExtraInfoResp, decodeHttpReqCall, decodeHttpRespCall, decodePrepareConfReq } from '../../../src/protocol';
import { apisixMessages as m } from '../../helpers/fake-apisix';

const decoders = [decodePrepareConfReq, decodeHttpReqCall, decodeHttpRespCall, decodeExtraInfoResp] as const;

const valid = [
  m.buildPrepareConfReq('route#1#ext-plugin-pre-req#1', [['openai-to-anthropic', '{"a":1}'], ['x', null]]),
  m.buildHttpReqCall({ id: 5, confToken: 2, method: 'POST', path: '/p', srcIp: Uint8Array.from([1, 2, 3, 4]), args: [['a', null]], headers: [['h', 'v'], ['h2', 'v2']] }),
  m.buildHttpRespCall({ id: 5, confToken: 2, status: 200, headers: [['Content-Type', 'x']] }),
  m.buildExtraInfoResp(Buffer.from('result')),
];

function onlyDecodeErrors(payload: Uint8Array): void {
  for (const decode of decoders) {
    try {
      decode(payload);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw new Error(`${decode.name} threw ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
    }
  }
}

test('random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => onlyDecodeErrors(bytes)), { numRuns: 2000 });
});

test('valid payloads with random byte mutations, truncations and extensions', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: valid.length - 1 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.option(fc.nat()),
      fc.uint8Array({ maxLength: 8 }),
      (which, flips, cut, extra) => {
        const base = Buffer.from(valid[which]);
        for (const [at, value] of flips) base[at % base.length] = value;
        const trimmed = cut === null ? base : base.subarray(0, cut % (base.length + 1));
        onlyDecodeErrors(Buffer.concat([trimmed, extra]));
      },
    ),
    { numRuns: 3000 },
  );
});

test('known bad shapes are decode errors', () => {
  expect(() => decodePrepareConfReq(new Uint8Array(0))).toThrow(DecodeError);
  expect(() => decodePrepareConfReq(Uint8Array.from([0xff, 0xff, 0xff, 0x7f]))).toThrow(DecodeError);
  // root points at itself: soffset 0 makes the vtable the table, size 4 bytes -> valid empty table? no: vtable size 0
  expect(() => decodeHttpReqCall(Uint8Array.from([4, 0, 0, 0, 0, 0, 0, 0]))).toThrow(DecodeError);
  // a string length that runs past the end
  const p = Buffer.from(valid[0]);
  const idx = p.indexOf(Buffer.from('route#1'));
  p.writeInt32LE(0x7fff_ffff, idx - 4);
  expect(() => decodePrepareConfReq(p)).toThrow(DecodeError);
});

test('valid payloads still decode (the checker accepts what builders produce)', () => {
  expect(decodePrepareConfReq(valid[0]).conf).toHaveLength(2);
  expect(decodeHttpReqCall(valid[1]).headers).toHaveLength(2);
  expect(decodeHttpRespCall(valid[2]).status).toBe(200);
  expect(Buffer.from(decodeExtraInfoResp(valid[3])!).toString()).toBe('result');
});
