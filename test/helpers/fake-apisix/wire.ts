/**
 * The fake APISIX's own framing, written independently of src/protocol/frame*.ts on purpose: if the
 * runner's codec had a symmetric bug (say, little-endian lengths both ways), tests that used the same
 * codec on both ends would still pass. This mirrors APISIX's Lua: header = type byte + 3-byte
 * big-endian length, refused above 16,777,215 ("the max length of data is ... but got ...").
 */
export const LUA_MAX_DATA = 16777215;

export function luaHeader(type: number, length: number): Buffer {
  if (length > LUA_MAX_DATA) throw new Error(`the max length of data is ${LUA_MAX_DATA} but got ${length}`);
  return Buffer.from([type & 0xff, Math.floor(length / 65536) & 0xff, Math.floor(length / 256) & 0xff, length & 0xff]);
}

export function luaFrame(type: number, payload: Uint8Array): Buffer {
  return Buffer.concat([luaHeader(type, payload.length), payload]);
}

/** Reads the length from a header exactly as APISIX does (byte arithmetic, big-endian). */
export function headerLength(header: Uint8Array): number {
  return header[1] * 65536 + header[2] * 256 + header[3];
}

export interface RawFrame {
  readonly type: number;
  /** The 4 header bytes as they were on the wire. */
  readonly header: Buffer;
  readonly payload: Buffer;
}
