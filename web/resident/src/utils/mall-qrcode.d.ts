// Types for the one part of qrcode@1.5.4 the app uses: its core, which builds the module matrix.
declare module 'qrcode/lib/core/qrcode' {
  export function create(
    data: string | Array<{ data: string | number[] | Uint8Array; mode: 'byte' | 'alphanumeric' | 'numeric' | 'kanji' }>,
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'; version?: number },
  ): { modules: { size: number; data: Uint8Array }; version: number }
}
