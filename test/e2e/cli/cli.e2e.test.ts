/**
 * The real process: flags, exit codes, the first log line in mock mode, and SIGTERM handling within
 * APISIX's 1-second kill window (asserted by the outcome — exit code and socket removed — not by time).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeApisix } from '../../helpers/fake-apisix';

const ENTRY = join(__dirname, '../../helpers/cli-entry.js');

function run(args: string[], env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; lines: () => Record<string, unknown>[]; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [ENTRY, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines: () => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)), stderr: () => err, exit };
}

async function waitFor(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setTimeout(r, 20));
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'a6cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('apisix-anthropic-bridge CLI', () => {
  it('prints usage for --help and exits 0', async () => {
    const p = run(['--help']);
    expect(await p.exit).toBe(0);
  });

  it('refuses an unknown option with exit code 2 and a message naming it', async () => {
    const p = run(['--sokcet', '/tmp/x']);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toMatch(/sokcet/);
    expect(p.stderr()).toMatch(/Usage:/);
  });

  it('exits 1 with a clear message when the socket directory does not exist', async () => {
    const p = run(['--socket', join(dir, 'missing', 'r.sock')]);
    expect(await p.exit).toBe(1);
    expect(p.stderr()).toMatch(/ERR_RUNNER_SOCKET_DIR|does not exist/);
  });

  it('serves APISIX on APISIX_LISTEN_ADDRESS, says first that the bridge uses the mock, and stops cleanly on SIGTERM', async () => {
    const socketPath = join(dir, 'runner.sock');
    const p = run(['--http', '127.0.0.1:0', '--log-level', 'info'], { APISIX_LISTEN_ADDRESS: `unix:${socketPath}` });
    await waitFor(() => p.lines().some((l) => l.msg === 'streaming bridge listening'));
    expect(String(p.lines()[0].msg)).toMatch(/NO UPSTREAM CONFIGURED.*MOCK/);
    const apisix = new FakeApisix({ socketPath });
    const token = await apisix.prepareConf('route#1#ext-plugin-pre-req#1', [{ name: 'openai-to-anthropic', value: '{}' }]);
    expect(token).toBe(1);
    await apisix.close();
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
    expect(p.lines().some((l) => l.msg === 'stopped')).toBe(true);
  });

  it('never logs a configured key', async () => {
    const socketPath = join(dir, 'runner.sock');
    const secret = 'sk-ant-very-secret-value-123';
    const p = run(['--socket', socketPath, '--http', '127.0.0.1:0', '--upstream', 'http://127.0.0.1:9', '--log-level', 'trace'], { ANTHROPIC_API_KEY: secret });
    await waitFor(() => p.lines().some((l) => l.msg === 'streaming bridge listening'));
    p.child.kill('SIGTERM');
    await p.exit;
    expect(JSON.stringify(p.lines())).not.toContain(secret);
  });
});
