// The few WebAssembly APIs the engine calls itself, typed here: the project's TypeScript libs
// (no DOM in the Node build) leave the WebAssembly global untyped.

/** A WebAssembly.Memory, opaque here. */
export type WasmMemory = object;

interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object; module: object }>;
  /** What a trap inside WebAssembly code throws ("memory access out of bounds", "unreachable"). */
  RuntimeError: new (message?: string) => Error;
}

export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
