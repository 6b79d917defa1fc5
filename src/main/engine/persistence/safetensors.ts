// The safetensors format (huggingface/safetensors, "Format"): an 8-byte little-endian header
// length N, N bytes of JSON naming each tensor's dtype, shape and [begin, end) byte offsets into
// the data that follows, then the tensors' raw little-endian bytes, in order, with no gaps.
// Written here in full (float32 only) because no maintained npm writer fits in a few lines.

export interface NamedTensor {
  name: string;
  /** PyTorch's shape, row-major. */
  shape: number[];
  values: Float32Array;
}

/**
 * Encodes float32 tensors as one safetensors file.
 * @param metadata string → string pairs, stored as the header's `__metadata__`
 * @returns the file's bytes
 */
export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const { name, shape, values } of tensors) {
    if (shape.reduce((n, d) => n * d, 1) !== values.length) throw new Error(`tensor ${name}: shape [${shape}] does not hold ${values.length} values`);
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + values.byteLength] };
    offset += values.byteLength;
  }
  // The spec lets the header be padded with spaces; padding to 8 bytes keeps the data aligned for readers that map it.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const { values } of tensors) {
    for (let i = 0; i < values.length; i++) view.setFloat32(at + i * 4, values[i]!, true);
    at += values.byteLength;
  }
  return out;
}
