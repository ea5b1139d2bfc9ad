// A server-side cursor list for a table: the first page, "加载更多" for the next, reload when a
// filter changes. Long lists never load whole.
import { ref, shallowRef, type Ref } from 'vue'
import { ApiError } from '@/api'

export interface CursorPage<T> {
  items: T[]
  next_cursor: string | null
}

export interface CursorList<T> {
  items: Ref<T[]>
  loading: Ref<boolean>
  error: Ref<string>
  hasMore: Ref<boolean>
  reload: () => Promise<void>
  more: () => Promise<void>
}

/** `fetchPage(cursor)` asks the API for one page (no cursor for the first). */
export function useCursorList<T>(
  fetchPage: (cursor: string | null) => Promise<CursorPage<T>>,
): CursorList<T> {
  const items = shallowRef<T[]>([])
  const loading = ref(false)
  const error = ref('')
  const cursor = ref<string | null>(null)
  const hasMore = ref(false)
  let generation = 0

  async function load(reset: boolean): Promise<void> {
    const mine = reset ? ++generation : generation
    loading.value = true
    error.value = ''
    try {
      const page = await fetchPage(reset ? null : cursor.value)
      if (mine !== generation) return // a newer reload superseded this answer
      items.value = reset ? page.items : [...items.value, ...page.items]
      cursor.value = page.next_cursor
      hasMore.value = page.next_cursor !== null
    } catch (err) {
      if (mine === generation) error.value = err instanceof ApiError ? err.message : String(err)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  return {
    items,
    loading,
    error,
    hasMore,
    reload: () => load(true),
    more: () => (hasMore.value && !loading.value ? load(false) : Promise.resolve()),
  }
}
