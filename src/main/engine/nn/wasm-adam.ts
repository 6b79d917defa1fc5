// The Adam update as a WebAssembly SIMD loop that runs on the tfjs wasm backend's own memory.
//
// A JavaScript loop over the heap costs ~7 ns per parameter (double-precision sqrt and divide);
// this module does four float32 lanes at a time (~10× faster), reading and writing the tensors
// where the backend keeps them. It is assembled here from opcodes, a few dozen bytes, so that no
// binary needs to be shipped or built.

import { webAssembly, type WasmMemory } from '../backend/webassembly';

const I32 = 0x7f;
const F32 = 0x7d;
const V128 = 0x7b;

const OP = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  get: (local: number) => [0x20, local],
  set: (local: number) => [0x21, local],
  tee: (local: number) => [0x22, local],
  i32Const: (n: number) => [0x41, n],
  i32Add: [0x6a],
  i32GeU: [0x4f],
  f32One: [0x43, 0x00, 0x00, 0x80, 0x3f],
  f32Sub: [0x93],
  load: [0xfd, 0x00, 0x00, 0x00], // v128.load, align 1, offset 0
  store: [0xfd, 0x0b, 0x00, 0x00],
  splat: [0xfd, 0x13], // f32x4.splat
  sqrt: [0xfd, 0xe3, 0x01],
  add: [0xfd, 0xe4, 0x01],
  sub: [0xfd, 0xe5, 0x01],
  mul: [0xfd, 0xe6, 0x01],
  div: [0xfd, 0xe7, 0x01],
};

// Parameters: byte addresses of p, g, m, v, out; byte length; then the step's scalars.
const [P, G, M, V, OUT, LEN, BETA1, BETA2, DECAY, STEP, INV_ROOT, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// Locals: the byte index, the scalars splatted to four lanes, and per-vector temporaries.
const [I, VB1, VC1, VB2, VC2, VDECAY, VSTEP, VINV_ROOT, VEPS, VP, VG, VM, VV] = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];

const at = (base: number) => [...OP.get(base), ...OP.get(I), ...OP.i32Add];

/** for i in 0..len step 16: m, v updated in place, out = p − step·m / (√v·invRoot + ε). */
const BODY = [
  ...OP.get(BETA1), ...OP.splat, ...OP.set(VB1),
  ...OP.f32One, ...OP.get(BETA1), ...OP.f32Sub, ...OP.splat, ...OP.set(VC1),
  ...OP.get(BETA2), ...OP.splat, ...OP.set(VB2),
  ...OP.f32One, ...OP.get(BETA2), ...OP.f32Sub, ...OP.splat, ...OP.set(VC2),
  ...OP.get(DECAY), ...OP.splat, ...OP.set(VDECAY),
  ...OP.get(STEP), ...OP.splat, ...OP.set(VSTEP),
  ...OP.get(INV_ROOT), ...OP.splat, ...OP.set(VINV_ROOT),
  ...OP.get(EPS), ...OP.splat, ...OP.set(VEPS),
  ...OP.i32Const(0), ...OP.set(I),
  ...OP.block, ...OP.loop,
  ...OP.get(I), ...OP.get(LEN), ...OP.i32GeU, ...OP.brIf(1),
  // p; g + decay·p
  ...at(P), ...OP.load, ...OP.set(VP),
  ...at(G), ...OP.load, ...OP.get(VDECAY), ...OP.get(VP), ...OP.mul, ...OP.add, ...OP.set(VG),
  // m ← β1·m + (1 − β1)·g
  ...at(M), ...OP.get(VB1), ...at(M), ...OP.load, ...OP.mul, ...OP.get(VC1), ...OP.get(VG), ...OP.mul, ...OP.add, ...OP.tee(VM), ...OP.store,
  // v ← β2·v + (1 − β2)·g²
  ...at(V), ...OP.get(VB2), ...at(V), ...OP.load, ...OP.mul, ...OP.get(VC2), ...OP.get(VG), ...OP.get(VG), ...OP.mul, ...OP.mul, ...OP.add, ...OP.tee(VV), ...OP.store,
  // out ← p − step·m / (√v·invRoot + ε)
  ...at(OUT), ...OP.get(VP), ...OP.get(VSTEP), ...OP.get(VM), ...OP.mul,
  ...OP.get(VV), ...OP.sqrt, ...OP.get(VINV_ROOT), ...OP.mul, ...OP.get(VEPS), ...OP.add, ...OP.div, ...OP.sub, ...OP.store,
  ...OP.get(I), ...OP.i32Const(16), ...OP.i32Add, ...OP.set(I),
  ...OP.br(0),
  ...OP.end, ...OP.end,
  ...OP.end,
];

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const sized = (bytes: number[]) => [...uleb(bytes.length), ...bytes];
const section = (id: number, bytes: number[]) => [id, ...sized(bytes)];
const name = (s: string) => sized([...new TextEncoder().encode(s)]);

// An imported memory must be declared as it is: a plain one of any size, or a shared one (the
// multi-threaded build's) with its maximum, 4 GiB in 64 KiB pages.
const PLAIN_MEMORY = [0x00, 0x00];
const SHARED_MEMORY = [0x03, 0x00, ...uleb(65536)];

const moduleBytes = (memoryLimits: number[]) => new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  // one function type: (i32 ×6, f32 ×6) → ()
  ...section(1, [1, 0x60, 12, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, 0]),
  ...section(2, [1, ...name('env'), ...name('memory'), 0x02, ...memoryLimits]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...name('adam'), 0x00, 0]),
  // locals: 1 i32, 12 v128
  ...section(10, [1, ...sized([2, 1, I32, 12, V128, ...BODY])]),
]);

type AdamKernel = (p: number, g: number, m: number, v: number, out: number, bytes: number, beta1: number, beta2: number, decay: number, step: number, invRoot: number, eps: number) => void;

const kernels = new WeakMap<WasmMemory, AdamKernel>();

/** The SIMD Adam loop bound to `memory`, or null where WebAssembly SIMD is unavailable. */
export function adamKernelFor(memory: WasmMemory): AdamKernel | null {
  let kernel = kernels.get(memory);
  if (!kernel) {
    const shared = (memory as { buffer: ArrayBufferLike }).buffer instanceof SharedArrayBuffer;
    const bytes = moduleBytes(shared ? SHARED_MEMORY : PLAIN_MEMORY);
    if (!webAssembly.validate(bytes)) return null;
    const instance = new webAssembly.Instance(new webAssembly.Module(bytes), { env: { memory } });
    kernel = instance.exports.adam as AdamKernel;
    kernels.set(memory, kernel);
  }
  return kernel;
}
