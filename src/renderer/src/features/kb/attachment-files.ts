import type { AttachmentContent } from '../../../../shared/ipc/attachment-views'

/** Types shown inline as a picture; anything else (SVG included, it can carry script) is only downloaded. */
const PREVIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp'])

export function canPreview(mime: string): boolean {
  return PREVIEWABLE.has(mime.toLowerCase())
}

/** The page's CSP allows data: images (not blob:), so a preview is a data URL of a checked image type. */
export function previewUrl(file: AttachmentContent): string | null {
  return canPreview(file.mime) ? `data:${file.mime.toLowerCase()};base64,${file.dataBase64}` : null
}

/** Hands the file to the browser (or Electron) as a download through a short-lived blob URL. */
export function saveFile(file: AttachmentContent): void {
  const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0))
  // Typed as bytes, so the browser saves it rather than trying to show it.
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }))
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  link.rel = 'noopener'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has started once click() returns; the URL is no longer needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** 1.2 MB, 34 KB, 512 B */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

/** A short label for the file-type icon: PDF, PNG, CSV, DOC… */
export function typeLabel(name: string, mime: string): string {
  const extension = /\.([a-z0-9]{1,4})$/i.exec(name)?.[1]
  if (extension) return extension.toUpperCase()
  const subtype = mime.split('/')[1] ?? 'file'
  return subtype.slice(0, 4).toUpperCase()
}

export function iconKind(mime: string): 'image' | 'pdf' | 'sheet' | 'doc' | 'audio' | 'file' {
  const m = mime.toLowerCase()
  if (m.startsWith('image/')) return 'image'
  if (m === 'application/pdf') return 'pdf'
  if (m === 'text/csv' || m.includes('spreadsheet') || m.includes('ms-excel')) return 'sheet'
  if (m.includes('word') || m === 'text/plain') return 'doc'
  if (m.startsWith('audio/')) return 'audio'
  return 'file'
}
