import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { JobQueue, JobRecord } from './jobs/types.js';

/**
 * Who is calling: the owner a job they submit gets (a hash of their key, never the key), and
 * whether they are an operator (they see every tenant's jobs). A server without keys has one
 * tenant: every caller is an operator and jobs have no owner.
 */
export interface Caller {
  readonly owner: string | null;
  readonly operator: boolean;
}

/** A request no key check identified: it owns nothing and sees nothing (fail closed). */
const NOBODY: Caller = { owner: '!unidentified', operator: false };

const callers = new WeakMap<FastifyRequest, Caller>();

/** The owner recorded for jobs submitted with `key`: SHA-256 of it, so the database holds no key. */
export function ownerOf(key: string): string {
  return createHash('sha256').update(`zoomwalk-owner\0${key}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Records who a request is, once its key was accepted (auth.ts's key check calls this). */
export function identify(req: FastifyRequest, auth: { readonly open: boolean; readonly operators?: readonly string[] }, key: unknown): void {
  if (auth.open) {
    callers.set(req, { owner: null, operator: true });
    return;
  }
  if (typeof key !== 'string' || !key) return;
  const owner = ownerOf(key);
  // Hashes of equal length compared in constant time: no key is compared byte by byte.
  const operator = (auth.operators ?? []).some((k) => sameHash(ownerOf(k), owner));
  callers.set(req, { owner, operator });
}

/** The caller of a request whose key was checked; a request that was not identified sees nothing. */
export function callerOf(req: FastifyRequest): Caller {
  return callers.get(req) ?? NOBODY;
}

/** True when `caller` may see (fetch, poll, cancel, list) `job`. */
export function canSee(caller: Caller, job: JobRecord): boolean {
  return caller.operator || (job.owner !== null && job.owner === caller.owner);
}

/** The job with `id` if the request's caller may see it; null (the route's 404) otherwise, as for an unknown id. */
export async function visibleJob(queue: JobQueue, req: FastifyRequest, id: string): Promise<JobRecord | null> {
  const job = await queue.get(id);
  return job && canSee(callerOf(req), job) ? job : null;
}

/** Whose jobs a caller lists: `undefined` for all (operators), else their own. */
export function listedOwner(caller: Caller): string | null | undefined {
  return caller.operator ? undefined : caller.owner;
}
