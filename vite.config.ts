import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer: built to dist/renderer and served by the app over app:// (or by the test bridge).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // No inline scripts or data: modules: the page's CSP allows scripts from 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Served from the app folder, not a network: the dashboard chunk is
    // loaded lazily the first time the dashboard opens, and its size is not a download cost.
    chunkSizeWarningLimit: 700,
  },
});
