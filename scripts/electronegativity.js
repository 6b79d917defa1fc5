// `npm run lint:electron`: the electronegativity scan over src/ (or the folder given), failing on any finding above LOW.
// Its CLI breaks with the commander version this project hoists, so its runner is called directly.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const { severity } = require('@doyensec/electronegativity/dist/finder');

const input = process.argv[2] ?? fileURLToPath(new URL('../src', import.meta.url));
// The scan reads src/ only, where no package.json names the Electron version: give it ours.
const electronVersionOverride = require('electron/package.json').version;
const { issues, errors, atomicChecks, globalChecks } = await run({ input, electronVersionOverride, isRelative: true, customScan: [], excludeFromScan: [] });

for (const error of errors.filter((e) => !e.tolerable)) console.error(`could not parse ${error.file}: ${error.message}`);
// Whether a newer Electron patch exists depends on the day's release feed (fetched online), not on
// this code, and `npm install` already takes the newest release in range: shown, never failing.
const ADVISORY = new Set(['AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK']);
const blocking = issues.filter((issue) => issue.severity.value > severity.LOW.value && !ADVISORY.has(issue.id));
for (const issue of issues) {
  const mark = blocking.includes(issue) ? 'FAIL' : 'note';
  console.log(`${mark} ${issue.id} [${issue.severity.name}/${issue.confidence.name}] ${issue.file}:${issue.location.line}  ${issue.description}`);
}
console.log(`electronegativity: ${atomicChecks + globalChecks} checks, ${issues.length} findings, ${blocking.length} above LOW.`);
process.exit(blocking.length > 0 || errors.some((e) => !e.tolerable) ? 1 : 0);
