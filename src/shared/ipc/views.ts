/** What the renderer gets back for KB, customers, the outbox and sync: shapes of AgentApi results. */
import { z } from 'zod'
import { contactKinds, CustomerRecordSchema, interactionChannels, KbArticleRecordSchema, KbCategoryRecordSchema } from '../domain/records'
import { CustomerChangesSchema, operationTypes } from '../protocol/sync'

/** Text cut into pieces, with the pieces that matched the query marked, so nothing is rendered as HTML. */
export const HighlightedTextSchema = z.array(z.object({ text: z.string(), hit: z.boolean() }))
export type HighlightedText = z.infer<typeof HighlightedTextSchema>

/** Whether a local action has reached the server. */
export const DeliverySchema = z.enum(['pending', 'sent', 'conflict'])
export type Delivery = z.infer<typeof DeliverySchema>

export const KbSearchInputSchema = z
  .object({
    query: z.string().max(200),
    categoryId: z.string().max(64).optional(),
    tag: z.string().max(50).optional(),
    mandatoryOnly: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).optional(),
    offset: z.number().int().min(0).max(10_000).optional(),
  })
  .strict()
export type KbSearchInput = z.infer<typeof KbSearchInputSchema>

export const KbHitSchema = z.object({
  id: z.string(),
  title: HighlightedTextSchema,
  snippet: HighlightedTextSchema,
  categoryId: z.string(),
  categoryName: z.string().nullable(),
  tags: z.array(z.string()),
  mandatory: z.boolean(),
  updatedAt: z.number(),
})
export type KbHit = z.infer<typeof KbHitSchema>

export const KbSearchResultSchema = z.object({ hits: z.array(KbHitSchema), total: z.number(), tookMs: z.number() })
export type KbSearchResult = z.infer<typeof KbSearchResultSchema>

export const KbArticleViewSchema = KbArticleRecordSchema.extend({
  categoryName: z.string().nullable(),
  /** The version this agent signed for, or null. A mandatory article needs signedVersion === version. */
  signedVersion: z.number().nullable(),
  signoffDelivery: DeliverySchema.nullable(),
})
export type KbArticleView = z.infer<typeof KbArticleViewSchema>

export const KbCategoryViewSchema = KbCategoryRecordSchema.extend({ articleCount: z.number() })
export type KbCategoryView = z.infer<typeof KbCategoryViewSchema>

export const PendingSignoffSchema = z.object({ id: z.string(), title: z.string(), version: z.number(), updatedAt: z.number() })
export type PendingSignoff = z.infer<typeof PendingSignoffSchema>

export const CustomerSearchInputSchema = z
  .object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).optional() })
  .strict()

export const CustomerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.string(),
  kind: z.enum(['person', 'enterprise']),
  company: z.string().nullable(),
  city: z.string().nullable(),
  /** The contact that matched the query, else the first phone. */
  contact: z.object({ kind: z.enum(contactKinds), value: z.string() }).nullable(),
})
export type CustomerSummary = z.infer<typeof CustomerSummarySchema>

export const CustomerLookupInputSchema = z
  .object({ kind: z.enum(contactKinds), value: z.string().min(1).max(256) })
  .strict()

export const InteractionViewSchema = z.object({
  id: z.string(),
  customerId: z.string(),
  channel: z.enum(interactionChannels),
  direction: z.enum(['in', 'out', 'internal']),
  summary: z.string(),
  agentName: z.string().nullable(),
  at: z.number(),
  delivery: DeliverySchema,
})
export type InteractionView = z.infer<typeof InteractionViewSchema>

export const CustomerCardSchema = z.object({
  customer: CustomerRecordSchema,
  /** Newest first. */
  interactions: z.array(InteractionViewSchema),
  /** Local edits not yet accepted by the server. */
  pendingUpdate: DeliverySchema.nullable(),
})
export type CustomerCard = z.infer<typeof CustomerCardSchema>

export const AddNoteInputSchema = z.object({ customerId: z.string().min(1).max(64), text: z.string().trim().min(1).max(5_000) }).strict()
export const UpdateCustomerInputSchema = z.object({ customerId: z.string().min(1).max(64), changes: CustomerChangesSchema }).strict()

export const ConflictSchema = z.object({
  opId: z.string(),
  type: z.enum(operationTypes),
  /** What the agent did, in words the UI can show next to the reason. */
  summary: z.string(),
  createdAt: z.number(),
  error: z.object({ code: z.string(), message: z.string() }),
})
export type Conflict = z.infer<typeof ConflictSchema>

export const OutboxStatusSchema = z.object({
  pending: z.number().int().nonnegative(),
  conflicts: z.array(ConflictSchema),
  lastDeliveredAt: z.number().nullable(),
})
export type OutboxStatus = z.infer<typeof OutboxStatusSchema>

export const ResolveConflictInputSchema = z.object({ opId: z.string().max(64), resolution: z.enum(['discard', 'retry']) }).strict()

export const SyncStatusSchema = z.object({
  phase: z.enum(['idle', 'initial', 'incremental', 'error', 'offline']),
  /** Changes applied in this sync run, and how many there are in all, for a progress bar. */
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  lastSyncedAt: z.number().nullable(),
  error: z.string().nullable(),
})
export type SyncStatus = z.infer<typeof SyncStatusSchema>

export const DraftKeySchema = z.string().min(1).max(200)
export const DraftSchema = z.object({ key: z.string(), text: z.string(), updatedAt: z.number() })
export type Draft = z.infer<typeof DraftSchema>
