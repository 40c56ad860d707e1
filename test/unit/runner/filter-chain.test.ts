import { createLogger } from '../../../src/log';
import type { Filter, FilterRequest, FilterResponse, RequestAction, ResponseAction } from '../../../src/filters/types';
import { CallFailure } from '../../../src/runner/call-failure';
import { runRequestFilters, runResponseFilters } from '../../../src/runner/filter-chain';
import type { PreparedFilter } from '../../../src/runner/prepared-conf';
import { Writable } from 'node:stream';

const lines: string[] = [];
const log = createLogger({ level: 'debug', destination: new Writable({ write(c, _e, d) { lines.push(String(c)); d(); } }) });

const calls: string[] = [];
function req(name: string, action: RequestAction | (() => never)): PreparedFilter {
  const filter: Filter = {
    name, confSchema: {}, parseConf: (v) => v,
    async onRequest() {
      calls.push(name);
      return typeof action === 'function' ? action() : action;
    },
  };
  return { name, filter, conf: {} };
}
function resp(name: string, action: ResponseAction): PreparedFilter {
  const filter: Filter = { name, confSchema: {}, parseConf: (v) => v, async onResponse() { calls.push(name); return action; } };
  return { name, filter, conf: {} };
}
const request = {} as FilterRequest;
const response = {} as FilterResponse;
beforeEach(() => { calls.length = 0; });

test('no filter acting means action NONE', async () => {
  expect(await runRequestFilters([req('a', { kind: 'continue' })], request, log)).toEqual({ kind: 'none' });
  expect(await runRequestFilters([], request, log)).toEqual({ kind: 'none' });
});

test('a Stop ends the chain and drops earlier rewrites', async () => {
  const out = await runRequestFilters([
    req('a', { kind: 'rewrite', path: '/a' }),
    req('b', { kind: 'stop', status: 401, body: 'no' }),
    req('c', { kind: 'rewrite', path: '/c' }),
  ], request, log);
  expect(calls).toEqual(['a', 'b']);
  expect(out).toEqual({ kind: 'stop', status: 401, headers: undefined, body: Buffer.from('no') });
});

test('rewrites merge in conf order: last path and body win, edits concatenate', async () => {
  const out = await runRequestFilters([
    req('a', { kind: 'rewrite', path: '/a', headers: [['x', '1']], args: [['q', '1']], body: 'A' }),
    req('b', { kind: 'rewrite', headers: [['x', null]], respHeaders: [['r', '1']] }),
    req('c', { kind: 'rewrite', path: '/c', args: [['q', null]] }),
  ], request, log);
  expect(out).toEqual({
    kind: 'rewrite', path: '/c', body: Buffer.from('A'),
    headers: [['x', '1'], ['x', null]], args: [['q', '1'], ['q', null]], respHeaders: [['r', '1']],
  });
});

test('a throwing filter fails the call with SERVICE_UNAVAILABLE naming the filter', async () => {
  const err = await runRequestFilters([req('a', { kind: 'continue' }), req('boom', () => { throw new Error('kaput'); })], request, log).catch((e) => e);
  expect(err).toBeInstanceOf(CallFailure);
  expect(err.errCode).toBe(1);
  expect(err.filter).toBe('boom');
  expect(err.message).toMatch(/kaput/);
});

test('an out-of-range status is refused rather than silently truncated to 16 bits', async () => {
  const err = await runRequestFilters([req('a', { kind: 'stop', status: 70000 })], request, log).catch((e) => e);
  expect(err).toBeInstanceOf(CallFailure);
  expect(err.message).toMatch(/invalid status/);
});

test('response: the first replace wins and ends the chain', async () => {
  const out = await runResponseFilters([
    resp('a', { kind: 'continue' }),
    resp('b', { kind: 'replace', status: 200, headers: [['content-type', 'x']], body: 'B' }),
    resp('c', { kind: 'replace', headers: [] }),
  ], response, log);
  expect(calls).toEqual(['a', 'b']);
  expect(out).toEqual({ status: 200, headers: [['content-type', 'x']], body: Buffer.from('B') });
});

test('response: nobody replacing keeps everything as upstream sent it', async () => {
  expect(await runResponseFilters([resp('a', { kind: 'continue' })], response, log)).toEqual({});
});
