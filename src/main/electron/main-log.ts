// The app's log, for launch problems and bug reports: start-up, the engine process's output and
// exits, and errors main did not catch. Each line is printed too (`npm start` keeps that output in
// its launch log) and appended to main.log in Electron's logs folder.
import { app } from 'electron';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** <logs>/main.log: ~/Library/Logs/<app>/ on macOS, <userData>/logs/ elsewhere. */
export function mainLogPath(): string {
  return join(app.getPath('logs'), 'main.log');
}

function append(text: string): void {
  try {
    mkdirSync(dirname(mainLogPath()), { recursive: true });
    appendFileSync(mainLogPath(), text);
  } catch {
    // A log that cannot be written must not stop the app; the line was printed anyway.
  }
}

/** One line of main's own, printed as "latent-explorer: …" and logged with a time stamp. */
export function logLine(line: string): void {
  process.stdout.write(`latent-explorer: ${line}\n`);
  append(`${new Date().toISOString()} ${line}\n`);
}

/** Output of the engine process, passed through as it comes. */
export function logOutput(chunk: Buffer | string, to: NodeJS.WriteStream): void {
  to.write(chunk);
  append(String(chunk));
}
