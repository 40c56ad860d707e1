/** Reading and writing [A6.TextEntry] vectors, the header/arg lists of every message. */
import { Builder, Offset } from 'flatbuffers';
import { TextEntry } from './generated/a6/text-entry';

/** A TextEntry as plain data; `value: null` is an entry without value (delete, or `?flag`). */
export type TextPair = readonly [name: string, value: string | null];

export function readEntries(length: number, at: (i: number, obj: TextEntry) => TextEntry | null): TextPair[] {
  const out: TextPair[] = [];
  const entry = new TextEntry();
  for (let i = 0; i < length; i++) {
    const e = at(i, entry);
    if (!e) continue;
    out.push([e.name() ?? '', e.value()]);
  }
  return out;
}

/** Builds the vector, or returns 0 (field left out) for an empty list. */
export function writeEntries(b: Builder, entries: readonly TextPair[] | undefined): Offset {
  if (!entries || entries.length === 0) return 0;
  const offsets = entries.map(([name, value]) => {
    const n = b.createString(name);
    const v = value === null ? 0 : b.createString(value);
    TextEntry.startTextEntry(b);
    TextEntry.addName(b, n);
    if (v) TextEntry.addValue(b, v);
    return TextEntry.endTextEntry(b);
  });
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]);
  return b.endVector();
}

/** Rough payload size of a list, to size the builder once instead of letting it double. */
export function entriesSize(entries: readonly TextPair[] | undefined): number {
  let n = 0;
  for (const [name, value] of entries ?? []) n += 24 + name.length * 3 + (value === null ? 0 : value.length * 3);
  return n;
}
