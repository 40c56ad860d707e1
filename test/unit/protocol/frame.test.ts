import { encodeFrame, encodeFrameHeader, FrameTooLargeError, HEADER_SIZE, MAX_PAYLOAD, ProtocolError } from '../../../src/protocol';
import { headerLength, luaHeader } from '../../helpers/fake-apisix';

test('MAX_PAYLOAD is 2^24 - 1', () => {
  expect(MAX_PAYLOAD).toBe(16_777_215);
  expect(HEADER_SIZE).toBe(4);
});

test('the header is the type byte then a 24-bit big-endian length', () => {
  expect([...encodeFrameHeader(2, 1)]).toEqual([2, 0, 0, 1]);
  expect([...encodeFrameHeader(1, 0x0102_03)]).toEqual([1, 0x01, 0x02, 0x03]);
  expect([...encodeFrameHeader(4, 256)]).toEqual([4, 0, 1, 0]);
  expect([...encodeFrameHeader(0, MAX_PAYLOAD)]).toEqual([0, 0xff, 0xff, 0xff]);
  expect([...encodeFrameHeader(3, MAX_PAYLOAD - 1)]).toEqual([3, 0xff, 0xff, 0xfe]);
});

test('headers agree with the independent APISIX-side encoder at and near the boundaries', () => {
  for (const n of [1, 255, 256, 65535, 65536, MAX_PAYLOAD - 1, MAX_PAYLOAD]) {
    expect(encodeFrameHeader(2, n).equals(luaHeader(2, n))).toBe(true);
    expect(headerLength(encodeFrameHeader(2, n))).toBe(n);
  }
});

test('one above the limit is refused with a typed error', () => {
  let err: unknown;
  try {
    encodeFrameHeader(2, MAX_PAYLOAD + 1);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(FrameTooLargeError);
  expect((err as FrameTooLargeError).code).toBe('ERR_PROTOCOL_FRAME_TOO_LARGE');
  expect((err as FrameTooLargeError).size).toBe(MAX_PAYLOAD + 1);
  // APISIX's own check uses the same text.
  expect(() => luaHeader(2, MAX_PAYLOAD + 1)).toThrow('the max length of data is 16777215 but got 16777216');
});

test('encodeFrame carries exactly MAX_PAYLOAD bytes, and refuses one more without producing bytes', () => {
  const payload = new Uint8Array(MAX_PAYLOAD).fill(7);
  const frame = encodeFrame(1, payload);
  expect(frame.length).toBe(MAX_PAYLOAD + 4);
  expect([...frame.subarray(0, 4)]).toEqual([1, 0xff, 0xff, 0xff]);
  expect(frame[4]).toBe(7);
  expect(frame[frame.length - 1]).toBe(7);
  let out: Buffer | undefined;
  expect(() => { out = encodeFrame(1, new Uint8Array(MAX_PAYLOAD + 1)); }).toThrow(FrameTooLargeError);
  expect(out).toBeUndefined();
});

test('an empty payload is never framed, not even for an error', () => {
  expect(() => encodeFrame(0, new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_PROTOCOL_EMPTY_PAYLOAD' }));
});

test('the type must be a byte', () => {
  for (const t of [-1, 256, 1.5]) expect(() => encodeFrameHeader(t, 1)).toThrow(ProtocolError);
});
