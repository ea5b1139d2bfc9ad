// The one call of `qrcode` (1.5.4 ships no types) the check-in screen makes.
declare module 'qrcode' {
  export function toDataURL(text: string, options?: { width?: number; margin?: number; errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): Promise<string>
  const QRCode: { toDataURL: typeof toDataURL }
  export default QRCode
}
