// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/residents/verifications', component: () => import('./VerificationQueue.vue'), meta: { title: '实名审核' } },
  { path: '/residents', component: () => import('./ResidentList.vue'), meta: { title: '居民名册' } },
  { path: '/households', component: () => import('./HouseholdList.vue'), meta: { title: '家庭户' } },
  { path: '/staff-roles', component: () => import('./StaffRoles.vue'), meta: { title: '工作人员' } },
]
