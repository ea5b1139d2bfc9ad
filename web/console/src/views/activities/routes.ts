// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/activities', component: () => import('./ActivityList.vue'), meta: { title: '活动管理' } },
]
