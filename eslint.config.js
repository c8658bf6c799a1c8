import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist', '**/node_modules', '.nx', 'apps/api/src/generated', 'coverage', '.data'],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // Scope tags keep layers apart: shared libs import nothing app-specific, and the
      // browser apps never reach into the API (nor the reverse).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:api', onlyDependOnLibsWithTags: ['scope:api', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
            {
              sourceTag: 'scope:tooling',
              onlyDependOnLibsWithTags: ['scope:tooling', 'scope:shared', 'scope:api'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Nest resolves constructor dependencies from emitted type metadata, so those imports are values.
    files: ['apps/api/**/*.ts'],
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
  },
  {
    // The SPA follows the Rules of Hooks and the React Compiler's purity rules (recommended set).
    files: ['apps/web/**/*.ts', 'apps/web/**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // libs/* are framework-free: no NestJS, Prisma or React.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', '@prisma/*', 'react', 'react-dom', 'react/*'],
              message: 'libs/* stay framework-free.',
            },
          ],
        },
      ],
    },
  },
  {
    // Error codes are the per-module constants of @baton/contracts, never a string typed where one is thrown.
    files: ['apps/api/src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "NewExpression[callee.name='DomainError'] > :matches(Literal, TemplateLiteral).arguments:first-child",
          message: 'Use an error code constant from @baton/contracts (e.g. QueuesErrorCode.NameTaken).',
        },
        {
          selector:
            "NewExpression[callee.name='RateLimitedError'] > :matches(Literal, TemplateLiteral).arguments:nth-child(3)",
          message: 'Use an error code constant from @baton/contracts (e.g. CommonErrorCode.RateLimited).',
        },
      ],
    },
  },
  {
    // SQL is written as tagged templates ($queryRaw`…`, Prisma.sql), so values never enter its text.
    files: ['apps/api/src/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { property: '$queryRawUnsafe', message: 'Use tx.$queryRaw`…` (or Prisma.sql) with typed rows.' },
        { property: '$executeRawUnsafe', message: 'Use tx.$executeRaw`…` (or Prisma.sql).' },
      ],
    },
  },
  {
    files: ['tools/**/*.ts', 'tools/**/*.mjs', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    // Benchmarks drive the API's own services in-process, as its tests do; nothing ships from bench/.
    files: ['bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Browser flows boot the API, worker and demo seed in-process with the API's test support; nothing ships from here.
    files: ['apps/web-e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  prettier,
);
