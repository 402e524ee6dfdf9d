/**
 * The records the central server syncs down to each desktop's local cache, as they travel.
 * Times are ms since epoch (server clock). `version` rises by one on every change of a record.
 */
import { z } from 'zod'
import { AttachmentRefSchema } from './conversations'
import { CallRecordSchema } from './phone'
import { settingScopes } from './settings'

export const KbCategoryRecordSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(200),
  parentId: z.string().max(64).nullable(),
  sort: z.number().int(),
})
export type KbCategoryRecord = z.infer<typeof KbCategoryRecordSchema>

export const KbArticleRecordSchema = z.object({
  id: z.string().max(64),
  categoryId: z.string().max(64),
  title: z.string().max(500),
  /** Restricted HTML (p, h3, h4, ul, ol, li, strong, em, br, a[href]); sanitised by the server, and again before display. */
  body: z.string().max(200_000),
  tags: z.array(z.string().max(50)).max(50),
  /** A regulation (规章) every agent must sign for (签收). */
  mandatory: z.boolean(),
  /** Only agents with this skill group see it; null for everyone. */
  skillGroupId: z.string().max(64).nullable(),
  version: z.number().int().positive(),
  updatedAt: z.number(),
  /** Files attached to the article, in display order; the desktop keeps their bytes for offline use. Absent from older servers. */
  attachments: z.array(AttachmentRefSchema).max(50).default([]),
})
export type KbArticleRecord = z.infer<typeof KbArticleRecordSchema>

export const contactKinds = ['phone', 'email', 'qq'] as const
export const ContactRecordSchema = z.object({
  id: z.string().max(64),
  kind: z.enum(contactKinds),
  value: z.string().max(256),
  normalized: z.string().max(256),
})
export type ContactRecord = z.infer<typeof ContactRecordSchema>

export const CustomerRecordSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(200),
  /** 钻/金/银/基础 for consumers; 1A (highest) … 5A for enterprises. */
  tier: z.string().max(8),
  kind: z.enum(['person', 'enterprise']),
  company: z.string().max(200).nullable(),
  city: z.string().max(100).nullable(),
  notes: z.string().max(10_000),
  tags: z.array(z.string().max(50)).max(50),
  contacts: z.array(ContactRecordSchema).max(50),
  version: z.number().int().positive(),
  updatedAt: z.number(),
})
export type CustomerRecord = z.infer<typeof CustomerRecordSchema>

export const interactionChannels = ['phone', 'chat', 'qq', 'email', 'note'] as const
export const InteractionRecordSchema = z.object({
  id: z.string().max(64),
  customerId: z.string().max(64),
  channel: z.enum(interactionChannels),
  direction: z.enum(['in', 'out', 'internal']),
  summary: z.string().max(5_000),
  agentId: z.string().max(64).nullable(),
  agentName: z.string().max(100).nullable(),
  at: z.number(),
})
export type InteractionRecord = z.infer<typeof InteractionRecordSchema>

export const KbSignoffRecordSchema = z.object({
  /** `${agentId}:${articleId}` */
  id: z.string().max(140),
  articleId: z.string().max(64),
  version: z.number().int().positive(),
  signedAt: z.number(),
})
export type KbSignoffRecord = z.infer<typeof KbSignoffRecordSchema>

export const ReasonCodeRecordSchema = z.object({
  /** the code itself */
  id: z.string().max(32),
  labelZh: z.string().max(50),
  labelEn: z.string().max(50),
  sort: z.number().int(),
})
export type ReasonCodeRecord = z.infer<typeof ReasonCodeRecordSchema>

/** A synced setting (settings.ts): a centre-wide value, or one of the pulling agent's own preferences. */
export const SettingRecordSchema = z.object({
  /** `centre:<key>` or `agent:<agentId>:<key>` */
  id: z.string().max(140),
  scope: z.enum(settingScopes),
  key: z.string().max(64),
  value: z.json(),
})
export type SettingRecord = z.infer<typeof SettingRecordSchema>

/**
 * A call of the call log as the server keeps it (phone.ts has the record the phone writes). It
 * goes down to the agent who made or missed it, on every desktop they sign in to, and to leads
 * and admins.
 */
export const CallLogRecordSchema = CallRecordSchema.extend({
  agentId: z.string().max(64),
  agentName: z.string().max(100).nullable(),
  /** The callback item a missed call became in the inbox, if it became one. */
  conversationId: z.string().max(64).nullable(),
})
export type CallLogRecord = z.infer<typeof CallLogRecordSchema>
