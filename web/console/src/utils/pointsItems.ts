// The item names of a community's list in force, for screens that show an item code.
import { ref } from 'vue'
import { api } from '@/api'
import { normalizeItem, type ListItem, type RuleVersion } from '@/utils/points'

export function usePointsItems() {
  const items = ref<ListItem[]>([])

  async function load(communityId: string): Promise<void> {
    items.value = []
    if (!communityId) return
    try {
      const version = await api.get<RuleVersion>(`/api/points/communities/${communityId}/rules`)
      items.value = version.items.map((i) => normalizeItem(i))
    } catch {
      items.value = [] // no list in force: codes are shown as they are
    }
  }

  function itemName(code: string): string {
    const item = items.value.find((i) => i.code === code)
    return item ? `${item.name}（${code}）` : code
  }

  return { items, load, itemName }
}
