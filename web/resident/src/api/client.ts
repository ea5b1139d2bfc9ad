// The residents' app's transport (`uni.request` / `uni.uploadFile`); the client itself is shared
// with the staff console (web/shared/api/client.ts).
import { ApiError } from '../../../shared/api/problem'
import { parseBody, type Transport } from '../../../shared/api/client'

export * from '../../../shared/api/client'

export function uniTransport(): Transport {
  return (request) =>
    new Promise((resolve, reject) => {
      const fail = (err: { errMsg: string }) =>
        reject(new ApiError(0, { title: '网络连接失败，请检查网络后重试', detail: err.errMsg }))
      if (request.file) {
        uni.uploadFile({
          url: request.url,
          filePath: request.file as string, // uni-app picks files as local paths
          name: 'file',
          header: request.header,
          success: (res) => resolve({ statusCode: res.statusCode, data: parseBody(res.data) }),
          fail,
        })
        return
      }
      uni.request({
        url: request.url,
        method: request.method as 'GET',
        data: request.data as string | AnyObject | ArrayBuffer | undefined,
        header: request.header,
        timeout: 15000,
        ...(request.responseType ? { responseType: request.responseType } : {}),
        success: (res) =>
          resolve({
            statusCode: res.statusCode,
            data: res.data,
            header: res.header as Record<string, string>,
          }),
        fail,
      })
    })
}
