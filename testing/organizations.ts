/**
 * @module The emulated tenant's organizations and their members.
 */

import { base64url } from 'jose'

/**
 * An Auth0 organization of the emulated tenant, with the user ids of its members.
 *
 * @example
 * ```ts
 * const acme: EmulatedOrganization = { id: 'org_acme123', name: 'acme', members: ['auth0|alice'] }
 * const emulator = await createAuth0Emulator({ organizations: [acme] })
 * ```
 */
export interface EmulatedOrganization {
  /** `org_` followed by letters and digits, as Auth0 makes them. */
  id: string
  /** Lower-case, as Auth0 stores organization names. */
  name: string
  members: string[]
}

/** The organizations, their members, and invitations waiting to be accepted. */
export class OrganizationDirectory {
  readonly #organizations: EmulatedOrganization[]
  readonly #invitations = new Map<string, { organizationId: string; userId: string }>()

  constructor(organizations: EmulatedOrganization[]) {
    for (const organization of organizations) {
      if (!/^org_[A-Za-z0-9]+$/.test(organization.id)) throw new TypeError(`organization id ${organization.id} must look like org_…`)
      if (organization.name !== organization.name.toLowerCase())
        throw new TypeError(`organization name ${organization.name} must be lower-case`)
    }
    this.#organizations = organizations.map((organization) => ({ ...organization, members: [...organization.members] }))
  }

  /** By id, or by name in any case, as Auth0's `/authorize` accepts either. */
  find(idOrName: string): EmulatedOrganization | undefined {
    const lower = idOrName.toLowerCase()
    return this.#organizations.find((organization) => organization.id === idOrName || organization.name === lower)
  }

  isMember(organization: EmulatedOrganization, userId: string): boolean {
    return organization.members.includes(userId)
  }

  /** A single-use invitation ticket for `userId` to join the organization. */
  invite(idOrName: string, userId: string): string {
    const organization = this.find(idOrName)
    if (!organization) throw new TypeError(`inviteToOrganization: ${idOrName} is not an emulated organization`)
    const ticket = base64url.encode(crypto.getRandomValues(new Uint8Array(16)))
    this.#invitations.set(ticket, { organizationId: organization.id, userId })
    return ticket
  }

  /** The invitee of `ticket` for this organization, without using it up; `undefined` if it is not one. */
  invitee(ticket: string, organization: EmulatedOrganization): string | undefined {
    const invitation = this.#invitations.get(ticket)
    return invitation?.organizationId === organization.id ? invitation.userId : undefined
  }

  /** Uses `ticket` up: its invitee becomes a member. */
  accept(ticket: string, organization: EmulatedOrganization): boolean {
    const userId = this.invitee(ticket, organization)
    if (userId === undefined) return false
    this.#invitations.delete(ticket)
    if (!organization.members.includes(userId)) organization.members.push(userId)
    return true
  }

  get(id: string): EmulatedOrganization | undefined {
    const organization = this.#organizations.find((candidate) => candidate.id === id)
    return organization && structuredClone(organization)
  }
}
