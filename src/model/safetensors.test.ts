import { describe, expect, it } from 'vitest';
import { readSafetensors, SafetensorsError, writeSafetensors } from './safetensors';

function withHeader(header: object | string, data = new Uint8Array(0), claimedLength?: number): Uint8Array {
  const h = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, claimedLength ?? h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips tensors and metadata, data 8-byte aligned', () => {
    const bytes = writeSafetensors(
      [
        ['a.weight', { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, -6.5]) }],
        ['ids', { dtype: 'I32', shape: [2], data: Int32Array.from([7, -8]) }],
      ],
      { config: '{"x":1}' },
    );
    const headerLen = new DataView(bytes.buffer).getUint32(0, true);
    expect((8 + headerLen) % 8).toBe(0);
    const f = readSafetensors(bytes);
    expect(f.metadata).toEqual({ config: '{"x":1}' });
    expect(Array.from(f.tensors.get('a.weight')!.data)).toEqual([1, 2, 3, 4, 5, -6.5]);
    expect(f.tensors.get('a.weight')!.shape).toEqual([2, 3]);
    expect(Array.from(f.tensors.get('ids')!.data)).toEqual([7, -8]);
  });

  it('widens F16 and BF16 to float32', () => {
    const data = new Uint8Array(8);
    const dv = new DataView(data.buffer);
    dv.setUint16(0, 0x3c00, true); // f16 1.0
    dv.setUint16(2, 0xc000, true); // f16 −2.0
    dv.setUint16(4, 0x3f80, true); // bf16 1.0
    dv.setUint16(6, 0x4040, true); // bf16 3.0
    const f = readSafetensors(
      withHeader({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] } }, data),
    );
    expect(Array.from(f.tensors.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([1, 3]);
  });

  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /shorter than the 8-byte header length/],
    ['a truncated header', withHeader(ok, new Uint8Array(8), 5000), /truncated safetensors file/],
    [
      'an absurd header length',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setUint32(4, 0xffffffff, true); // ~2^64 bytes claimed
        return b;
      })(),
      /header length .* is absurd/,
    ],
    ['a header that is not JSON', withHeader('{"w": {dtype', new Uint8Array(8)), /not valid UTF-8 JSON/],
    ['a header that is a list', withHeader([1, 2]), /not a JSON object/],
    ['an unknown dtype', withHeader({ w: { dtype: 'F64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /dtype F64 is not supported/],
    ['a negative shape', withHeader({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /not a list of non-negative integers/],
    ['offsets past the end', withHeader({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /fall outside the 8-byte data section/],
    ['reversed offsets', withHeader({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, new Uint8Array(8)), /fall outside/],
    [
      'a shape that disagrees with its bytes',
      withHeader({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(16)),
      /needs 12 bytes, data_offsets give 8/,
    ],
    [
      'a huge shape',
      withHeader({ w: { dtype: 'F32', shape: [1e9, 1e9, 1e9], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /needs more bytes than the file holds/,
    ],
    ['non-string metadata', withHeader({ __metadata__: { config: 3 } }), /metadata "config" is not a string/],
    // The format requires the data section to be tiled exactly by the tensors.
    [
      'overlapping entries',
      withHeader({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /tensors "a" \[0, 8\] and "b" \[4, 12\] overlap/,
    ],
    [
      'two entries on the same bytes',
      withHeader({ b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, a: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8)),
      /tensors "b" \[0, 8\] and "a" \[0, 8\] overlap/,
    ],
    [
      'a gap between entries',
      withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, new Uint8Array(12)),
      /bytes \[4, 8\) of the data section, between "a" and "b", belong to no tensor/,
    ],
    ['a gap before the first entry', withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)), /bytes \[0, 4\) .*before "a"/],
    [
      'bytes after the last entry',
      withHeader({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(8)),
      /bytes \[4, 8\) .*after "a", belong to no tensor/,
    ],
    ['data with no entries', withHeader({}, new Uint8Array(4)), /bytes \[0, 4\) .*with no tensor declared/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
      expect(() => readSafetensors(bytes)).toThrow(message);
    });
  }

  it('accepts entries listed out of order and empty tensors at a boundary', () => {
    const data = new Uint8Array(12);
    new DataView(data.buffer).setFloat32(8, 2.5, true);
    const f = readSafetensors(
      withHeader(
        {
          b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
          e: { dtype: 'F32', shape: [0], data_offsets: [8, 8] },
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        },
        data,
      ),
    );
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([2.5]);
    expect(f.tensors.get('e')!.data.length).toBe(0);
  });

  it('refuses every truncation of a real file without crashing', () => {
    const bytes = writeSafetensors([['w', { dtype: 'F32', shape: [4, 4], data: new Float32Array(16).fill(1) }]], { a: 'b' });
    for (let n = 0; n < bytes.length; n++) expect(() => readSafetensors(bytes.subarray(0, n)), `cut at ${n}`).toThrow(SafetensorsError);
  });
});
