// Who is signed in, the unit they are working on, and the org units around it.
import { defineStore } from 'pinia'
import { api, signedOut, tokenStore, type Tokens } from '@/api'
import type { Role } from '@/permissions'

export interface Grant {
  role: Role
  unit_id: string
  unit_path: string
}

export interface Me {
  id: string
  name: string
  phone?: string
  roles: Grant[]
}

export interface OrgUnit {
  id: string
  kind: 'district' | 'town' | 'community' | 'grid'
  code: string
  name: string
  parent_id: string | null
  path: string
}

/** A unit the person holds roles on, with those roles: one entry of the unit switcher. */
export interface UnitChoice {
  unit: OrgUnit
  roles: Role[]
}

const UNIT_KEY = 'sz.console.unit'

export function within(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}/`)
}

/** The units a person's grants are on, each with its roles, in tree order. */
export function unitChoices(grants: Grant[], units: OrgUnit[]): UnitChoice[] {
  const byId = new Map(units.map((u) => [u.id, u]))
  const choices = new Map<string, UnitChoice>()
  for (const grant of grants) {
    const unit = byId.get(grant.unit_id) ?? {
      id: grant.unit_id,
      kind: 'community' as const,
      code: '',
      name: grant.unit_path,
      parent_id: null,
      path: grant.unit_path,
    }
    const choice = choices.get(unit.id) ?? { unit, roles: [] }
    if (!choice.roles.includes(grant.role)) choice.roles.push(grant.role)
    choices.set(unit.id, choice)
  }
  return [...choices.values()].sort((a, b) => a.unit.path.localeCompare(b.unit.path))
}

export const useSession = defineStore('session', {
  state: () => ({
    me: null as Me | null,
    units: [] as OrgUnit[],
    unitId: (window.sessionStorage.getItem(UNIT_KEY) ?? '') as string,
  }),
  getters: {
    signedIn: () => tokenStore.get() !== null,
    choices(state): UnitChoice[] {
      return state.me ? unitChoices(state.me.roles, state.units) : []
    },
    current(): UnitChoice | null {
      return this.choices.find((c) => c.unit.id === this.unitId) ?? this.choices[0] ?? null
    },
    /** Roles on the unit being worked on: what the menus and buttons follow. */
    roles(): Role[] {
      return this.current?.roles ?? []
    },
    unit(): OrgUnit | null {
      return this.current?.unit ?? null
    },
    /** Communities within the unit being worked on (one for a community's staff). */
    communities(state): OrgUnit[] {
      const unit = this.unit
      if (!unit) return []
      return state.units.filter((u) => u.kind === 'community' && within(u.path, unit.path))
    },
    /** Grids within the unit being worked on. */
    grids(state): OrgUnit[] {
      const unit = this.unit
      if (!unit) return []
      return state.units.filter((u) => u.kind === 'grid' && within(u.path, unit.path))
    },
  },
  actions: {
    async signIn(phone: string, password: string): Promise<void> {
      const tokens = await api.post<Tokens>(
        '/api/identity/auth/login',
        { phone, password },
        { anonymous: true },
      )
      tokenStore.set(tokens)
      await this.load()
    },
    /** The person and the org tree; a resident without staff roles is refused the console. */
    async load(): Promise<void> {
      const [me, units] = await Promise.all([
        api.get<Me>('/api/identity/me'),
        api.get<OrgUnit[]>('/api/identity/org-units'),
      ])
      this.me = me
      this.units = units
      if (!this.choices.some((c) => c.unit.id === this.unitId)) {
        this.setUnit(this.choices[0]?.unit.id ?? '')
      }
    },
    setUnit(unitId: string): void {
      this.unitId = unitId
      window.sessionStorage.setItem(UNIT_KEY, unitId)
    },
    unitName(unitId: string | null | undefined): string {
      return this.units.find((u) => u.id === unitId)?.name ?? ''
    },
    async signOut(): Promise<void> {
      const held = tokenStore.get()
      if (held) {
        await api
          .post('/api/identity/auth/logout', { refresh_token: held.refresh_token })
          .catch(() => undefined)
      }
      this.forget()
    },
    forget(): void {
      tokenStore.set(null)
      this.me = null
      window.sessionStorage.removeItem(UNIT_KEY)
    },
  },
})

export { signedOut }
