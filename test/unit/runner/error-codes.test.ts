import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../src/core/errors';
import { PROTOCOL_ERROR_CODES } from '../../../src/protocol';
import { RUNNER_START_ERROR_CODES } from '../../../src/runner';

const ours = [...PROTOCOL_ERROR_CODES, ...RUNNER_START_ERROR_CODES];

test('every protocol and runner error code is in the registry with a description', () => {
  for (const code of ours) expect(ERROR_CODES).toHaveProperty(code, expect.stringMatching(/\w+/));
});

test('docs/runner.md lists every protocol and runner error code, and no other ERR_PROTOCOL/ERR_RUNNER code', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/runner.md'), 'utf8');
  const mentioned = new Set(doc.match(/ERR_(?:PROTOCOL|RUNNER)_[A-Z_]+/g) ?? []);
  expect([...mentioned].sort()).toEqual([...ours].sort());
});
