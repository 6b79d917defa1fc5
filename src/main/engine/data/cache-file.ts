/**
 * Cache files of parsed datasets (the Fashion-MNIST split, decoded image folders): written whole
 * under a temporary name and renamed, so a reader never sees half a file and a killed process
 * leaves at most a stray temporary one.
 */
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `parts` one after another to `file` atomically. Returns false (and leaves nothing) when it cannot: a cache only saves time. */
export function writeCacheFile(file: string, parts: Uint8Array[]): boolean {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, Buffer.concat(parts));
    renameSync(temp, file);
    return true;
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // nothing was written
    }
    return false;
  }
}
