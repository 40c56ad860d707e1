/**
 * Test harness: a runner on a socket in a fresh temp dir, its parsed log lines, a FakeApisix, and a
 * cleanup that closes everything (jest must exit on its own).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { FilterRegistry } from '../../../src/filters/registry';
import type { Filter } from '../../../src/filters/types';
import { createLogger, type Logger } from '../../../src/log';
import { startRunner, type Runner, type RunnerOptions } from '../../../src/runner';
import { FakeApisix, type FakeApisixOptions } from '../../helpers/fake-apisix';

export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }
  find(msg: string | RegExp): Record<string, unknown>[] {
    return this.lines.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
  }
}

export function tempDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'a6r-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Harness {
  dir: string;
  socketPath: string;
  runner: Runner;
  apisix: FakeApisix;
  logs: LogCapture;
  log: Logger;
  registry: FilterRegistry;
  restart(overrides?: Partial<RunnerOptions>): Promise<Runner>;
  cleanup(): Promise<void>;
}

export async function startHarness(
  filters: Filter<any>[],
  overrides: Partial<RunnerOptions> = {},
  apisixOpts: Partial<FakeApisixOptions> = {},
): Promise<Harness> {
  const tmp = tempDir();
  const socketPath = join(tmp.dir, 'runner.sock');
  const logs = new LogCapture();
  const log = createLogger({ level: 'debug', destination: logs });
  const registry = new FilterRegistry();
  for (const f of filters) registry.register(f);
  const start = (o: Partial<RunnerOptions>) => startRunner({ socketPath, registry, log, ...o });
  const h: Harness = {
    dir: tmp.dir,
    socketPath,
    runner: await start(overrides),
    apisix: new FakeApisix({ socketPath, ...apisixOpts }),
    logs,
    log,
    registry,
    async restart(o = {}) {
      await h.runner.close();
      h.runner = await start({ ...overrides, ...o });
      return h.runner;
    },
    async cleanup() {
      await h.apisix.close();
      await h.runner.close();
      tmp.remove();
    },
  };
  return h;
}
