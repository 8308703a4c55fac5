/**
 * @module The doctor's calls to the tenant: each bounded by `httpTimeout` (request and body) and
 * by the whole run's deadline, none following redirects, and a timeout or network failure turned
 * into a value a check can print instead of an exception.
 */

import type { HttpSettings } from '../core/http.js'
import { printable } from './report.js'

/** A call that got no answer: the tenant did not answer in time, or could not be reached. */
export interface NoAnswer {
  kind: 'no-answer'
  reason: string
}

/** A call's answer with its body already read (within the same time limit). */
export interface Answer {
  kind: 'answer'
  status: number
  headers: Headers
  body: string
}

/** The JSON object in an answer's body, or `undefined` when it is not one. */
export function jsonObject(answer: Answer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(answer.body)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** The OAuth error of a refusal (`error: error_description`), printable. */
export function oauthErrorText(answer: Answer): string {
  const body = jsonObject(answer)
  const error = typeof body?.error === 'string' ? body.error : undefined
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined
  const message = typeof body?.message === 'string' ? body.message : undefined
  const text = [error, description ?? message].filter(Boolean).join(': ')
  return printable(text || `HTTP ${answer.status}`)
}

/** Runs the tenant calls of one doctor run within `httpTimeout` each and `deadline` overall. */
export class Probe {
  readonly #http: HttpSettings
  readonly #deadline: number

  constructor(http: HttpSettings, totalBudgetMs: number) {
    this.#http = http
    this.#deadline = Date.now() + totalBudgetMs
  }

  get http(): HttpSettings {
    return this.#http
  }

  /**
   * Runs `call` with a signal that aborts after `httpTimeout` (or at the run's deadline, if
   * sooner). The call must read the body itself, so a tenant that sends headers and then stalls
   * is caught too.
   */
  async bounded<T>(what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T | NoAnswer> {
    const limit = Math.max(0, Math.min(this.#http.timeout, this.#deadline - Date.now()))
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), limit)
    // A pending timer alone must not keep a CLI process alive.
    ;(timer as { unref?: () => void }).unref?.()
    try {
      return await call(controller.signal)
    } catch (error) {
      if (controller.signal.aborted) {
        const why = limit < this.#http.timeout ? "before the doctor's time budget (httpTimeout × checks) ran out" : `within ${limit} ms`
        return { kind: 'no-answer', reason: `${what} did not answer ${why}` }
      }
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${printable(error.cause.message, 80)})` : ''
      return {
        kind: 'no-answer',
        reason: `${what} could not be reached: ${printable(error instanceof Error ? error.message : String(error), 80)}${cause}`,
      }
    } finally {
      clearTimeout(timer)
    }
  }

  /** One request, redirects not followed, body read as text. */
  request(what: string, url: URL | string, init: RequestInit = {}): Promise<Answer | NoAnswer> {
    return this.bounded(what, async (signal) => {
      const response = await this.#http.fetch(url, { ...init, redirect: 'manual', signal })
      const body = await response.text()
      return { kind: 'answer', status: response.status, headers: response.headers, body } satisfies Answer
    })
  }
}
