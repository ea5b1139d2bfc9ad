// Routes of this area; the layout's menu comes from permissions.ts (same paths).
import type { RouteRecordRaw } from 'vue-router'

export const routes: RouteRecordRaw[] = [
  { path: '/partners', component: () => import('./PartnerKeys.vue'), meta: { title: '志愿平台密钥' } },
]
