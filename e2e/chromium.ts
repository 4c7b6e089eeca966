// How the tests start Debian's Chromium: headless, no network chatter of its own, and (for WebGPU)
// SwiftShader as the Vulkan device, as ../shared/DESIGN.md describes.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// disable_workgroup_init: Dawn leaves workgroup memory uninitialized instead of zeroing it as WGSL
// requires. SwiftShader compiles the zeroing code very slowly: with it, the first training step of
// `micro` waits ~70 s for its 82 pipelines on this 2-core machine, without it ~18 s, and every
// end-to-end test opens a fresh page that compiles them again. No kernel reads workgroup memory
// before writing it (the WebGPU unit tests run the same way; see src/testing/webgpuNode.ts).
export const WEBGPU_ARGS = [
  ...BASE_ARGS,
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--enable-dawn-features=disable_workgroup_init',
];
