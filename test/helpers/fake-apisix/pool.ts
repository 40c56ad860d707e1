/**
 * APISIX's keepalive pool for the runner socket: after a successful call a connection goes back
 * (setkeepalive(180000, 32)): at most 32 idle connections; on error, or with unread bytes, it is
 * closed instead. Connections are taken most-recently-released first, as ngx does.
 */
import { FakeConnection } from './connection';

export const POOL_SIZE = 32;

export class ConnectionPool {
  private readonly idle: FakeConnection[] = [];
  private nextId = 1;
  opened = 0;
  /** Connections that could not be pooled because the runner left unread bytes. */
  unreadDataDrops = 0;

  constructor(private readonly path: string, private readonly connectTimeoutMs: number) {}

  async acquire(): Promise<FakeConnection> {
    while (this.idle.length) {
      const conn = this.idle.pop()!;
      if (!conn.closed) return conn;
    }
    this.opened += 1;
    return FakeConnection.open(this.path, this.nextId++, this.connectTimeoutMs);
  }

  release(conn: FakeConnection, ok: boolean): void {
    if (!ok || conn.closed) return conn.destroy();
    if (conn.unread > 0) {
      this.unreadDataDrops += 1;
      return conn.destroy();
    }
    if (this.idle.length >= POOL_SIZE) return conn.destroy();
    this.idle.push(conn);
  }

  get idleCount(): number {
    return this.idle.length;
  }

  close(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}
