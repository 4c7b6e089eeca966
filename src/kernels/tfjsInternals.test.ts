// The TF.js pin: package.json, the adapter's constant and what is installed agree, and another
// version gets a message that names both.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { assertTfjsVersions, installedTfjsVersions, recordTape, TFJS_VERSION, tfjsVersionProblem, uniform, shapeOf } from './tfjsInternals';

describe('the TF.js version check', () => {
  it('pins @tensorflow/* exactly in package.json and its lock, at the adapter’s version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { dependencies?: Record<string, string>; version?: string }>;
    };
    const pinned = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@tensorflow/'));
    expect(pinned.map(([name]) => name).sort()).toEqual(['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']);
    for (const [name, spec] of pinned) {
      expect(spec).toBe(TFJS_VERSION);
      expect(lock.packages['']!.dependencies![name]).toBe(TFJS_VERSION);
      expect(lock.packages[`node_modules/${name}`]!.version).toBe(TFJS_VERSION);
    }
  });

  it('passes on the installed TF.js', () => {
    expect(installedTfjsVersions()).toEqual({ tfjs: TFJS_VERSION, 'tfjs-core': TFJS_VERSION, 'tfjs-backend-webgpu': TFJS_VERSION });
    expect(tfjsVersionProblem()).toBeNull();
    expect(() => assertTfjsVersions()).not.toThrow();
  });

  it('names the expected and the found versions otherwise', () => {
    const found = { tfjs: TFJS_VERSION, 'tfjs-core': '4.21.0', 'tfjs-backend-webgpu': '4.21.0' };
    const problem = tfjsVersionProblem(found);
    expect(problem).toContain(`this build expects TF.js ${TFJS_VERSION} for its WebGPU kernels; found tfjs-core 4.21.0, tfjs-backend-webgpu 4.21.0.`);
    expect(problem).not.toContain(`tfjs ${TFJS_VERSION}`);
    expect(() => assertTfjsVersions(found)).toThrow(problem!);
  });
});

describe('the engine tape and shader names', () => {
  it('records the kernels f runs, and refuses an empty tape', () => {
    const x = tf.variable(tf.scalar(2));
    const { result, tape } = recordTape(() => x.square());
    expect(tape.map((n) => n.kernelName)).toContain('Square');
    expect(() => recordTape(() => 1)).toThrow(/recorded no gradient tape/);
    result.dispose();
    for (const n of tape) for (const t of n.saved ?? []) t.dispose();
    x.dispose();
  });

  it('spells shape uniforms as the header does (first letter lower-cased)', () => {
    expect(shapeOf('x')).toBe('uniforms.xShape');
    expect(shapeOf('Mask')).toBe('uniforms.maskShape');
    expect(uniform('rows')).toBe('uniforms.rows');
  });
});
