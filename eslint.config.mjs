// Dependency direction is part of the design (see README "Architecture"): core is pure, protocol and
// runner know nothing of OpenAI/Anthropic; only filters/ and bridge/ join them.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'net', 'http', 'https', 'os', 'path', 'child_process', 'crypto', 'stream', 'buffer'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'src/protocol/generated/**', 'coverage/**', 'bench/.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.filter((n) => !n.includes('*')),
        patterns: [
          { group: ['node:*'], message: 'core/ does no I/O and uses no Node built-ins.' },
          { group: ['../*', '!../core', '!../core/**'], message: 'core/ imports nothing of ours outside itself.' },
          { group: ['undici', 'pino', '@grpc/*', 'flatbuffers'], message: 'core/ is pure.' },
        ],
      }],
    },
  },
  {
    files: ['src/protocol/**/*.ts', 'src/runner/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/core', '**/core/**', '**/filters/**', '**/bridge/**', '**/mock/**'], message: 'protocol/ and runner/ know nothing of OpenAI or Anthropic.' },
        ],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
