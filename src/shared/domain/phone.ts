/**
 * The softphone's domain: the SIP account, registration, calls as the agent sees them, and the
 * call log that is kept in the cache and synced to the server. Plain TypeScript + zod: the main
 * process owns the phone, the renderer shows it, the server stores the log.
 */
import { z } from 'zod'

export const IceServerSchema = z
  .object({
    urls: z.union([z.string().min(1).max(512), z.array(z.string().min(1).max(512)).min(1).max(8)]),
    username: z.string().max(256).optional(),
    credential: z.string().max(256).optional(),
  })
  .strict()
export type IceServer = z.infer<typeof IceServerSchema>

/** A SIP URI as JsSIP accepts it for the account: sip:user@domain, no spaces or angle brackets. */
const SipUriSchema = z.string().trim().max(256).regex(/^sips?:[^\s<>@]+@[^\s<>@]+$/, 'Expected sip:user@domain')

export const SipAccountInputSchema = z
  .object({
    wsUrl: z.url({ protocol: /^wss?$/ }).max(512),
    sipUri: SipUriSchema,
    /** Defaults to the user part of sipUri. */
    authUser: z.string().trim().min(1).max(128).optional(),
    /** Omitted when editing an account whose password should stay as it is. */
    password: z.string().min(1).max(256).optional(),
    displayName: z.string().trim().max(64).optional(),
    iceServers: z.array(IceServerSchema).max(8).default([]),
    autoAnswer: z.boolean().default(false),
  })
  .strict()
export type SipAccountInput = z.input<typeof SipAccountInputSchema>

/** The account as shown back to the agent: never the password itself. */
export const SipAccountViewSchema = z.object({
  wsUrl: z.string(),
  sipUri: z.string(),
  authUser: z.string(),
  displayName: z.string().nullable(),
  iceServers: z.array(IceServerSchema),
  autoAnswer: z.boolean(),
  hasPassword: z.boolean(),
})
export type SipAccountView = z.infer<typeof SipAccountViewSchema>

export const registrationStates = ['unconfigured', 'connecting', 'registered', 'unregistered', 'failed'] as const
export const RegistrationSchema = z.object({
  state: z.enum(registrationStates),
  /** Why the last attempt failed, in words the agent can act on ('auth' = wrong credentials). */
  error: z.enum(['auth', 'network', 'rejected']).nullable(),
  detail: z.string().nullable(),
  /** When the phone last became registered, ms since epoch. */
  since: z.number().nullable(),
})
export type Registration = z.infer<typeof RegistrationSchema>

export const callStates = ['ringing', 'dialing', 'early', 'active', 'ended'] as const
export type CallState = (typeof callStates)[number]

export const CallCustomerSchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.string(),
})

export const CallViewSchema = z.object({
  id: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  state: z.enum(callStates),
  /** The other party's number as presented (normalised for display) and their SIP display name. */
  remoteNumber: z.string(),
  remoteName: z.string().nullable(),
  /** The screen pop: looked up in the local cache by the caller's number before answering. */
  customer: CallCustomerSchema.nullable(),
  muted: z.boolean(),
  /** This side put the call on hold. */
  held: z.boolean(),
  /** The far side put the call on hold. */
  remoteHeld: z.boolean(),
  offeredAt: z.number(),
  answeredAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** Why it ended: 'local', 'remote', 'busy', 'rejected', 'unavailable', 'failed', 'transferred', 'canceled'. */
  endCause: z.string().nullable(),
  /** Set on a consultation call of an attended transfer: the call it consults for. */
  consultFor: z.string().nullable(),
  /** The call is joined with others in a three-party conference mixed on this desktop. */
  conferenced: z.boolean(),
  /** Digits sent during the call, for the agent to see what they keyed. */
  dtmfSent: z.string(),
  /** Digits the far side sent by SIP INFO (RFC 4733 tones are heard, not signalled). */
  dtmfReceived: z.string(),
  /** Both directions are being recorded (the centre's policy, or the agent's choice when on demand). */
  recording: z.boolean(),
})
export type CallView = z.infer<typeof CallViewSchema>

/** A call as it is offered (inbound, ringing) or placed (outbound, dialing): nothing has happened on it yet. */
export function newCallView(call: Pick<CallView, 'id' | 'direction' | 'remoteNumber' | 'remoteName' | 'customer' | 'offeredAt'>): CallView {
  return {
    ...call,
    state: call.direction === 'inbound' ? 'ringing' : 'dialing',
    muted: false,
    held: false,
    remoteHeld: false,
    answeredAt: null,
    endedAt: null,
    endCause: null,
    consultFor: null,
    conferenced: false,
    dtmfSent: '',
    dtmfReceived: '',
    recording: false,
  }
}

export const WrapUpSchema = z.object({
  callId: z.string(),
  /** After-call work ends on its own at this time unless the agent finishes it sooner. */
  until: z.number(),
})

export const PhoneSnapshotSchema = z.object({
  account: SipAccountViewSchema.nullable(),
  registration: RegistrationSchema,
  /** Live calls first, then those that ended less than a few seconds ago. */
  calls: z.array(CallViewSchema),
  wrapUp: WrapUpSchema.nullable(),
  /** Whether a renderer has attached as the media engine (audio can flow). */
  mediaReady: z.boolean(),
  /** The centre's recording policy, so the phone shows whether the agent may start one. */
  recordingPolicy: z.enum(['all', 'on_demand', 'none']),
  /** Recordings kept on this desktop until the server has them. */
  recordingsPending: z.number().int().nonnegative(),
})
export type PhoneSnapshot = z.infer<typeof PhoneSnapshotSchema>

/** The record of one call: kept in the cache, synced to the server, shown in the customer history. */
export const CallRecordSchema = z.object({
  id: z.string().min(1).max(64),
  direction: z.enum(['inbound', 'outbound']),
  remoteNumber: z.string().max(64),
  customerId: z.string().max(64).nullable(),
  offeredAt: z.number().int(),
  answeredAt: z.number().int().nullable(),
  endedAt: z.number().int(),
  durationSec: z.number().int().nonnegative(),
  /** True for an inbound call nobody answered: it becomes a callback item in the inbox. */
  missed: z.boolean(),
  endCause: z.string().max(32),
  disposition: z.string().max(32).nullable(),
  note: z.string().max(5_000).nullable(),
  /** Where a transfer sent the call, if it was transferred. */
  transferredTo: z.string().max(128).nullable(),
})
export type CallRecord = z.infer<typeof CallRecordSchema>

/**
 * What the agent may type into the dial pad: digits, *, #, a leading +, and separators people
 * paste (spaces, dashes, dots, brackets). Letters are refused rather than guessed at.
 */
const DIALABLE = /^\+?[\d*#\s\-().]+$/
const MAX_DIAL_DIGITS = 32

/** The dial string sent to the registrar, or null when it cannot be dialled. */
export function normalizeDialString(raw: string): string | null {
  if (typeof raw !== 'string') return null
  const folded = raw.normalize('NFKC').trim()
  if (folded === '' || folded.length > 64 || !DIALABLE.test(folded)) return null
  const plus = folded.startsWith('+')
  const digits = folded.replace(/[^\d*#]/g, '')
  if (digits.length === 0 || digits.length > MAX_DIAL_DIGITS) return null
  // Chinese switches expect international numbers behind 00; +86 is the home country.
  if (!plus) return digits
  if (!digits.startsWith('86')) return `00${digits}`
  const national = digits.slice(2)
  return /^1\d{10}$/.test(national) ? national : `0${national}`
}

/** The user part of a SIP URI or a bare number: what the agent sees as the other party's number. */
export function numberFromSipUri(uri: string): string {
  const m = /^(?:sips?:)?([^@;>]+)/.exec(uri.trim())
  return m ? decodeURIComponent(m[1]!) : uri
}

export const dtmfTones = /^[0-9*#A-Da-d]{1,32}$/
