// ESLint flat config. Beyond the usual recommended rules, this file enforces the layering in
// /work/shared/DESIGN.md: which folder may import what. Each layer gets exactly one
// `@typescript-eslint/no-restricted-imports` entry (a later entry for the same file would replace,
// not extend, an earlier one), so the layer globs below are kept disjoint with `ignores`.
import { builtinModules } from 'node:module'
import { defineConfig, globalIgnores } from 'eslint/config'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

// ---------------------------------------------------------------------------------------------
// Building blocks for the layer rules. Regexes rather than globs: globs are ambiguous on
// relative specifiers such as '../../main/x'. Layer folders are matched as whole path segments
// of *relative* imports (the repo has no path aliases), so packages like 'react-dom/server' are
// not mistaken for src/server.

const layer = (name) => `^\\.{1,2}/(?:.*/)?${name}(?:/|$)`

/** Forbidden-import groups; each is turned into a pattern carrying the layer's message. */
const forbid = {
  electron: ['^electron(?:/.*)?$'],
  node: ['^node:', `^(?:${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace(/[/.]/g, '\\$&')).join('|')})(?:/.*)?$`],
  react: ['^react(?:-dom)?(?:/.*)?$'],
  main: [layer('main')],
  server: [layer('server')],
  renderer: [layer('renderer')],
  preload: [layer('preload')],
  platform: [layer('platform')],
}

/** `@typescript-eslint/no-restricted-imports` options forbidding `groups`, all with `message`. */
function restrictImports(message, groups) {
  const patterns = groups.flatMap((group) => forbid[group].map((regex) => ({ regex, message })))
  return ['error', { patterns }]
}

/** Dynamic `import('electron')` and `require('electron')` slip past no-restricted-imports. */
function restrictDynamicElectron(message) {
  return [
    'error',
    { selector: "ImportExpression[source.value=/^electron(\\u002F|$)/]", message },
    { selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\u002F|$)/]", message },
  ]
}

function layerRules(message, groups) {
  const rules = { '@typescript-eslint/no-restricted-imports': restrictImports(message, groups) }
  if (groups.includes('electron')) rules['no-restricted-syntax'] = restrictDynamicElectron(message)
  return rules
}

const TS = '**/*.{ts,tsx,mts,cts}'

export default defineConfig([
  globalIgnores(['out/', 'node_modules/', 'dist/', 'test-results/', 'playwright-report/', 'coverage/', 'data/']),

  // --- Baseline for every file -------------------------------------------------------------
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: [TS],
    // TypeScript checks undefined names itself, knowing each tsconfig's lib and types.
    rules: { 'no-undef': 'off' },
  },

  // --- Globals per folder ------------------------------------------------------------------
  {
    files: ['src/main/**', 'src/server/**', 'tests/**', 'scripts/**', 'bench/**', '*.config.{js,ts,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/renderer/**', 'src/preload/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  // --- React -------------------------------------------------------------------------------
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },

  // --- Layer rules -------------------------------------------------------------------------
  {
    files: ['src/shared/**'],
    rules: {
      ...layerRules('src/shared is platform-neutral: no Node, DOM, Electron or app-layer imports', [
        'electron',
        'node',
        'react',
        'main',
        'server',
        'renderer',
        'preload',
      ]),
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'process', 'Buffer', 'global', '__dirname', '__filename', 'require'].map(
          (name) => ({ name, message: 'src/shared is platform-neutral: no Node, DOM, Electron or app-layer globals' }),
        ),
      ],
    },
  },
  {
    files: ['src/main/services/**'],
    rules: layerRules('src/main/services must run under plain Node: no electron, renderer, server, platform or preload imports', [
      'electron',
      'renderer',
      'server',
      'platform',
      'preload',
    ]),
  },
  {
    files: ['src/main/web-host/**'],
    rules: layerRules('src/main/web-host runs the services under Node: no electron, renderer, server, platform or preload imports', [
      'electron',
      'renderer',
      'server',
      'platform',
      'preload',
    ]),
  },
  {
    // The Electron layer (platform/, index.ts) may use electron and the services, not the other apps.
    files: ['src/main/**'],
    ignores: ['src/main/services/**', 'src/main/web-host/**'],
    rules: layerRules('src/main talks to the renderer only through AgentApi: no renderer, server or preload imports', [
      'renderer',
      'server',
      'preload',
    ]),
  },
  {
    files: ['src/renderer/**'],
    rules: layerRules('src/renderer talks only to AgentApi: no electron, Node, main, server or preload imports', [
      'electron',
      'node',
      'main',
      'server',
      'preload',
    ]),
  },
  {
    files: ['src/server/**'],
    rules: layerRules('src/server is its own application: no electron, main, renderer or preload imports', [
      'electron',
      'main',
      'renderer',
      'preload',
    ]),
  },
  {
    files: ['src/preload/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            // Any package other than electron (a sandboxed preload cannot require node_modules).
            { regex: '^(?!electron(?:/|$)|\\.{1,2}/)', message: 'src/preload may import only electron and src/shared' },
            // Any relative import that leaves src/preload for somewhere other than src/shared.
            { regex: '^(?:\\.\\./)+(?!\\.\\./|shared/)', message: 'src/preload may import only electron and src/shared' },
            // Only types from src/shared: its modules build zod schemas when loaded, and the
            // sandboxed preload cannot require zod (electron-vite leaves dependencies external).
            {
              regex: '^(?:\\.\\./)+shared/(?!ipc/agent-api-names$)',
              allowTypeImports: true,
              message: 'src/preload may import only types from src/shared: a sandboxed preload cannot require zod, which shared modules load',
            },
          ],
        },
      ],
    },
  },
])
