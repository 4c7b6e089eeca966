// Set by vite.config.ts: true in a build made with CAE_TEST_HOOKS=1 (and the end-to-end build), where
// the fault hooks (crash, real termination, device loss, slow writes) exist; false in production.
declare const __CAE_TEST_HOOKS__: boolean;
