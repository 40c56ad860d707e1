/**
 * The production CoreEnv: the real clock and random ids. Tests inject fixedEnv() instead, so no test
 * depends on time or randomness.
 */
import { randomBytes } from 'node:crypto';
import type { CoreEnv } from '../core';

export function systemEnv(): CoreEnv {
  return {
    now: () => Date.now(),
    newId: (prefix) => `${prefix}${randomBytes(12).toString('base64url')}`,
  };
}
