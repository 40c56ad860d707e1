/** Starting and stopping the server processes of bench/child.ts. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Child { proc: ChildProcess; info: { pid: number; socket?: string; url?: string }; rss(): Promise<number>; stop(): Promise<void> }

export function startChild(kind: string, arg = ''): Promise<Child> {
  const proc = fork(join(__dirname, 'child.js'), [kind, arg], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const info = JSON.parse(buf.slice(0, nl));
      resolve({
        proc,
        info,
        rss: () => new Promise((r) => {
          proc.once('message', (m) => r((m as { rss: number }).rss));
          proc.send('rss');
        }),
        stop: () => new Promise((r) => {
          proc.once('exit', () => r());
          proc.kill('SIGKILL');
        }),
      });
    });
    proc.once('exit', (code) => reject(new Error(`${kind} child exited with ${code}`)));
  });
}
