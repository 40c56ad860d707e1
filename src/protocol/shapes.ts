/** Shapes (see verify.ts) of the tables the runner decodes, field ids as in proto/ext-plugin.fbs. */
import type { TableShape } from './verify';

const u8 = { kind: 'scalar', size: 1 } as const;
const u16 = { kind: 'scalar', size: 2 } as const;
const u32 = { kind: 'scalar', size: 4 } as const;
const str = { kind: 'string' } as const;
const bytes = { kind: 'bytes' } as const;

export const TEXT_ENTRY: TableShape = [str, str];
const entries = { kind: 'tables', table: TEXT_ENTRY } as const;

export const PREPARE_CONF_REQ: TableShape = [entries, str];
export const HTTP_REQ_CALL_REQ: TableShape = [u32, bytes, u8, str, entries, entries, u32];
export const EXTRA_INFO_RESP: TableShape = [bytes];
export const HTTP_RESP_CALL_REQ: TableShape = [u32, u16, entries, u32];
