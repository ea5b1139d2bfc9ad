// Prints the H5 bundle's size, gzipped: everything, and what the first screen loads
// (index.html's scripts and their static imports). Fails the build above the first-screen
// budget of 250 KB gzipped.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gzipSync } from 'node:zlib'

const ROOT = new URL('../dist/build/h5/', import.meta.url).pathname
const BUDGET = 250 * 1024

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length
const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })

const files = walk(ROOT).filter((f) => /\.(js|css)$/.test(f))
const total = files.reduce((sum, f) => sum + gz(f), 0)

// The first screen: the entry scripts of index.html and, transitively, their static imports.
const html = readFileSync(join(ROOT, 'index.html'), 'utf8')
const entries = [...html.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)].map((m) => join(ROOT, m[1]))
const first = new Set()
const visit = (file) => {
  if (first.has(file)) return
  first.add(file)
  const code = readFileSync(file, 'utf8')
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[\w${},\s*]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
    visit(join(file, '..', m[1]))
  }
}
entries.forEach(visit)
const firstScreen = [...first].reduce((sum, f) => sum + gz(f), 0)

const kb = (n) => `${(n / 1024).toFixed(1)} KB`
console.log(`H5 bundle: ${files.length} files, ${kb(total)} gzipped in all`)
console.log(`first screen JavaScript: ${first.size} files, ${kb(firstScreen)} gzipped (budget ${kb(BUDGET)})`)
for (const f of [...first]) console.log(`  ${relative(ROOT, f)}  ${kb(gz(f))}`)
// Nothing may load from another origin (the gateway's CSP would block it anyway).
const external = files.filter((f) => /url\(\s*['"]?https?:\/\//.test(readFileSync(f, 'utf8')))
if (external.length) {
  console.error(`assets load from other origins: ${external.map((f) => relative(ROOT, f)).join(', ')}`)
  process.exit(1)
}
if (firstScreen > BUDGET) {
  console.error('first screen JavaScript is over budget')
  process.exit(1)
}
