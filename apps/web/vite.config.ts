/**
 * Vite build of the dashboard. `pnpm --filter @tunnelscope/web build` writes
 * apps/web/dist, which the server serves. `pnpm --filter @tunnelscope/web dev`
 * proxies /api (REST and the WebSocket feed) to a server on
 * TUNNELSCOPE_API (default http://127.0.0.1:8080).
 */
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const apiTarget = process.env.TUNNELSCOPE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    proxy: { '/api': { target: apiTarget, ws: true, changeOrigin: false } },
  },
  preview: { host: '127.0.0.1' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
