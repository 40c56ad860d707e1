import { Writable } from 'node:stream';
import { callLogger, createLogger, REDACTED } from '../../../src/log';

function capture() {
  const lines: Record<string, any>[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l) { raw.push(l); lines.push(JSON.parse(l)); }
      done();
    },
  });
  return { lines, raw, destination };
}

test('JSON lines with level label, time and message', () => {
  const c = capture();
  createLogger({ level: 'info', destination: c.destination }).info({ a: 1 }, 'hello');
  expect(c.lines).toHaveLength(1);
  expect(c.lines[0]).toMatchObject({ level: 'info', msg: 'hello', a: 1 });
  expect(typeof c.lines[0].time).toBe('string');
});

test('the level filters lines', () => {
  const c = capture();
  const log = createLogger({ level: 'warn', destination: c.destination });
  log.info('no');
  log.debug('no');
  log.warn('yes');
  expect(c.lines.map((l) => l.msg)).toEqual(['yes']);
});

test('credential headers are redacted in objects and entry lists; configured keys everywhere', () => {
  const c = capture();
  const log = createLogger({ destination: c.destination, secretValues: ['sk-configured-key-123'], redactKeys: ['x-goog-api-key'] });
  log.info({ headers: { authorization: 'Bearer abc', 'x-goog-api-key': 'g' }, entries: [['X-Api-Key', 'xyz'], ['accept', '*/*']] }, 'req');
  log.warn('upstream said: bad key sk-configured-key-123');
  log.error({ err: new Error('failed with sk-configured-key-123') }, 'oops');
  expect(c.lines[0].headers).toEqual({ authorization: REDACTED, 'x-goog-api-key': REDACTED });
  expect(c.lines[0].entries).toEqual([['X-Api-Key', REDACTED], ['accept', '*/*']]);
  expect(c.lines[1].msg).toBe(`upstream said: bad key ${REDACTED}`);
  expect(c.lines[2].err.message).toBe(`failed with ${REDACTED}`);
  for (const l of c.raw) {
    expect(l).not.toMatch(/Bearer abc|xyz|sk-configured-key-123|"g"/);
  }
});

test('child bindings are sanitised too', () => {
  const c = capture();
  createLogger({ destination: c.destination }).child({ headers: [['authorization', 'Bearer abc']] }).info('x');
  expect(c.lines[0].headers).toEqual([['authorization', REDACTED]]);
});

test('request-scoped child logger carries rpc, request_id, conf_token, filter; unset fields are left out', () => {
  const c = capture();
  const base = createLogger({ destination: c.destination, level: 'debug' });
  const call = callLogger(base, { rpc: 'http_req_call', request_id: 42, conf_token: 3 });
  callLogger(call, { filter: 'openai-to-anthropic' }).debug('converted');
  expect(c.lines[0]).toMatchObject({ rpc: 'http_req_call', request_id: 42, conf_token: 3, filter: 'openai-to-anthropic', msg: 'converted' });
  expect('route_key' in c.lines[0]).toBe(false);
});

test('an Error as the only argument is logged under err', () => {
  const c = capture();
  createLogger({ destination: c.destination }).error(new Error('bad thing'));
  expect(c.lines[0].err).toMatchObject({ type: 'Error', message: 'bad thing' });
});
