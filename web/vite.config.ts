import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const api = process.env.CONDUIT_API_URL ?? 'http://localhost:8787';

export default defineConfig({
  plugins: [solid()],
  // The local stack and the CDN both serve the app at the site root.
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Hashed file names let the CDN cache assets forever; index.html is the only mutable file.
    assetsDir: 'assets',
    manifest: true,
  },
  server: {
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/hooks': { target: api, changeOrigin: false },
    },
  },
});
