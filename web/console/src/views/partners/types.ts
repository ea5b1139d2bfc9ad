// What identity answers about partner platforms (services/identity/partners/schemas.py).
export interface Partner {
  partner_id: string
  name: string
  enabled: boolean
  created_at: string
}

export interface PartnerSecret {
  partner_id: string
  name: string
  secret: string
  previous_valid_until?: string
}

export interface ApiKey {
  key_id: string
  partner_id: string
  name: string | null
  created_at: string
  revoked_at: string | null
}

export interface IssuedApiKey extends ApiKey {
  api_key: string
}

/** What the shown-once dialog shows; forgotten when it closes. */
export interface Shown {
  title: string
  what: string
  value: string
}
