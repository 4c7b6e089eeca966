import { describe, expect, it } from 'vitest';
import type { BackendInfo } from '../protocol/messages';
import { isSoftwareAdapter, persistenceText } from './headerText';

const gpu = (adapter: string, software?: boolean): BackendInfo => ({ kind: 'webgpu', label: 'WebGPU', adapter, fallbackReason: null, software });

describe('isSoftwareAdapter', () => {
  it('flags CPU-emulated adapters by name or by the browser’s own flag', () => {
    expect(isSoftwareAdapter(gpu('google swiftshader'))).toBe(true);
    expect(isSoftwareAdapter(gpu('mesa llvmpipe'))).toBe(true);
    expect(isSoftwareAdapter(gpu('microsoft Microsoft Basic Render Driver'))).toBe(true);
    expect(isSoftwareAdapter(gpu('unknown vendor', true))).toBe(true);
  });
  it('leaves real GPUs and the non-WebGPU fallbacks alone (they have their own warning)', () => {
    expect(isSoftwareAdapter(gpu('nvidia hopper'))).toBe(false);
    expect(isSoftwareAdapter(gpu('apple metal-3', false))).toBe(false);
    expect(isSoftwareAdapter({ kind: 'cpu', label: 'CPU fallback', adapter: 'JavaScript CPU', fallbackReason: 'x' })).toBe(false);
  });
});

describe('persistenceText', () => {
  it('says nothing is stored before the first write, whatever the browser answers', () => {
    expect(persistenceText(false, false)).toBe('nothing stored yet');
    expect(persistenceText(true, false)).toBe('nothing stored yet');
  });
  it('after a write, says whether the browser may evict it', () => {
    expect(persistenceText(false, true)).toBe('stored, may be evicted under storage pressure');
    expect(persistenceText(true, true)).toBe('stored, kept by the browser');
    expect(persistenceText(null, true)).toBeNull();
  });
});
