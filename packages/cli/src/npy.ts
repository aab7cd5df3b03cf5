/**
 * NumPy's .npy format (version 1.0) for float32 arrays, so features load with `np.load` unchanged: magic, a header
 * dict padded so the data starts on a 64-byte boundary, then little-endian C-order values.
 */
export function encodeNpy(data: Float32Array, shape: readonly number[]): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`npy: shape [${shape.join(', ')}] holds ${count} values, got ${data.length}`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = 10; // magic (6) + version (2) + header length (2)
  header += ' '.repeat(63 - ((preamble + header.length) % 64)) + '\n';
  const out = Buffer.alloc(preamble + header.length + data.byteLength);
  out.write('\x93NUMPY', 0, 'latin1');
  out.writeUInt8(1, 6);
  out.writeUInt8(0, 7);
  out.writeUInt16LE(header.length, 8);
  out.write(header, preamble, 'latin1');
  let at = preamble + header.length;
  for (const v of data) at = out.writeFloatLE(v, at);
  return out;
}
