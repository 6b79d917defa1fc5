// Reading a file whose path a user (or a model folder) chose. A FIFO, a device or a link to one
// would block the engine's only thread or never reach its end (/dev/zero), so anything but a regular
// file is refused. O_NONBLOCK makes even the open of a FIFO return at once; it changes nothing for
// regular files (and is absent on Windows, where FIFOs cannot sit in a folder).
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** The file's bytes; throws an Error with code EISDIR for a folder, ENOTREG for a pipe, socket or device, or the usual fs errors. */
export function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
    if (!stat.isFile()) throw Object.assign(new Error(`${path} is not a regular file (a pipe, socket or device)`), { code: 'ENOTREG' });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}
