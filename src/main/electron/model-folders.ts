// Paths that reach main from outside it (the renderer, the engine process) are untrusted: main
// acts on a folder only when it resolves, through any links, to a folder inside a models folder.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** The real path of an existing folder, or null (not a string, not absolute, missing, a file). */
function realFolder(path: unknown): string | null {
  if (typeof path !== 'string' || !isAbsolute(path)) return null;
  try {
    const real = realpathSync(path);
    return statSync(real).isDirectory() ? real : null;
  } catch {
    return null;
  }
}

function isInside(parent: string, child: string): boolean {
  const parentReal = realFolder(parent);
  if (!parentReal) return false;
  const rel = relative(parentReal, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** `path`'s real folder when it lies inside one of `roots`, else null. */
export function modelFolderWithin(path: unknown, roots: readonly string[]): string | null {
  const folder = realFolder(path);
  return folder && roots.some((root) => isInside(root, folder)) ? folder : null;
}
