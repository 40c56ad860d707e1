/**
 * The contract between the runner (which speaks APISIX's protocol) and filters (which know what a
 * request means). Filters never see FlatBuffers; the runner never sees OpenAI or Anthropic.
 */
import type { Logger } from 'pino';

/** Header and arg lists keep APISIX's order and repeats. Request header names are lower-case. */
export type Entry = readonly [name: string, value: string];
/** `null` value = delete (Rewrite headers/args), as APISIX reads a TextEntry with no value. */
export type EditEntry = readonly [name: string, value: string | null];

export interface FilterRequest {
  readonly id: number;
  readonly confToken: number;
  /** GET, POST, ... (APISIX's 15 methods). */
  readonly method: string;
  readonly path: string;
  /** Textual client address (IPv4 or IPv6), '' if absent. */
  readonly srcIp: string;
  readonly headers: readonly Entry[];
  readonly args: readonly Entry[];
  /** First value of a request header (name matched case-insensitively), undefined if absent. */
  header(name: string): string | undefined;
  /** ExtraInfo Var round trip on the same connection; undefined when APISIX answers nil. Cached per call. */
  variable(name: string): Promise<string | undefined>;
  /** ExtraInfo ReqBody, fetched at most once per call; undefined when there is no body. */
  body(): Promise<Buffer | undefined>;
}

export interface FilterResponse {
  readonly id: number;
  readonly confToken: number;
  readonly status: number;
  /** Upstream response headers in their original case, as APISIX hands them over. */
  readonly headers: readonly Entry[];
  header(name: string): string | undefined;
  variable(name: string): Promise<string | undefined>;
  /** ExtraInfo RespBody, fetched at most once per call (a second fetch would empty APISIX's buffer). */
  body(): Promise<Buffer | undefined>;
}

export type RequestAction =
  | { readonly kind: 'continue' }
  | {
      readonly kind: 'stop';
      readonly status: number;
      readonly headers?: readonly Entry[];
      /** Must be non-empty to be sent: APISIX ignores an empty body. */
      readonly body?: Buffer | string;
    }
  | {
      readonly kind: 'rewrite';
      readonly path?: string;
      readonly headers?: readonly EditEntry[];
      readonly args?: readonly EditEntry[];
      readonly respHeaders?: readonly Entry[];
      readonly body?: Buffer | string;
    };

export type ResponseAction =
  | { readonly kind: 'continue' }
  | {
      readonly kind: 'replace';
      /** 0 or undefined keeps the upstream status. */
      readonly status?: number;
      /** The complete header set: APISIX drops every upstream header we do not repeat. */
      readonly headers: readonly Entry[];
      readonly body?: Buffer | string;
    };

export interface FilterContext {
  /** Child logger carrying rpc type, request id, conf token and filter name. */
  readonly log: Logger;
}

export interface Filter<Conf = unknown> {
  readonly name: string;
  /** JSON Schema for the conf value (after JSON.parse). Checked with ajv at PrepareConf. */
  readonly confSchema: object;
  /** Turns a schema-valid value into the filter's own conf; may throw to refuse it at PrepareConf. */
  parseConf(value: unknown): Conf;
  onRequest?(conf: Conf, req: FilterRequest, ctx: FilterContext): Promise<RequestAction>;
  onResponse?(conf: Conf, res: FilterResponse, ctx: FilterContext): Promise<ResponseAction>;
}
