import { mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZoomwalkError } from '../errors.js';

/** Data directories this process holds: a second server in the same process is refused too. */
const held = new Set<string>();

/** True when a process with this pid exists (EPERM: it exists but is another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a lock names, or null when it is unreadable (half-written, or not ours). */
function lockPid(path: string): number | null {
  let text: string;
  try {
    text = readlinkSync(path);
  } catch {
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  }
  const pid = Number(/^pid-(\d+)$|^(\d+)\s*$/.exec(text)?.slice(1).find(Boolean));
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Creates the lock exclusively (fails with EEXIST if it exists). It is a symbolic link whose
 * target is `pid-<pid>`, like Emacs' lock files: it is created atomically with the pid in it, and
 * a short link lives in the inode, so the lock is taken even on a full disk. A file system without
 * links gets a file opened with `wx`.
 */
function create(path: string): void {
  try {
    symlinkSync(`pid-${process.pid}`, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
  }
}

/**
 * Takes `<dataDir>/lock` for this process, so two servers never share a data directory (the
 * second would re-run the first's jobs and delete its partial files). A lock whose pid is not
 * alive (a crash) or is this process's own pid left by an earlier run (a container's pid 1) is
 * taken over. Throws ZW_DATA_LOCKED naming the other server's pid. Returns the release function.
 */
export function acquireDataLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'lock');
  if (held.has(path)) throw locked(dataDir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      create(path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw err;
      const pid = lockPid(path);
      if (pid !== null && pid !== process.pid && alive(pid)) throw locked(dataDir, pid);
      // Stale: its server is gone. Removed and created again exclusively. (Two servers taking
      // over the same stale lock in the same millisecond could both win; starting them one
      // after the other, as any supervisor does, cannot.)
      rmSync(path, { force: true });
    }
  }
  held.add(path);
  return () => {
    if (!held.delete(path)) return;
    if (lockPid(path) === process.pid) rmSync(path, { force: true });
  };
}

function locked(dataDir: string, pid: number): ZoomwalkError {
  return new ZoomwalkError('ZW_DATA_LOCKED', `the data directory ${dataDir} is in use by another zoomwalk serve (pid ${pid}); stop it or use another --data (if pid ${pid} is not zoomwalk, remove ${join(dataDir, 'lock')})`);
}
