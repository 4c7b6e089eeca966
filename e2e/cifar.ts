// CIFAR-10 binary files made in the test: records of a label byte and 3×1024 pixel bytes.

/** `n` CIFAR-10 records: label i % 10, a flat colour per record. */
export function cifarBatch(n: number): Buffer {
  const out = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    out[i * 3073] = i % 10;
    for (let c = 0; c < 3; c++) out.fill((i * 25 + c * 80) % 256, i * 3073 + 1 + c * 1024, i * 3073 + 1 + (c + 1) * 1024);
  }
  return out;
}
export const NAMES = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n';
export const file = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/octet-stream', buffer });
