/**
 * Preparing the socket path before listen, and tidying it after close. A stale socket left by a
 * killed runner is removed (APISIX respawns us on the same path); anything else at the path is
 * refused, and a symlink is never followed (lstat), so a planted link cannot make us delete or chmod
 * some other file. A socket that still accepts connections belongs to a live runner: refused too.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';

export const RUNNER_START_ERROR_CODES = [
  'ERR_RUNNER_SOCKET_PATH',
  'ERR_RUNNER_SOCKET_DIR',
  'ERR_RUNNER_SOCKET_EXISTS',
  'ERR_RUNNER_SOCKET_IN_USE',
  'ERR_RUNNER_LISTEN',
] as const;

export type RunnerStartErrorCode = (typeof RUNNER_START_ERROR_CODES)[number];

export class RunnerStartError extends Error {
  readonly code: RunnerStartErrorCode;

  constructor(code: RunnerStartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RunnerStartError';
    this.code = code;
  }
}

/** sun_path is 108 bytes on Linux, including the terminating zero. */
const MAX_SOCKET_PATH_BYTES = 107;

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => resolve(false));
  });
}

export async function prepareSocketPath(path: string): Promise<void> {
  if (!path) throw new RunnerStartError('ERR_RUNNER_SOCKET_PATH', 'no socket path given');
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new RunnerStartError('ERR_RUNNER_SOCKET_PATH', `socket path is ${Buffer.byteLength(path)} bytes, longer than the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows: ${path}`);
  }
  const dir = dirname(path);
  try {
    const st = await fs.stat(dir);
    if (!st.isDirectory()) throw new RunnerStartError('ERR_RUNNER_SOCKET_DIR', `socket directory ${dir} is not a directory`);
    await fs.access(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (e) {
    if (e instanceof RunnerStartError) throw e;
    const why = errno(e) === 'ENOENT' ? 'does not exist' : errno(e) === 'EACCES' ? 'is not writable by this user' : (e as Error).message;
    throw new RunnerStartError('ERR_RUNNER_SOCKET_DIR', `socket directory ${dir} ${why}`, { cause: e });
  }
  let st;
  try {
    st = await fs.lstat(path);
  } catch (e) {
    if (errno(e) === 'ENOENT') return;
    throw new RunnerStartError('ERR_RUNNER_SOCKET_PATH', `cannot inspect ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (st.isSymbolicLink()) throw new RunnerStartError('ERR_RUNNER_SOCKET_EXISTS', `${path} is a symbolic link; refusing to follow or remove it`);
  if (!st.isSocket()) throw new RunnerStartError('ERR_RUNNER_SOCKET_EXISTS', `${path} exists and is not a socket; refusing to remove it`);
  if (await answers(path)) throw new RunnerStartError('ERR_RUNNER_SOCKET_IN_USE', `another process is listening on ${path}`);
  try {
    await fs.unlink(path);
  } catch (e) {
    throw new RunnerStartError('ERR_RUNNER_SOCKET_EXISTS', `cannot remove the stale socket ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** chmod the socket we just bound, after checking (lstat) that it is still our socket. */
export async function setSocketMode(path: string, mode: number): Promise<void> {
  const st = await fs.lstat(path);
  if (!st.isSocket()) throw new RunnerStartError('ERR_RUNNER_SOCKET_EXISTS', `${path} is no longer a socket after listen`);
  await fs.chmod(path, mode);
}

/** Removes the socket file if it is (still) a socket; missing is fine. */
export async function removeSocketFile(path: string): Promise<void> {
  try {
    const st = await fs.lstat(path);
    if (st.isSocket()) await fs.unlink(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}
