// The mall API's answers as the console reads them (services/mall/**/schemas.py).
export interface Order {
  id: string
  status: string
  item_id: string
  item_name: string
  counter_id: string
  community_id: string
  quantity: number
  price: number
  total_points: number
  channel: 'app' | 'counter'
  pickup_by: string | null
  failure_reason: string | null
  placed_at: string
  confirmed_at: string | null
  closed_at: string | null
  allowed_actions: string[]
  resident_name?: string | null
}

export interface CounterRedemption extends Order {
  outcome: 'fulfilled' | 'failed' | 'pending' | 'closed'
  message: string
}

export interface StockLine {
  counter_id: string
  counter_name: string
  quantity: number
}

export interface Item {
  id: string
  community_id: string
  name: string
  description: string | null
  image_url: string | null
  category: string
  price: number
  per_person_limit: number | null
  limit_period: 'day' | 'week' | 'month' | 'year' | null
  sponsor: string | null
  available_from: string | null
  available_until: string | null
  on_shelf: boolean
  stock: StockLine[]
  created_at: string
  updated_at: string
}

export interface Move {
  id: number
  counter_id: string
  delta: number
  reason: 'restock' | 'adjustment' | 'order' | 'return'
  note: string | null
  actor: string
  order_id: string | null
  at: string
}

export function shortId(id: string): string {
  return id.slice(0, 8).toUpperCase()
}
