// problem+json handling is shared with the staff console.
export * from '../../../shared/api/problem'
