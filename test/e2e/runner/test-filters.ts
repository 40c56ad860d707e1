/** Filters that exist only for the runner tests: each exercises one path of the runner. */
import type { Filter } from '../../../src/filters/types';

/** Rewrites path/headers/args/body/resp headers from its conf. */
export const rewriteFilter: Filter<{ path?: string; tag?: string }> = {
  name: 'test-rewrite',
  confSchema: { type: 'object', properties: { path: { type: 'string' }, tag: { type: 'string' } }, additionalProperties: false },
  parseConf: (v) => v as { path?: string; tag?: string },
  async onRequest(conf, req) {
    return {
      kind: 'rewrite',
      path: conf.path,
      headers: [['x-tag', conf.tag ?? 'none'], ['x-remove-me', null]],
      args: [['added', '1']],
      respHeaders: [['x-resp', 'yes']],
      body: `rewritten ${req.method} ${req.path}`,
    };
  },
};

/** Answers Stop with the status from its conf. */
export const stopFilter: Filter<{ status: number }> = {
  name: 'test-stop',
  confSchema: { type: 'object', properties: { status: { type: 'integer', minimum: 0, maximum: 599 } }, required: ['status'], additionalProperties: false },
  parseConf: (v) => v as { status: number },
  async onRequest(conf) {
    return { kind: 'stop', status: conf.status, headers: [['X-Stopped', 'yes'], ['X-Stopped', 'twice']], body: 'stopped' };
  },
};

/** Throws on every hook; parseConf refuses {"refuse":true}. */
export const throwingFilter: Filter<unknown> = {
  name: 'test-throw',
  confSchema: { type: 'object' },
  parseConf: (v) => {
    if ((v as { refuse?: boolean }).refuse) throw new Error('refused by parseConf');
    return v;
  },
  async onRequest() {
    throw new Error('boom in onRequest');
  },
  async onResponse() {
    throw new Error('boom in onResponse');
  },
};

/** Reads variables and the body (twice, to prove caching) and echoes them in a Stop. */
export const echoFilter: Filter<{ vars: string[] }> = {
  name: 'test-echo',
  confSchema: { type: 'object', properties: { vars: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
  parseConf: (v) => ({ vars: (v as { vars?: string[] }).vars ?? [] }),
  async onRequest(conf, req, ctx) {
    ctx.log.info({ headers: req.headers }, 'echo saw headers');
    const vars: Record<string, string | null> = {};
    for (const name of conf.vars) vars[name] = (await req.variable(name)) ?? null;
    for (const name of conf.vars) await req.variable(name);
    const body = await req.body();
    const again = await req.body();
    return {
      kind: 'stop',
      status: 200,
      headers: [['content-type', 'application/json']],
      body: JSON.stringify({ vars, body: body?.toString('utf8') ?? null, sameBody: body === again, srcIp: req.srcIp, method: req.method, path: req.path, args: req.args, auth: req.header('Authorization') ?? null }),
    };
  },
  async onResponse(conf, res) {
    const body = await res.body();
    await res.body();
    const vars: Record<string, string | null> = {};
    for (const name of conf.vars) vars[name] = (await res.variable(name)) ?? null;
    return {
      kind: 'replace',
      status: 201,
      headers: [['content-type', 'application/json']],
      body: JSON.stringify({ upstream: body?.toString('utf8') ?? null, status: res.status, vars, headers: res.headers }),
    };
  },
};

/** Continues on requests; on responses keeps the body (no replace) so APISIX passes it through. */
export const passFilter: Filter<unknown> = {
  name: 'test-pass',
  confSchema: { type: 'object' },
  parseConf: (v) => v,
  async onRequest() {
    return { kind: 'continue' };
  },
  async onResponse() {
    return { kind: 'continue' };
  },
};

/** Waits until released (or a long time): for deadline and shutdown tests. */
export function slowFilter(gate: { wait: Promise<void>; entered?: number }): Filter<unknown> {
  return {
    name: 'test-slow',
    confSchema: { type: 'object' },
    parseConf: (v) => v,
    async onRequest() {
      gate.entered = (gate.entered ?? 0) + 1;
      await gate.wait;
      return { kind: 'stop', status: 202, body: 'slow done' };
    },
  };
}

/** Returns a body of the size given in its conf (for the frame size limit). */
export const bigFilter: Filter<{ size: number }> = {
  name: 'test-big',
  confSchema: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } }, required: ['size'], additionalProperties: false },
  parseConf: (v) => v as { size: number },
  async onRequest(conf) {
    return { kind: 'stop', status: 200, body: Buffer.alloc(conf.size, 0x61) };
  },
};
