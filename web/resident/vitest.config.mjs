// Unit tests run in Node without the uni plugin; `uni` is a small fake (tests/unit/uni-fake.ts).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/unit/setup.ts'],
  },
})
