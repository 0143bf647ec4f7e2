/** zoomwalk's HTTP server, as the subpath export `zoomwalk/server` (the package root loads none of it). */
export { buildServer, DEFAULT_SERVER_OPTIONS, type ServerOptions } from './app.js';
export type { JobQueue, JobRecord, JobStatus } from './jobs/types.js';
