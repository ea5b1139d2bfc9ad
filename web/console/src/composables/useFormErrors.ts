// problem+json field errors shown on their fields (`<el-form-item :error="errors.title">`), the
// rest as one message for the form.
import { reactive, ref } from 'vue'
import { ApiError } from '@/api'

export function useFormErrors() {
  const errors = reactive<Record<string, string>>({})
  const message = ref('')

  function clear(): void {
    for (const key of Object.keys(errors)) delete errors[key]
    message.value = ''
  }

  /** Show an error from a call: field messages on their fields, else one form message. */
  function show(err: unknown): void {
    clear()
    if (err instanceof ApiError) {
      for (const f of err.fields) if (f.field) errors[f.field] = f.message || '填写有误'
      message.value = err.fields.some((f) => f.field) ? '' : err.message
      if (!err.fields.length) message.value = err.message
    } else {
      message.value = String(err)
    }
  }

  /** Run a call, clearing old errors first; true when it succeeded. */
  async function submit(call: () => Promise<unknown>): Promise<boolean> {
    clear()
    try {
      await call()
      return true
    } catch (err) {
      show(err)
      return false
    }
  }

  return { errors, message, clear, show, submit }
}
