// The mini-program smoke test: loads the compiled `dist/build/mp-weixin` (built beforehand with
// `npm run build:mp > dist/mp-build.log`) and renders pages with miniprogram-simulate in jsdom.
// It builds nothing itself.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/mp/**/*.test.ts'],
    environment: 'jsdom',
    setupFiles: ['tests/mp/setup.ts'],
    // One page runtime (common/vendor.js) per process: files run one after another.
    fileParallelism: false,
    testTimeout: 20000,
  },
})
