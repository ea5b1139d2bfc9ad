// Build of the residents' app: `uni build` (H5) and `uni build -p mp-weixin`.
import uniPlugin from '@dcloudio/vite-plugin-uni'

// The package is CommonJS: its default export arrives wrapped when imported from ESM.
const uni = uniPlugin.default ?? uniPlugin
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [uni()],
  // The H5 app is served by the gateway at `/`, the API under `/api/` on the same origin.
  // `npm run dev:h5` proxies the API to a running gateway (SZ_GATEWAY, default `make up`'s).
  server: {
    proxy: { '/api': process.env.SZ_GATEWAY ?? 'http://127.0.0.1:8000' },
  },
})
