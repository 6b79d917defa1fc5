// A model folder in use by a training run holds a lock file naming the run's process, so that a
// second run (another `train --out` of the same folder, or the app) is refused instead of
// overwriting the first one's model. A killed run cannot remove its lock, so a lock whose process
// is gone (or whose machine has rebooted since) counts as stale: it is taken over, and the
// library shows the folder's model as interrupted rather than training.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { ModelSummary } from '../../../shared/contract';
import { UserError } from '../errors';
import type { Manifest } from './manifest';

export const RUN_LOCK_FILE = '.run.lock';

const LockInfo = z.object({ pid: z.number().int(), host: z.string(), boot: z.string(), startedAt: z.string() });
type LockInfo = z.infer<typeof LockInfo>;

/** This boot of this machine (Linux); elsewhere '' and only the process id tells. */
function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

function readLock(dir: string): LockInfo | null {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(readFileSync(join(dir, RUN_LOCK_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // missing, or not ours to read: no run holds the folder
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Whether the run that wrote `lock` may still be running; another machine's run cannot be checked, so it counts as live. */
function isLive(lock: LockInfo): boolean {
  if (lock.host !== hostname()) return true;
  if (lock.boot !== bootId()) return false;
  return processAlive(lock.pid);
}

/** The live run holding `dir`, or null when none does (no lock, or a stale one left by a killed run). */
export function liveRunLock(dir: string): LockInfo | null {
  const lock = readLock(dir);
  return lock && isLive(lock) ? lock : null;
}

/** The one-line refusal for a folder held by a live run. */
export function inUseError(dir: string, lock: LockInfo): UserError {
  const where = lock.host === hostname() ? `process ${lock.pid}` : `process ${lock.pid} on ${lock.host}`;
  return new UserError(
    `${dir} is in use by another training run (${where}, started ${lock.startedAt}): wait for it to finish or choose another folder` +
      (lock.host === hostname() ? '' : `; if that run is gone, remove ${join(dir, RUN_LOCK_FILE)}`),
    'conflict'
  );
}

/** A manifest's run status as it stands: 'training' by a run that is gone (killed hard) is 'interrupted'. */
export function runStatus(dir: string, status: Manifest['status']): ModelSummary['status'] {
  return status === 'training' && !liveRunLock(dir) ? 'interrupted' : status;
}

export interface RunLock {
  readonly dir: string;
  /** Whether taking the lock created the folder, so that a run which saves nothing can remove it again. */
  readonly createdDir: boolean;
  /** Gives the folder up; with `removeFolder`, a folder this lock created goes too (nothing was saved in it). */
  release(removeFolder?: boolean): void;
}

/**
 * Takes `dir` (created if missing) for a training run of this process. Throws a 'conflict'
 * UserError when a live run holds it; a stale lock is replaced. The lock file is written whole
 * under a temporary name and linked into place, so no reader ever sees it half-written.
 */
export function takeRunLock(dir: string): RunLock {
  // mkdirSync says whether this call made the folder: of two runs racing for a new folder, only one did.
  const createdDir = mkdirSync(dir, { recursive: true }) !== undefined;
  const path = join(dir, RUN_LOCK_FILE);
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}`;
  const info: LockInfo = { pid: process.pid, host: hostname(), boot: bootId(), startedAt: new Date().toISOString() };
  writeFileSync(temp, JSON.stringify(info));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(temp, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      }
      const holder = readLock(dir);
      if (holder && isLive(holder)) throw inUseError(dir, holder);
      rmSync(path, { force: true }); // left by a run that was killed
    }
  } catch (error) {
    if (createdDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  return {
    dir,
    createdDir,
    release(removeFolder = false) {
      if (removeFolder && createdDir) return rmSync(dir, { recursive: true, force: true });
      const holder = readLock(dir);
      if (holder?.pid === process.pid && holder.startedAt === info.startedAt) unlinkSync(path);
    },
  };
}
