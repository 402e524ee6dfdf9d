/**
 * Small real files for a few demo KB articles, built in code so the seed stays deterministic and
 * needs no binary fixtures: a PNG chart, a PDF form, and a CSV table. The same seed gives the same
 * bytes and the same ids.
 */
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import type { Transaction } from 'kysely'
import type { Database, KbArticlesTable } from '../db/schema'

export interface SeedFile {
  name: string
  mime: string
  data: Uint8Array
}

/** Which articles get which files: the first regulation, and the first few articles everyone may see. */
export function kbSeedAttachments(articles: readonly KbArticlesTable[]): { articleId: string; files: SeedFile[] }[] {
  const regulation = articles.find((a) => a.mandatory === 1)
  const open = articles.filter((a) => a.mandatory === 0 && a.skill_group_id === null).slice(0, 2)
  const plan: { articleId: string; files: SeedFile[] }[] = []
  if (regulation) plan.push({ articleId: regulation.id, files: [pdfFile('签收确认单.pdf', regulation.title.length)] })
  const [first, second] = open
  if (first) plan.push({ articleId: first.id, files: [pngFile('处理流程示意图.png'), csvFile('资费对照表.csv')] })
  if (second) plan.push({ articleId: second.id, files: [csvFile('常见问题统计.csv')] })
  return plan
}

/** Stores the files (source 'kb') and links them to their articles. */
export async function insertKbSeedAttachments(trx: Transaction<Database>, articles: readonly KbArticlesTable[], now: number): Promise<number> {
  let count = 0
  for (const { articleId, files } of kbSeedAttachments(articles)) {
    for (const [sort, file] of files.entries()) {
      const id = stableId(`${articleId}:${file.name}`)
      const sha256 = createHash('sha256').update(file.data).digest('hex')
      await trx
        .insertInto('attachments')
        .values({ id, name: file.name, mime: file.mime, size: file.data.byteLength, sha256, data: file.data, source: 'kb', uploaded_by: null, created_at: now })
        .execute()
      await trx.insertInto('kb_article_attachments').values({ article_id: articleId, attachment_id: id, sort }).execute()
      count++
    }
  }
  return count
}

/** A uuid-shaped id derived from the name, so the same seed gives the same ids. */
function stableId(name: string): string {
  const hex = createHash('sha256').update(`omnidesk-kb-attachment:${name}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

// --- CSV -------------------------------------------------------------------------------------

function csvFile(name: string): SeedFile {
  const rows = [
    ['套餐', '月费（元）', '通话（分钟）', '流量（GB）'],
    ['畅享58', '58', '100', '30'],
    ['畅享88', '88', '300', '60'],
    ['畅享128', '128', '500', '100'],
    ['家庭融合199', '199', '1000', '200'],
  ]
  // A BOM, so spreadsheet programs read the Chinese as UTF-8.
  const text = `\ufeff${rows.map((r) => r.join(',')).join('\r\n')}\r\n`
  return { name, mime: 'text/csv', data: new TextEncoder().encode(text) }
}

// --- PNG -------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.byteLength)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

/** A 160×90 RGB picture: three coloured steps joined by a bar, like a tiny flow chart. */
function pngFile(name: string): SeedFile {
  const width = 160
  const height = 90
  const raw = Buffer.alloc((width * 3 + 1) * height)
  const boxes = [
    { x: 8, color: [0x1f, 0x6f, 0xeb] },
    { x: 62, color: [0x16, 0xa3, 0x4a] },
    { x: 116, color: [0xea, 0x58, 0x0c] },
  ]
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1)
    raw[row] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      let color = [0xf8, 0xfa, 0xfc]
      const box = boxes.find((b) => x >= b.x && x < b.x + 36 && y >= 27 && y < 63)
      if (box) color = box.color
      else if (y >= 43 && y < 47 && x >= 8 && x < 152) color = [0x94, 0xa3, 0xb8]
      raw.set(color, row + 1 + x * 3)
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // truecolour
  const data = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(raw, { level: 9 })),
    pngChunk('IEND', new Uint8Array(0)),
  ])
  return { name, mime: 'image/png', data: new Uint8Array(data) }
}

// --- PDF -------------------------------------------------------------------------------------

/** A one-page PDF with a form to sign (Latin text: the standard fonts carry no Chinese glyphs). */
function pdfFile(name: string, formNumber: number): SeedFile {
  const lines = [
    'Omnidesk Contact Centre',
    'Regulation acknowledgement form',
    `Form no. REG-${String(formNumber).padStart(4, '0')}`,
    'Agent name: ____________________',
    'Employee no.: __________________',
    'Signature: _____________________   Date: __________',
  ]
  const text = lines.map((line, i) => `BT /F1 ${i === 0 ? 18 : 12} Tf 72 ${760 - i * 28} Td (${line}) Tj ET`).join('\n')
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ]
  let pdf = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, 'latin1'))
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`
  })
  const xref = Buffer.byteLength(pdf, 'latin1')
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return { name, mime: 'application/pdf', data: new Uint8Array(Buffer.from(pdf, 'latin1')) }
}
