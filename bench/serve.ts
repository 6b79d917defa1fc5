// `latent-explorer serve` as the browser benchmarks start it: web mode in its own process, as a
// user starts it, with the checkout's bundled models and an empty user models folder.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');

/** Starts `latent-explorer serve` with an empty user models folder; resolves with its URL and backend line. */
export async function serve(modelsDir: string) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'latent-explorer.js'), 'serve', '--port', '0', '--models', modelsDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\S*token=\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL:\n${output}`)));
  });
  const stop = () =>
    new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGINT');
    });
  return { url, stop, output: () => output };
}

