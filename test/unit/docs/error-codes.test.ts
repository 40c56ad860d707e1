/** The README's error-code table and the registry in src/core/errors.ts must list the same codes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES } from '../../../src/core';

const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
const section = /<!-- error-codes:start -->([\s\S]*)<!-- error-codes:end -->/.exec(readme)?.[1] ?? '';

describe('README error codes', () => {
  it('lists exactly the codes of the registry, each with its description', () => {
    const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2].replace(/\\\|/g, '|')]);
    expect(rows.map((r) => r[0]).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, text] of rows) expect(text).toBe(ERROR_CODES[code as keyof typeof ERROR_CODES]);
  });

  it('uses codes of the form ERR_<AREA>_<THING>', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^ERR_[A-Z]+_[A-Z_]+$/);
  });
});
