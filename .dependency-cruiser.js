/**
 * The layers of src/, lowest first: a folder may import from its own layer and the ones before it,
 * never from a later one, and no module imports itself back through others (type-only imports
 * excepted for cycles). docs/architecture.md explains each layer. `npm run lint:deps` checks it.
 */
const layers = [
  'errors',
  'internal',
  'model',
  'stores',
  'messages',
  'wire',
  'diagnostics',
  'decorators',
  'bus',
  'gateway',
  'registry',
  'handling',
  'aggregate',
  'service',
  'projection',
  'consumers',
  'saga',
  'tracing',
  'bundle',
  'postgres',
  'mysql',
  'kafka',
  'metrics',
  'opentelemetry',
  'sentry',
  'testing',
];

const upward = layers.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}`,
  comment: `src/${layer} may import only from: ${layers.slice(0, i + 1).join(', ')}`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${layers.slice(i + 1).join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: break it by moving the shared part down a layer.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-unknown-layer',
      comment: 'Every folder of src/ has a place in the layer list of .dependency-cruiser.js.',
      severity: 'error',
      from: { path: `^src/`, pathNot: `^src/(${layers.join('|')})/|^src/[^/]+\\.ts$` },
      to: {},
    },
    {
      name: 'no-barrel-inside',
      comment: "Inside the package, import the module itself, not an index (the package's own entry points).",
      severity: 'error',
      from: { path: '^src/' },
      to: {
        path: '^src/(index|testing/index|postgres/index|mysql/index|kafka/index|metrics/index|opentelemetry/index|sentry/index)\\.ts$',
      },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(test|examples|bench|dist)/' },
  },
};
