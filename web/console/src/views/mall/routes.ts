// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/mall/pickup', component: () => import('./Pickup.vue'), meta: { title: '取货核销' } },
  { path: '/mall/redeem', component: () => import('./CounterRedeem.vue'), meta: { title: '柜台兑换' } },
  { path: '/mall/orders', component: () => import('./Orders.vue'), meta: { title: '订单' } },
  { path: '/mall/orders/:id', component: () => import('./OrderDetail.vue'), meta: { title: '订单详情' } },
  { path: '/mall/items', component: () => import('./Items.vue'), meta: { title: '商品与库存' } },
  { path: '/mall/items/:id', component: () => import('./ItemStock.vue'), meta: { title: '商品库存' } },
  { path: '/mall/counters', component: () => import('./Counters.vue'), meta: { title: '兑换点' } },
  { path: '/mall/reconciliation', component: () => import('./Reconciliation.vue'), meta: { title: '对账' } },
]
