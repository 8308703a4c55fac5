/**
 * @module Request parsing and Response building shared by the emulated endpoints.
 */

import { base64url } from 'jose'

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  })
}

export const oauthError = (status: number, error: string, description: string): Response =>
  json({ error, error_description: description }, status)

export const html = (body: string, status = 200): Response =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })

export function redirect(to: string | URL, params: Record<string, string | undefined> = {}): Response {
  const url = new URL(to)
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value)
  return new Response(null, { status: 302, headers: { location: url.href, 'cache-control': 'no-store' } })
}

export function httpUrl(value: string | null | undefined): URL | undefined {
  if (!value || !URL.canParse(value)) return undefined
  const url = new URL(value)
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
}

/** The emulated APIs' JSON bodies are small; a larger one is refused as Auth0's would be. */
const MAX_JSON_BODY_BYTES = 64 * 1024

/** A JSON object body (`content-type: application/json`), or `undefined` for anything else. */
export async function readJson(request: Request): Promise<Record<string, unknown> | undefined> {
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) return undefined
  const text = await request.text()
  if (text.length > MAX_JSON_BODY_BYTES) return undefined
  try {
    const body: unknown = JSON.parse(text)
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = request.headers.get('content-type')?.toLowerCase() ?? ''
  return type.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(await request.text()) : undefined
}

/** RFC 6749 §2.3.1: id and secret are form-urlencoded, then joined and base64-encoded. */
export function decodeBasicCredentials(header: string): [string, string] | undefined {
  try {
    const decoded = atob(header.replace(/^basic\s+/i, ''))
    const colon = decoded.indexOf(':')
    const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '))
    return colon < 0 ? undefined : [part(decoded.slice(0, colon)), part(decoded.slice(colon + 1))]
  } catch {
    return undefined
  }
}

/** RFC 7636 §4.6. */
export async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url.encode(new Uint8Array(digest))
}
