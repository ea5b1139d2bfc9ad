// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/notices', component: () => import('./NoticeList.vue'), meta: { title: '公告管理' } },
]
