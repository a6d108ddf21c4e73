import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const localesDir = fileURLToPath(new URL('../locales', import.meta.url));

// The Rust binary embeds web/dist and serves it at the site root, next to
// the JSON API under /api/v1.
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Keep every asset a separate file: a strict Content-Security-Policy may
    // not allow data: URLs for images.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    // The operations page and the public page of citizen reports.
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        reports: fileURLToPath(new URL('./phan-anh.html', import.meta.url)),
      },
    },
  },
  server: {
    // The .ftl files live in ../locales, outside the web root.
    fs: { allow: ['.', localesDir] },
    proxy: {
      // `npm run dev` forwards API calls to a running `haidang` server.
      '/api': process.env.HAIDANG_API_URL ?? 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
  },
});
