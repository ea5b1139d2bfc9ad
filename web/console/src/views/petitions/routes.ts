// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/petitions', component: () => import('./Workbench.vue'), meta: { title: '办理工作台' } },
  { path: '/petitions/dashboard', component: () => import('./Dashboard.vue'), meta: { title: '办理统计' } },
]
