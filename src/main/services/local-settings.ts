import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'

const SettingsSchema = z.object({ lastServerUrl: z.string().nullable().default(null) })
export type LocalSettings = z.infer<typeof SettingsSchema>

/** Small preferences of this desktop, kept as JSON in its data folder. */
export class LocalSettingsStore {
  private readonly file: string

  constructor(dataDir: string) {
    this.file = join(dataDir, 'settings.json')
  }

  async read(): Promise<LocalSettings> {
    try {
      return SettingsSchema.parse(JSON.parse(await readFile(this.file, 'utf8')))
    } catch {
      return SettingsSchema.parse({})
    }
  }

  async update(patch: Partial<LocalSettings>): Promise<void> {
    const next = { ...(await this.read()), ...patch }
    await mkdir(join(this.file, '..'), { recursive: true })
    // Write then rename, so a crash mid-write never leaves half a file.
    const tmp = `${this.file}.tmp`
    await writeFile(tmp, JSON.stringify(next, null, 2))
    await rename(tmp, this.file)
  }
}
