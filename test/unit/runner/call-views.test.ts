import { formatIp, requestView } from '../../../src/runner/call-views';
import { CallExtraInfo } from '../../../src/runner/extra-info';

test('formatIp: IPv4, IPv6 with the longest zero run compressed, absent', () => {
  expect(formatIp(Uint8Array.from([192, 168, 0, 1]))).toBe('192.168.0.1');
  expect(formatIp(Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))).toBe('::1');
  expect(formatIp(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]))).toBe('2001:db8::1:0:0:1');
  expect(formatIp(Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6]))).toBe('2001:db8:1:2:3:4:5:6');
  expect(formatIp(new Uint8Array(0))).toBe('');
});

test('request view: header lookup is case-insensitive, flag args read as empty, ExtraInfo cached', async () => {
  const asked: string[] = [];
  const info = new CallExtraInfo(async (q) => {
    asked.push(q.kind === 'var' ? `var:${q.name}` : q.kind);
    return q.kind === 'var' ? Buffer.from(`v-${q.name}`) : Buffer.from('body');
  });
  const view = requestView({ id: 1, confToken: 2, method: 'POST', path: '/p', srcIp: new Uint8Array(0), args: [['flag', null]], headers: [['x-a', '1'], ['x-a', '2']] }, info);
  expect(view.header('X-A')).toBe('1');
  expect(view.args).toEqual([['flag', '']]);
  expect(await view.variable('a')).toBe('v-a');
  expect(await view.variable('a')).toBe('v-a');
  const [b1, b2] = await Promise.all([view.body(), view.body()]);
  expect(b1?.toString()).toBe('body');
  expect(b1).toBe(b2);
  expect(asked).toEqual(['var:a', 'reqBody']);
  expect(info.requests).toBe(2);
});
