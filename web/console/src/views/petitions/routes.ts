// Routes of this area; the layout's menu comes from permissions.ts (same paths). One case sits
// under the workbench's path, so the workbench's roles open it.
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/petitions', component: () => import('./Workbench.vue'), meta: { title: '办理工作台' } },
  { path: '/petitions/dashboard', component: () => import('./Dashboard.vue'), meta: { title: '办理统计' } },
  { path: '/petitions/:id([0-9a-f-]{36})', component: () => import('./Case.vue'), meta: { title: '诉求详情' } },
]
