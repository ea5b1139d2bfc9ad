// Files the API makes (XLSX, CSV) saved through the browser, fetched with the bearer token.
import { api } from '@/api'

export async function download(
  path: string,
  filename: string,
  query?: Record<string, string | number | undefined>,
): Promise<void> {
  const data = await api.get<ArrayBuffer>(path, { query, responseType: 'arraybuffer' })
  const url = URL.createObjectURL(new Blob([data]))
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.appendChild(link)
  link.click()
  link.remove()
  URL.revokeObjectURL(url)
}
