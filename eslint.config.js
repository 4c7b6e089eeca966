// Lint: typescript-eslint's recommended rules, React's hooks rules, and the layering of
// ../shared/DESIGN.md as import rules. The arrows point one way:
//   app → protocol ← worker → train → model; data and kernels are used by worker/train/model.
// Rules that only restate formatting are Prettier's (.prettierrc), not the linter's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** An import that climbs out of its folder into `folder` (relative imports only: the project has no aliases). */
const into = (folder, message) => ({ regex: `^(\\.\\./)+${folder}(/|$)`, message });

const TESTING = into('testing', 'Only tests import src/testing (test helpers).');

// The GPU behind one door (issue 26): only src/kernels/ (the WebGPU programs, the replay, the TF.js
// adapter) and the worker's backend set-up read TF.js's internals or touch the GPU device.
const INTERNALS = {
  regex: '^(\\.\\./)+kernels/tfjsInternals$',
  message: 'Only src/kernels/ and src/worker/backend.ts read TF.js internals: add an operation to a kernels module instead',
};
/** Device calls outside src/kernels/ (and the backend set-up): a raw GPU write, buffer, bind group or submit. */
const GPU_CALLS = ['writeBuffer', 'createBuffer', 'createBindGroup', 'createCommandEncoder', 'createComputePipeline', 'mapAsync'].map((name) => ({
  selector: `CallExpression[callee.property.name='${name}']`,
  message: `${name} touches the GPU: only src/kernels/ and src/worker/backend.ts do (give a kernels module the operation)`,
}));
const QUEUE_SUBMIT = {
  selector: "CallExpression[callee.property.name='submit'][callee.object.property.name='queue']",
  message: 'queue.submit touches the GPU: only src/kernels/ and src/worker/backend.ts do',
};
/** Backend set-up: the one file outside src/kernels/ that may. */
const GPU_DOOR = 'src/worker/backend.ts';

// Nothing test-only shipped (issue 26): the fault hooks' messages (`debug/…`) are named only where
// they are declared, sent and handled behind the CAE_TEST_HOOKS build flag, and the page's fault
// controls are imported only by its test hook (src/app/productionBundle.test.ts checks the bundle).
const DEBUG_DOORS = ['src/protocol/messages.ts', 'src/app/workerClient.ts', 'src/worker/worker.ts'];
const DEBUG_LITERALS = ['Literal[value=/^debug\\//]', 'TemplateElement[value.raw=/^debug\\//]'].map((selector) => ({
  selector,
  message: 'A debug/ (fault hook) message: only src/protocol/messages.ts, src/app/workerClient.ts and src/worker/worker.ts name them',
}));
const FAULT_CONTROLS = {
  regex: '(^|/)workerClient$',
  importNames: ['loseDevice', 'crashWorker', 'killWorker', 'setChunkCacheForTest', 'slowWritesForTest'],
  message: 'Fault controls are for src/app/testHook.ts only, which installs them in a CAE_TEST_HOOKS=1 build',
};
const TEST_HOOK = 'src/app/testHook.ts';

/** The layers each folder must not import, per DESIGN.md. */
const LAYERS = {
  // Pure TF.js: it may use kernels and data, never what drives it.
  'src/model': [
    into('train', 'Model is below train'),
    into('worker', 'Model never sees the worker'),
    into('app', 'Model never sees the page'),
    into('protocol', 'Model knows nothing of the messages'),
  ],
  'src/train': [
    into('worker', 'Train is below the worker'),
    into('app', 'Train never sees the page'),
    into('protocol', 'Train knows nothing of the messages: types both share live in train and the protocol re-exports them'),
  ],
  // The lowest layer: GPU programs and the TF.js adapter, used by model/train/worker.
  'src/kernels': ['model', 'train', 'worker', 'app', 'protocol', 'data'].map((f) =>
    into(f, 'Kernels are the lowest layer; their WebGPU tests (*.webgpu.ts) may use the model'),
  ),
  'src/data': [
    into('train', 'Data is below train'),
    into('worker', 'Data never sees the worker'),
    into('app', 'Data never sees the page'),
    into('protocol', 'Data knows nothing of the messages'),
    into('kernels', 'Data is plain TypeScript'),
    // Exception: the seeded generator (model/random.ts) is shared by data order, augmentation and
    // procedural scenes, so every random choice comes from one kind of seed; nothing else of model.
    { regex: '^(\\.\\./)+model/(?!random$)', message: 'Data may use only model/random (the seeded generator)' },
  ],
  'src/worker': [into('app', 'The worker never imports the page; they talk through src/protocol')],
  // The page may import pure modules of model, data and train (presets, configs and their checks,
  // defaults, the official command line): they run anywhere and the protocol already names their
  // types. It never imports the worker's code (it starts it by URL) nor the GPU kernels.
  'src/app': [
    into('worker', 'The page talks to the worker through src/protocol and workerClient.ts only'),
    into('kernels', 'The page never runs GPU kernels'),
    FAULT_CONTROLS,
  ],
};

/** Tests and their helpers cross layers on purpose: they check one layer against another. */
const TESTS = ['src/**/*.test.ts', 'src/**/*.webgpu.ts', 'src/testing/**'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.gpu-build/', '.gpu/', '.scratch/', 'test-results/', 'playwright-report/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The rules of hooks and the React Compiler's checks (purity, refs, state set in effects).
  { ...reactHooks.configs.flat['recommended-latest'], files: ['src/app/**/*.{ts,tsx}'] },
  {
    rules: {
      // `_`-prefixed names are deliberately unused (a parameter a signature needs).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Plain JavaScript outside the TypeScript project: the service worker (its own global scope; the
  // build defines __PRECACHE__) and the Node scripts that draw the icons.
  {
    files: ['src/sw/**/*.js'],
    languageOptions: { globals: { self: 'readonly', caches: 'readonly', fetch: 'readonly', URL: 'readonly', Response: 'readonly', __PRECACHE__: 'readonly' } },
  },
  { files: ['scripts/**/*.mjs'], languageOptions: { globals: { Buffer: 'readonly', URL: 'readonly', process: 'readonly', console: 'readonly' } } },
  ...Object.entries(LAYERS).map(([folder, patterns]) => ({
    files: [`${folder}/**/*.{ts,tsx}`],
    ignores: [...TESTS, GPU_DOOR],
    rules: { 'no-restricted-imports': ['error', { patterns: [...patterns, INTERNALS, TESTING] }] },
  })),
  { files: [GPU_DOOR], rules: { 'no-restricted-imports': ['error', { patterns: [...LAYERS['src/worker'], TESTING] }] } },
  {
    files: [TEST_HOOK],
    rules: { 'no-restricted-imports': ['error', { patterns: [...LAYERS['src/app'].filter((p) => p !== FAULT_CONTROLS), INTERNALS, TESTING] }] },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: [...TESTS, 'src/kernels/**', GPU_DOOR, ...DEBUG_DOORS],
    rules: { 'no-restricted-syntax': ['error', ...GPU_CALLS, QUEUE_SUBMIT, ...DEBUG_LITERALS] },
  },
  { files: DEBUG_DOORS, rules: { 'no-restricted-syntax': ['error', ...GPU_CALLS, QUEUE_SUBMIT] } },
  // The protocol is the contract between page and worker: it may name the types of the layers
  // below (configs, dataset summaries, profiles) but runs none of their code.
  {
    files: ['src/protocol/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...['model', 'train', 'data', 'kernels'].map((f) => ({
              ...into(f, 'The protocol may import only types from the layers below'),
              allowTypeImports: true,
            })),
            into('worker', 'The protocol is imported by the worker, not the other way'),
            into('app', 'The protocol is imported by the page, not the other way'),
            TESTING,
          ],
        },
      ],
    },
  },
);
