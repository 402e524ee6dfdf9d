/** The central server's HTTP API for KB editing, KB history, attachments and centre settings. */
import { z } from 'zod'
import { AttachmentRefSchema } from '../domain/conversations'

export const KbArticleUpdateSchema = z
  .object({
    /** The version the editor started from; anyone else's edit since then is a conflict. */
    baseVersion: z.number().int().positive(),
    title: z.string().trim().min(1).max(500),
    /** Restricted HTML; the server sanitises it (sync/kb-html.ts). */
    body: z.string().max(200_000),
    tags: z.array(z.string().trim().min(1).max(50).refine((t) => !t.includes(','), 'A tag must not contain a comma')).max(50),
    mandatory: z.boolean(),
    categoryId: z.string().min(1).max(64),
    /** Uploaded first (POST /api/attachments); absent keeps the article's attachments as they are. */
    attachmentIds: z.array(z.string().min(1).max(64)).max(50).optional(),
  })
  .strict()
export type KbArticleUpdate = z.infer<typeof KbArticleUpdateSchema>

export const KbArticleVersionSchema = z.object({
  version: z.number().int().positive(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  /** Null for versions written before the history was kept, or by an account since removed. */
  editedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  at: z.number(),
})
export type KbArticleVersion = z.infer<typeof KbArticleVersionSchema>

export const KbArticleHistorySchema = z.object({
  articleId: z.string(),
  /** Newest first. */
  versions: z.array(KbArticleVersionSchema),
})
export type KbArticleHistory = z.infer<typeof KbArticleHistorySchema>

export const CentreSettingUpdateSchema = z.object({ value: z.json() }).strict()

export { AttachmentRefSchema }
