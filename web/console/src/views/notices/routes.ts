// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/notices', component: () => import('./NoticeList.vue'), meta: { title: '公告管理' } },
  { path: '/notices/new', component: () => import('./NoticeEditor.vue'), meta: { title: '新建公告' } },
  { path: '/notices/:id', component: () => import('./NoticeEditor.vue'), meta: { title: '公告详情' } },
  { path: '/notices/:id/receipts', component: () => import('./NoticeReceipts.vue'), meta: { title: '阅读回执' } },
]
