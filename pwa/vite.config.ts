import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const THEME_COLOUR = '#0d5c63';
/** Where `npm run dev` / `vite preview` forward /api/ (the Flask app). */
const apiTarget = process.env.PWA_API_TARGET ?? 'http://127.0.0.1:5077';

/**
 * The production pages carry the same policy Flask sends as a header, so a
 * stray inline script or style fails in `vite preview` too, not only behind
 * Flask. (Dev mode injects styles inline for hot reload, so build only.)
 */
function contentSecurityPolicyMeta(): Plugin {
  const policy = [
    "default-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
  ].join('; ');
  return {
    name: 'csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy }, injectTo: 'head-prepend' },
    ],
  };
}

/**
 * The web app manifest describes the patient app (start_url "/"); the
 * clinician pages must not offer to install it.
 */
function clinicWithoutManifest(): Plugin {
  return {
    name: 'clinic-without-manifest',
    apply: 'build',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html, ctx) => (ctx.path.startsWith('/clinic/') ? html.replace(/\s*<link rel="manifest"[^>]*>/, '') : html),
    },
  };
}

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        patient: `${root}index.html`,
        clinic: `${root}clinic/index.html`,
      },
    },
  },
  server: { proxy: { '/api/': apiTarget } },
  preview: { proxy: { '/api/': apiTarget } },
  plugins: [
    contentSecurityPolicyMeta(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      // No inline registration script (CSP): the apps import virtual:pwa-register themselves.
      injectRegister: false,
      manifest: {
        id: '/',
        name: 'Ketamine care check-in',
        short_name: 'Check-in',
        description: 'Your daily 30-second check-in, questionnaires, reminders and trends for your ketamine treatment.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: THEME_COLOUR,
        lang: 'en',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        rollupFormat: 'iife',
        // The manifest and its icons are added by the plugin; this adds the favicon and Apple touch icon.
        globPatterns: ['**/*.{js,css,html,png}'],
      },
      includeManifestIcons: false,
      devOptions: { enabled: false },
    }),
    // After VitePWA: its post-order HTML hook is the one that adds the manifest link.
    clinicWithoutManifest(),
  ],
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    restoreMocks: true,
  },
});
