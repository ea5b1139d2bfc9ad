// A QR code as an SVG data URI, drawn from qrcode's module matrix: no canvas and no DOM, so the
// same code runs on H5 and in the mini-program (whose <image> shows SVG data URIs).
// Only qrcode's core is imported (not its canvas/terminal renderers), and the text is turned
// into bytes here: the mini-program's engine may lack TextEncoder, which qrcode uses for strings.
import { create } from 'qrcode/lib/core/qrcode'

export interface QrMatrix {
  size: number
  dark(row: number, col: number): boolean
}

/** UTF-8 bytes of a string, without TextEncoder. */
export function utf8(text: string): number[] {
  const bytes: number[] = []
  for (const ch of text) {
    const c = ch.codePointAt(0) as number
    if (c < 0x80) bytes.push(c)
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63))
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63))
  }
  return bytes
}

export function qrMatrix(text: string): QrMatrix {
  const qr = create([{ data: utf8(text), mode: 'byte' }], { errorCorrectionLevel: 'M' })
  const { size, data } = qr.modules as { size: number; data: Uint8Array }
  return { size, dark: (row, col) => data[row * size + col] === 1 }
}

/** The matrix as one SVG path (a quiet zone of 4 modules around it), one `h` run per dark run. */
export function qrSvg(text: string, colour = '#000000'): string {
  const m = qrMatrix(text)
  const quiet = 4
  const full = m.size + quiet * 2
  let path = ''
  for (let row = 0; row < m.size; row++) {
    let col = 0
    while (col < m.size) {
      if (!m.dark(row, col)) {
        col++
        continue
      }
      let end = col
      while (end < m.size && m.dark(row, end)) end++
      path += `M${col + quiet} ${row + quiet}h${end - col}v1h-${end - col}z`
      col = end
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${full} ${full}" shape-rendering="crispEdges">` +
    `<rect width="${full}" height="${full}" fill="#ffffff"/><path fill="${colour}" d="${path}"/></svg>`
  )
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'

/** Base64 of bytes, without btoa (absent in the mini-program). */
export function base64(bytes: number[]): string {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const [a, b, c] = [bytes[i], bytes[i + 1], bytes[i + 2]]
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0)
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63]
    out += b === undefined ? '=' : B64[(n >> 6) & 63]
    out += c === undefined ? '=' : B64[n & 63]
  }
  return out
}

/** `data:image/svg+xml;base64,…`: the form both H5 and the mini-program's <image> accept. */
export function qrDataUri(text: string): string {
  return `data:image/svg+xml;base64,${base64(utf8(qrSvg(text)))}`
}
