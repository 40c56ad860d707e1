/**
 * Bounds checker for untrusted FlatBuffers. The flatbuffers JS reader does no checking: an offset
 * outside the buffer reads as 0 (typed-array indexing) or throws a RangeError when a view is built.
 * Before the generated readers touch a payload, every offset they will follow is checked here against
 * a small description of our schema, reading integers exactly as the reader does (signed 32-bit
 * offsets, signed 16-bit vtable entries), so a buffer that passes cannot make them read out of range.
 */
import { DecodeError } from './errors';

export type FieldShape =
  | { readonly kind: 'scalar'; readonly size: 1 | 2 | 4 }
  | { readonly kind: 'string' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'tables'; readonly table: TableShape }
  /** A union value; its type byte is the field just before it (id - 1). */
  | { readonly kind: 'union'; readonly members: Readonly<Record<number, TableShape>> };

/** Field shapes indexed by field id; `undefined` marks an id this reader never looks at. */
export type TableShape = readonly (FieldShape | undefined)[];

class Checker {
  constructor(private readonly buf: Uint8Array) {}

  private i32(at: number): number {
    const b = this.buf;
    return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
  }

  private i16(at: number): number {
    return ((this.buf[at] | (this.buf[at + 1] << 8)) << 16) >> 16;
  }

  private need(start: number, length: number, what: string): void {
    if (!(start >= 0 && length >= 0 && start + length <= this.buf.length)) {
      throw new DecodeError(`${what} out of bounds (${start}+${length} > ${this.buf.length})`);
    }
  }

  /** Follows the uoffset stored at `at` and returns the position it points to. */
  private follow(at: number, what: string): number {
    this.need(at, 4, what);
    const rel = this.i32(at);
    if (rel <= 0) throw new DecodeError(`${what}: offset ${rel} does not point forward`);
    return at + rel;
  }

  private vectorLength(at: number, elemSize: number, what: string): number {
    this.need(at, 4, `${what} length`);
    const n = this.i32(at);
    if (n < 0) throw new DecodeError(`${what}: negative length`);
    this.need(at + 4, n * elemSize, what);
    return n;
  }

  root(shape: TableShape, what: string): void {
    this.table(this.follow(0, `${what} root`), shape, what, 0);
  }

  private table(pos: number, shape: TableShape, what: string, depth: number): void {
    if (depth > 8) throw new DecodeError(`${what}: nesting too deep`);
    this.need(pos, 4, `${what} table`);
    const vtable = pos - this.i32(pos);
    this.need(vtable, 4, `${what} vtable`);
    const vtableSize = this.i16(vtable);
    const tableSize = this.i16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new DecodeError(`${what}: bad vtable size ${vtableSize}`);
    this.need(vtable, vtableSize, `${what} vtable`);
    if (tableSize < 4) throw new DecodeError(`${what}: bad table size ${tableSize}`);
    this.need(pos, tableSize, `${what} table`);
    shape.forEach((field, id) => {
      if (!field) return;
      const slot = 4 + 2 * id;
      if (slot >= vtableSize) return;
      const off = this.i16(vtable + slot);
      if (off === 0) return;
      const size = field.kind === 'scalar' ? field.size : 4;
      if (off < 4 || off + size > tableSize) throw new DecodeError(`${what}: field ${id} outside its table`);
      this.field(pos, pos + off, field, shape, vtable, vtableSize, `${what}.${id}`, depth);
    });
  }

  private field(tablePos: number, at: number, field: FieldShape, shape: TableShape, vtable: number, vtableSize: number, what: string, depth: number): void {
    switch (field.kind) {
      case 'scalar':
        return;
      case 'string':
      case 'bytes':
        this.vectorLength(this.follow(at, what), 1, what);
        return;
      case 'tables': {
        const vec = this.follow(at, what);
        const n = this.vectorLength(vec, 4, what);
        for (let i = 0; i < n; i++) this.table(this.follow(vec + 4 + 4 * i, what), field.table, `${what}[${i}]`, depth + 1);
        return;
      }
      case 'union': {
        const id = shape.indexOf(field);
        const typeSlot = 4 + 2 * (id - 1);
        const typeOff = typeSlot < vtableSize ? this.i16(vtable + typeSlot) : 0;
        const type = typeOff === 0 ? 0 : this.buf[tablePos + typeOff];
        const member = field.members[type];
        if (type === 0) return;
        if (!member) throw new DecodeError(`${what}: unknown union type ${type}`);
        this.table(this.follow(at, what), member, what, depth + 1);
        return;
      }
    }
  }
}

/** Throws DecodeError unless every offset the reader will follow for `shape` stays inside `buf`. */
export function verifyRoot(buf: Uint8Array, shape: TableShape, what: string): void {
  new Checker(buf).root(shape, what);
}
