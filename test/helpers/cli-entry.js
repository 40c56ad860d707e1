// The CLI as bin/ runs it, but from the TypeScript sources.
require('./ts-register');
require('../../src/cli/main.ts').runFromProcess();
