// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/points/rules', component: () => import('./RulesEditor.vue'), meta: { title: '积分清单' } },
  { path: '/points/adjustments', component: () => import('./Adjustments.vue'), meta: { title: '积分调整' } },
  { path: '/points/claims', component: () => import('./ClaimsReview.vue'), meta: { title: '积分申报审核' } },
  { path: '/points/publicity', component: () => import('./Publicity.vue'), meta: { title: '公示与异议' } },
  { path: '/points/unmatched', component: () => import('./Unmatched.vue'), meta: { title: '未匹配志愿活动' } },
  { path: '/points/reversals', component: () => import('./Reversals.vue'), meta: { title: '积分冲正' } },
  { path: '/points/red-lists', component: () => import('./RedLists.vue'), meta: { title: '红榜' } },
]
