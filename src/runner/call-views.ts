/**
 * The FilterRequest / FilterResponse objects filters see: decoded call data plus ExtraInfo access.
 */
import type { HttpReqCall, HttpRespCall, TextPair } from '../protocol';
import type { CallExtraInfo } from './extra-info';
import type { Entry, FilterRequest, FilterResponse } from './filter-contract';

/** Entries without value (`?flag` args) are exposed with value ''. */
function entries(list: readonly TextPair[]): Entry[] {
  return list.map(([n, v]) => [n, v ?? ''] as const);
}

function firstValue(list: readonly Entry[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [n, v] of list) if (n.toLowerCase() === wanted) return v;
  return undefined;
}

/** Textual form of $binary_remote_addr: dotted IPv4, or RFC 5952 style IPv6 ('' when absent). */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return '';
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function requestView(call: HttpReqCall, info: CallExtraInfo): FilterRequest {
  const headers = entries(call.headers);
  return {
    id: call.id,
    confToken: call.confToken,
    method: call.method,
    path: call.path,
    srcIp: formatIp(call.srcIp),
    headers,
    args: entries(call.args),
    header: (name) => firstValue(headers, name),
    variable: (name) => info.variable(name),
    body: () => info.reqBody(),
  };
}

export function responseView(call: HttpRespCall, info: CallExtraInfo): FilterResponse {
  const headers = entries(call.headers);
  return {
    id: call.id,
    confToken: call.confToken,
    status: call.status,
    headers,
    header: (name) => firstValue(headers, name),
    variable: (name) => info.variable(name),
    body: () => info.respBody(),
  };
}
