/** Everything the bench starts registers how to stop it here; `runCleanup` stops it all, newest first. */

type Disposer = () => Promise<void> | void

const disposers: Array<{ name: string; dispose: Disposer }> = []

/** Registers `dispose` and returns a function that runs it once and unregisters it. */
export function onCleanup(name: string, dispose: Disposer): () => Promise<void> {
  const entry = { name, dispose }
  disposers.push(entry)
  return async () => {
    const index = disposers.indexOf(entry)
    if (index === -1) return
    disposers.splice(index, 1)
    await dispose()
  }
}

/** Runs every registered disposer (newest first); failures are reported, not thrown. */
export async function runCleanup(): Promise<void> {
  while (disposers.length > 0) {
    const entry = disposers.pop()!
    try {
      await entry.dispose()
    } catch (err) {
      console.error(`[bench] cleanup of ${entry.name} failed:`, err)
    }
  }
}
