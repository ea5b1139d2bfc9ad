// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/activities', component: () => import('./ActivityList.vue'), meta: { title: '活动管理' } },
  { path: '/activities/new', component: () => import('./ActivityCreate.vue'), meta: { title: '发起活动' } },
  { path: '/activities/:id', component: () => import('./ActivityDetail.vue'), meta: { title: '活动详情' } },
  { path: '/activities/:id/checkin-display', component: () => import('./CheckinDisplay.vue'), meta: { title: '签到大屏' } },
]
