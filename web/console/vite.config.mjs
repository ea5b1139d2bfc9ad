// Build of the staff console: served by the gateway at /console/, the API on the same origin.
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vite'

export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '@shared': fileURLToPath(new URL('../shared', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    chunkSizeWarningLimit: 1500,
  },
  // `npm run dev` proxies the API to a running gateway (SZ_GATEWAY, default `make up`'s).
  server: {
    proxy: { '/api': process.env.SZ_GATEWAY ?? 'http://127.0.0.1:8000' },
    fs: { allow: ['..'] },
  },
})
