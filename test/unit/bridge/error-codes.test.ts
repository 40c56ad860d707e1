import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../src/core/errors';

const ours = Object.keys(ERROR_CODES).filter((c) => /^ERR_(BRIDGE|CONFIG)_/.test(c));

test('docs/bridge.md lists every bridge and config error code of the registry, and no other', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/bridge.md'), 'utf8');
  const mentioned = new Set(doc.match(/ERR_(?:BRIDGE|CONFIG)_[A-Z_]+/g) ?? []);
  expect(ours.length).toBeGreaterThan(0);
  expect([...mentioned].sort()).toEqual([...ours].sort());
});
