// Hash routes (the gateway serves one index.html at /console/); every screen needs a signed-in
// staff member whose roles on the chosen unit open it (permissions.ts).
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { canVisit } from '@/permissions'
import { useSession } from '@/store/session'
import ConsoleLayout from '@/layout/ConsoleLayout.vue'
import { routes as residents } from '@/views/residents/routes'
import { routes as points } from '@/views/points/routes'
import { routes as petitions } from '@/views/petitions/routes'
import { routes as notices } from '@/views/notices/routes'
import { routes as activities } from '@/views/activities/routes'
import { routes as mall } from '@/views/mall/routes'
import { routes as partners } from '@/views/partners/routes'

const screens: RouteRecordRaw[] = [
  { path: '', component: () => import('@/views/HomeView.vue'), meta: { title: '工作台' } },
  ...residents,
  ...points,
  ...petitions,
  ...notices,
  ...activities,
  ...mall,
  ...partners,
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: '/login', component: () => import('@/views/LoginView.vue'), meta: { title: '登录', open: true } },
    { path: '/', component: ConsoleLayout, children: screens },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

router.beforeEach(async (to) => {
  if (to.meta.open) return true
  const session = useSession()
  if (!session.signedIn) return { path: '/login', query: { next: to.fullPath } }
  if (!session.me) {
    try {
      await session.load()
    } catch {
      session.forget()
      return { path: '/login', query: { next: to.fullPath } }
    }
  }
  if (!session.roles.length) return { path: '/login', query: { refused: '1' } }
  if (!canVisit(to.path, session.roles)) return { path: '/' }
  return true
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${String(to.meta.title)} · 善治工作台` : '善治工作台'
})
