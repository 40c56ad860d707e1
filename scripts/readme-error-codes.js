#!/usr/bin/env node
// Rewrites the README's error-code table from src/core/errors.ts (test/unit/docs checks they agree).
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const source = readFileSync(join(root, 'src/core/errors.ts'), 'utf8');
const rows = [...source.matchAll(/^\s+(ERR_[A-Z_]+): '((?:[^'\\]|\\.)*)',?$/gm)].map(([, code, text]) => `| \`${code}\` | ${text.replace(/\\'/g, "'").replace(/\|/g, '\\|')} |`);
const table = `| code | meaning |\n|---|---|\n${rows.join('\n')}\n`;
const readme = readFileSync(join(root, 'README.md'), 'utf8');
writeFileSync(join(root, 'README.md'), readme.replace(/<!-- error-codes:start -->[\s\S]*<!-- error-codes:end -->/, `<!-- error-codes:start -->\n${table}<!-- error-codes:end -->`));
console.log(`${rows.length} error codes written to README.md`);
