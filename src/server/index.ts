/** zoomwalk's HTTP server, as the subpath export `zoomwalk/server` (the package root loads none of it). */
export { buildServer } from './app.js';
export { DEFAULT_SERVER_OPTIONS, type ServerOptions } from './options.js';
export { keysFromEnv, type AuthConfig } from './auth.js';
export type { JobQueue, JobRecord, JobRunner, JobStatus } from './jobs/types.js';
