/**
 * The Portkey gateway as the peer to beat: installed by the benchmark into bench/.scratch (git-ignored,
 * never committed), configured for its anthropic provider against the same mock. Its streaming needs
 * @hono/node-server 1.14.1 on Node 20, hence the override.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SCRATCH = join(__dirname, '../../bench/.scratch');
const ENTRY = join(SCRATCH, 'node_modules/@portkey-ai/gateway/build/start-server.js');

export interface Peer { url: string; headers: Record<string, string>; stop(): Promise<void> }

function install(): boolean {
  if (existsSync(ENTRY)) return true;
  mkdirSync(SCRATCH, { recursive: true });
  writeFileSync(join(SCRATCH, 'package.json'), JSON.stringify({ private: true, dependencies: { '@portkey-ai/gateway': '1.15.2', '@hono/node-server': '1.14.1' }, overrides: { '@hono/node-server': '1.14.1' } }));
  try {
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: SCRATCH, stdio: 'ignore', timeout: 240_000 });
    return existsSync(ENTRY);
  } catch {
    return false;
  }
}

export async function startPortkey(mockUrl: string, port = 18787): Promise<Peer | undefined> {
  if (!install()) {
    console.log('\n(Portkey gateway could not be installed into bench/.scratch; peer comparison skipped)');
    return undefined;
  }
  const proc: ChildProcess = spawn(process.execPath, [ENTRY, `--port=${port}`, '--headless'], { cwd: SCRATCH, stdio: 'ignore', env: { ...process.env, NODE_ENV: 'production' } });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`${url}/`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    headers: { 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${mockUrl}/v1` },
    stop: () => new Promise((r) => {
      proc.once('exit', () => r());
      proc.kill('SIGKILL');
    }),
  };
}
