// The service worker: keeps the app shell so the notebook opens without a network after its first
// load (runs, checkpoints and datasets live in IndexedDB already). vite.config.ts fills in the build's
// file list and version; the dev server never registers it.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `cae-shell-${VERSION}`;

self.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

// A new build's shell replaces the old one's at once: its hashed files are all in the new cache.
self.addEventListener('activate', (e) => {
  const old = (k) => k.startsWith('cae-shell-') && k !== CACHE;
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(old).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    // Only the notebook's own page; network first so a new build shows as soon as it is served.
    if (url.pathname !== '/' && url.pathname !== '/index.html') return;
    e.respondWith(fetch(req).catch(() => caches.match('/index.html', { cacheName: CACHE })));
    return;
  }
  // Hashed build files never change: the cached copy is the right one.
  if (PRECACHE.includes(url.pathname)) e.respondWith(caches.match(url.pathname, { cacheName: CACHE }).then((r) => r ?? fetch(req)));
});
