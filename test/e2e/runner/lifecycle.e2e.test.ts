import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, existsSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FilterRegistry } from '../../../src/filters/registry';
import { createLogger } from '../../../src/log';
import { RunnerStartError, startRunner, type Runner } from '../../../src/runner';
import { apisixMessages as m, FakeApisix } from '../../helpers/fake-apisix';
import { LogCapture, tempDir } from './harness';
import { slowFilter, stopFilter } from './test-filters';

let tmp: ReturnType<typeof tempDir>;
let logs: LogCapture;
const toClose: { close(): unknown }[] = [];
beforeEach(() => {
  tmp = tempDir();
  logs = new LogCapture();
});
afterEach(async () => {
  for (const c of toClose.splice(0).reverse()) await c.close();
  tmp.remove();
});

function start(path: string, extra: Partial<Parameters<typeof startRunner>[0]> = {}, registry = new FilterRegistry().register(stopFilter)): Promise<Runner> {
  return startRunner({ socketPath: path, registry, log: createLogger({ level: 'debug', destination: logs }), ...extra }).then((r) => {
    toClose.push(r);
    return r;
  });
}

async function startError(p: Promise<unknown>): Promise<RunnerStartError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(RunnerStartError);
  return e as RunnerStartError;
}

/** A socket file left behind by a killed runner: a child process binds it and is SIGKILLed. */
async function staleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

test('listens, sets mode 0766 by default, answers, and unlinks the socket on close', async () => {
  const path = join(tmp.dir, 'r.sock');
  const runner = await start(path);
  expect(lstatSync(path).isSocket()).toBe(true);
  expect(lstatSync(path).mode & 0o777).toBe(0o766);
  expect(runner.status()).toBe('listening');
  const apisix = new FakeApisix({ socketPath: path });
  expect(await apisix.httpReqCall({ routeKey: 'k', conf: [{ name: 'test-stop', value: '{"status":200}' }], request: { path: '/' } })).toMatchObject({ kind: 'stop' });
  await apisix.close();
  const seen: string[] = [];
  runner.onStatus((s) => seen.push(s));
  await runner.close();
  expect(existsSync(path)).toBe(false);
  expect(seen).toEqual(['closing', 'closed']);
  expect(runner.status()).toBe('closed');
  expect(logs.find('runner listening')[0]).toMatchObject({ socket: path, mode: '0766', conf_ttl_s: 7920 });
});

test('the socket mode is configurable', async () => {
  const path = join(tmp.dir, 'r.sock');
  await start(path, { socketMode: 0o660 });
  expect(lstatSync(path).mode & 0o777).toBe(0o660);
});

test('a stale socket file is removed before binding', async () => {
  const path = join(tmp.dir, 'stale.sock');
  await staleSocket(path);
  expect(lstatSync(path).isSocket()).toBe(true);
  const runner = await start(path);
  const conn = await new FakeApisix({ socketPath: path }).rawConnection();
  conn.sendFrame(1, m.buildPrepareConfReq('k', [['test-stop', '{"status":200}']]));
  expect((await conn.receiveFrame(5000)).type).toBe(1);
  conn.destroy();
  expect(runner.status()).toBe('listening');
});

test('a socket another process is listening on is left alone', async () => {
  const path = join(tmp.dir, 'live.sock');
  const other = createServer();
  await new Promise<void>((r) => other.listen(path, r));
  toClose.push({ close: () => new Promise((r) => other.close(r)) });
  expect((await startError(start(path))).code).toBe('ERR_RUNNER_SOCKET_IN_USE');
  expect(lstatSync(path).isSocket()).toBe(true);
});

test('a regular file at the path is refused, not removed', async () => {
  const path = join(tmp.dir, 'file.sock');
  writeFileSync(path, 'precious');
  expect((await startError(start(path))).code).toBe('ERR_RUNNER_SOCKET_EXISTS');
  expect(readFileSync(path, 'utf8')).toBe('precious');
});

test('a symlink planted at the path is not followed: neither it nor its target is touched', async () => {
  const target = join(tmp.dir, 'target.txt');
  writeFileSync(target, 'secret');
  chmodSync(target, 0o600);
  const path = join(tmp.dir, 'link.sock');
  symlinkSync(target, path);
  const e = await startError(start(path));
  expect(e.code).toBe('ERR_RUNNER_SOCKET_EXISTS');
  expect(e.message).toMatch(/symbolic link/);
  expect(lstatSync(path).isSymbolicLink()).toBe(true);
  expect(readFileSync(target, 'utf8')).toBe('secret');
  expect(lstatSync(target).mode & 0o777).toBe(0o600);
});

test('a missing directory and an unusable path give clear errors', async () => {
  const missing = await startError(start(join(tmp.dir, 'no', 'such', 'dir', 'r.sock')));
  expect(missing.code).toBe('ERR_RUNNER_SOCKET_DIR');
  expect(missing.message).toMatch(/does not exist/);
  const notDir = join(tmp.dir, 'plain');
  writeFileSync(notDir, '');
  expect((await startError(start(join(notDir, 'r.sock')))).code).toBe('ERR_RUNNER_SOCKET_DIR');
  expect((await startError(start(join(tmp.dir, 'x'.repeat(120))))).code).toBe('ERR_RUNNER_SOCKET_PATH');
});

// root writes anywhere, so the check cannot be exercised as root.
(process.getuid?.() === 0 ? test.skip : test)('an unwritable directory is reported as such', async () => {
  const dir = join(tmp.dir, 'ro');
  mkdirSync(dir, 0o500);
  const e = await startError(start(join(dir, 'r.sock')));
  expect(e.code).toBe('ERR_RUNNER_SOCKET_DIR');
  expect(e.message).toMatch(/not writable/);
});

test('close lets calls in flight finish, closes idle connections, and refuses new ones', async () => {
  const path = join(tmp.dir, 'r.sock');
  let release!: () => void;
  const gate = { wait: new Promise<void>((r) => { release = r; }), entered: 0 };
  const runner = await start(path, { shutdownGraceMs: 5000 }, new FilterRegistry().register(slowFilter(gate)));
  const apisix = new FakeApisix({ socketPath: path });
  const token = await apisix.prepareConf('slow', [{ name: 'test-slow' }]);
  const idle = await apisix.rawConnection(); // the pooled PrepareConf connection: idle
  const busy = await apisix.rawConnection();
  busy.sendFrame(2, m.buildHttpReqCall({ id: 3, confToken: token, method: 'GET', path: '/' }));
  while (gate.entered < 1) await new Promise((r) => setTimeout(r, 2));
  const closed = runner.close();
  const idleEnd = idle.receiveFrame(5000).catch((e: Error) => e.message);
  expect(await idleEnd).toBe('closed');
  await expect(new FakeApisix({ socketPath: path }).rawConnection()).rejects.toThrow(/failed to connect/);
  release();
  const reply = await busy.receiveFrame(5000);
  expect(m.readHttpReqCallResp(reply.payload)).toMatchObject({ action: 'stop', id: 3, status: 202 });
  await closed;
  expect(existsSync(path)).toBe(false);
  expect(logs.find('runner stopped')[0]).toMatchObject({ calls_in_flight_at_close: 1 });
  busy.destroy();
  await apisix.close();
});

test('a call still running when the grace period ends is cut off and close still completes', async () => {
  const path = join(tmp.dir, 'r.sock');
  const gate = { wait: new Promise<void>(() => undefined), entered: 0 };
  const runner = await start(path, { shutdownGraceMs: 50 }, new FilterRegistry().register(slowFilter(gate)));
  const apisix = new FakeApisix({ socketPath: path });
  const token = await apisix.prepareConf('slow', [{ name: 'test-slow' }]);
  const busy = await apisix.rawConnection();
  busy.sendFrame(2, m.buildHttpReqCall({ id: 3, confToken: token, method: 'GET', path: '/' }));
  while (gate.entered < 1) await new Promise((r) => setTimeout(r, 2));
  await runner.close();
  await expect(busy.receiveFrame(5000)).rejects.toThrow(/closed/);
  expect(existsSync(path)).toBe(false);
  expect(logs.find('shutdown grace over: closing connections with calls still running')).toHaveLength(1);
  await apisix.close();
});
