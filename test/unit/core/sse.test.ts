import fc from 'fast-check';
import { ConversionError, SseParser, formatSse, type SseEvent } from '../../../src/core';

const enc = (s: string) => new TextEncoder().encode(s);

function parseAll(chunks: Array<string | Uint8Array>, max?: number): SseEvent[] {
  const p = new SseParser(max ? { maxEventSize: max } : {});
  return [...chunks.flatMap((c) => p.push(c)), ...p.end()];
}

describe('SseParser', () => {
  it('parses event, multi-line data, id, and ignores comments and retry', () => {
    expect(parseAll([': hi\nevent: a\ndata: one\ndata: two\nid: 7\nretry: 100\n\ndata:x\n\n'])).toEqual([
      { event: 'a', data: 'one\ntwo', id: '7' },
      // The last event id persists until changed, as in EventSource.
      { event: 'message', data: 'x', id: '7' },
    ]);
  });

  it('handles CR, LF and CRLF, including a CRLF split across chunks', () => {
    expect(parseAll(['data: a\r', '\ndata: b\r\r', '\ndata: c\n\n'])).toEqual([
      { event: 'message', data: 'a\nb' },
      { event: 'message', data: 'c' },
    ]);
  });

  it('strips a BOM only at the start of the stream', () => {
    const bytes = enc('\uFEFFdata: x\n\n');
    expect(parseAll([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)])).toEqual([{ event: 'message', data: 'x' }]);
    expect(parseAll(['data: \uFEFFx\n\n'])[0].data).toBe('\uFEFFx');
  });

  it('keeps a multi-byte character split across chunks', () => {
    const bytes = enc('data: h\u00e9llo \u{1F600}\n\n');
    const chunks = Array.from(bytes, (b) => new Uint8Array([b]));
    expect(parseAll(chunks)).toEqual([{ event: 'message', data: 'h\u00e9llo \u{1F600}' }]);
  });

  it('delivers a final event that lacks its blank line at end of input', () => {
    expect(parseAll(['data: last'])).toEqual([{ event: 'message', data: 'last' }]);
  });

  it('does not dispatch events without data', () => {
    expect(parseAll(['event: ping\n\n'])).toEqual([]);
  });

  it('refuses an endless line or event instead of buffering it', () => {
    const p = new SseParser({ maxEventSize: 100 });
    expect(() => {
      for (let i = 0; i < 50; i++) p.push('xxxxxxxxxx');
    }).toThrow(ConversionError);
    expect(() => parseAll(['data: ' + 'y'.repeat(60) + '\n', 'data: ' + 'y'.repeat(60) + '\n\n'], 100)).toThrow(/exceeded 100/);
  });

  it('gives the same events for any split of the input (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ event: fc.constantFrom('a', 'message_start', ''), data: fc.string({ maxLength: 30 }) }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), fc.constantFrom('\n', '\r\n', '\r'), (events, cutsRaw, eol) => {
        const text = events.map((e) => (e.event ? `event: ${e.event}${eol}` : '') + e.data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join(eol) + eol + eol).join('');
        const bytes = enc(text);
        const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
        const parts: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...cuts, bytes.length]) {
          parts.push(bytes.subarray(prev, c));
          prev = c;
        }
        expect(parseAll(parts)).toEqual(parseAll([text]));
      }),
      { numRuns: 200 },
    );
  });
});

describe('formatSse', () => {
  it('writes one data line, or several for multi-line data, and round-trips through the parser', () => {
    expect(formatSse('{"a":1}')).toBe('data: {"a":1}\n\n');
    expect(formatSse('a\nb', 'ev')).toBe('event: ev\ndata: a\ndata: b\n\n');
    expect(parseAll([formatSse('a\nb', 'ev')])).toEqual([{ event: 'ev', data: 'a\nb' }]);
  });
});
