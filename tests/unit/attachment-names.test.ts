import { describe, expect, it } from 'vitest'
import { contentDisposition } from '../../src/server/http/attachment-routes'
import { fileNameOf } from '../../src/main/services/connection/server-files'

describe('attachment file names in Content-Disposition', () => {
  it.each(['报价单 (最终).pdf', 'it’s 50% done.csv', "it's (1)*.txt", '处理流程示意图.png', 'plain.txt', 'a;b=c.txt'])('round-trips %s', (name) => {
    const header = contentDisposition(name)
    // The header is plain ASCII with the real name in filename* (RFC 5987), and an ASCII fallback.
    expect(header).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9%!._~-]+$/)
    expect(fileNameOf(header)).toBe(name)
  })

  it('never lets a quote or backslash break out of the fallback', () => {
    const header = contentDisposition('a"b\\c.txt')
    expect(header.split('; ')[1]).toBe('filename="a_b_c.txt"')
    expect(fileNameOf(header)).toBe('a"b\\c.txt')
  })

  it('reads a plain filename, and ignores a broken filename*', () => {
    expect(fileNameOf('attachment; filename="x.pdf"')).toBe('x.pdf')
    expect(fileNameOf("attachment; filename=\"x.pdf\"; filename*=UTF-8''%E0%A4%A")).toBe('x.pdf')
    expect(fileNameOf(null)).toBeNull()
    expect(fileNameOf('inline')).toBeNull()
  })
})
