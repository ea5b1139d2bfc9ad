// Build of the residents' app: `uni build` (H5) and `uni build -p mp-weixin`.
import uniPlugin from '@dcloudio/vite-plugin-uni'

// The package is CommonJS: its default export arrives wrapped when imported from ESM.
const uni = uniPlugin.default ?? uniPlugin
import { defineConfig } from 'vite'

// uni-app's H5 framework CSS points at DCloud's CDN for shadow images; the app loads nothing
// from other origins (its CSP forbids it, and residents' phones should not call out), so they
// are dropped. scripts/bundle-size.mjs fails the build if any other origin appears.
const CDN = /url\(\s*['"]?https?:\/\/cdn\.dcloud\.net\.cn\/[^)'"]*['"]?\s*\)/g
// ...and the animation that preloaded them three seconds after every load goes with them.
const PRELOAD = /animation:\s*shadow-preload[^;}]*;?\s*(animation-delay:[^;}]*;?)?/g
const noCdn = {
  name: 'sz-no-cdn',
  enforce: 'post',
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      if (file.type === 'asset' && file.fileName.endsWith('.css')) {
        file.source = String(file.source).replace(CDN, 'none').replace(PRELOAD, '')
      }
    }
  },
}

export default defineConfig({
  plugins: [uni(), noCdn],
  // The H5 app is served by the gateway at `/`, the API under `/api/` on the same origin.
  // `npm run dev:h5` proxies the API to a running gateway (SZ_GATEWAY, default `make up`'s).
  server: {
    proxy: { '/api': process.env.SZ_GATEWAY ?? 'http://127.0.0.1:8000' },
  },
})
