/**
 * Import rules run by `npm run check:deps` (and .ci/run); docs/architecture.md explains them.
 * A rule that fails is fixed in the code, not here, unless docs/architecture.md says why.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle means two modules are one concern or one of them is in the wrong place.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-walk-and-request',
      severity: 'error',
      comment: 'Planning, geometry and request validation are pure: no files, processes or network.',
      from: { path: '^src/(walk|request)/' },
      to: { path: '^(node:)?(fs|fs/promises|child_process|net|tls|http|https|dgram|dns|worker_threads)$|^(undici|node-fetch|axios|ioredis|bullmq)$|node_modules/(undici|node-fetch|axios|ioredis|bullmq)/' },
    },
    {
      name: 'core-does-not-reach-surfaces',
      severity: 'error',
      comment: 'Engines, frames, planning and video are used by every surface; they never import one.',
      from: { path: '^src/(engines|frames|walk|video|request|image|render|http)/' },
      to: { path: '^src/(server|cli|studio|queue)/' },
    },
    {
      name: 'library-root-has-no-server',
      severity: 'error',
      comment: "import('zoomwalk') must not load fastify or SQLite: the server is the zoomwalk/server subpath.",
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/server/|node_modules/(fastify|better-sqlite3|@fastify)/', reachable: true },
    },
    {
      name: 'studio-is-browser-code',
      severity: 'error',
      comment: 'The studio page runs in a browser: it may import the request contract and the pure planner (its estimate counts frames as the server does), never server, Node or engine code.',
      from: { path: '^src/studio/' },
      to: { path: '^src/(?!studio/|request/|walk/)', pathNot: '^src/errors\\.ts$' },
    },
    {
      name: 'studio-has-no-node-builtins',
      severity: 'error',
      from: { path: '^src/studio/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      comment: 'Nothing under src/ exists only for tests.',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '\\.d\\.ts$' },
  },
};
