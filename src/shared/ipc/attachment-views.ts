/** AgentApi shapes for attachments (KB files, the composer's uploads). */
import { z } from 'zod'

/** 10 MB as base64 (4 characters per 3 bytes), the server's per-file limit. */
const MAX_BASE64_CHARS = Math.ceil((10 * 1024 * 1024) / 3) * 4
const Base64Schema = z.string().max(MAX_BASE64_CHARS).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Not base64')

export const AttachmentContentSchema = z.object({
  id: z.string(),
  name: z.string(),
  mime: z.string(),
  size: z.number().int().nonnegative(),
  dataBase64: z.string(),
})
export type AttachmentContent = z.infer<typeof AttachmentContentSchema>

export const AttachmentUploadInputSchema = z
  .object({
    name: z.string().trim().min(1).max(255),
    mime: z.string().trim().min(1).max(127),
    dataBase64: Base64Schema.min(1),
  })
  .strict()
