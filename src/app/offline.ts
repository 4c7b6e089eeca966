/// <reference types="vite/client" />
// Registers the service worker that keeps the app shell for offline use (src/sw/). Only the built
// app has one: under the dev server, modules change on every edit and must not come from a cache.
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => console.warn('No offline copy of the notebook:', e));
  });
}
