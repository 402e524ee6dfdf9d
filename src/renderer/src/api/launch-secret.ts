/**
 * The web host prints a link ending in `#k=<secret>`. The page keeps the secret for this tab only
 * (sessionStorage, so a reload still works) and removes it from the address bar so it does not
 * end up in screenshots, bookmarks or the browser history.
 */
const STORAGE_KEY = 'omnidesk.bridgeSecret'

export function takeLaunchSecret(): string | null {
  return takeFromAddress() ?? recall()
}

/**
 * Pasting a new launch link into the open tab changes only the fragment, which does not reload
 * the page; start over with the new secret so the page does not stay on a refused one.
 */
export function restartOnNewLaunchLink(): void {
  window.addEventListener('hashchange', () => {
    if (takeFromAddress() !== null) location.reload()
  })
}

function takeFromAddress(): string | null {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('k')
  if (!fromLink) return null
  remember(fromLink)
  history.replaceState(history.state, '', location.pathname + location.search)
  return fromLink
}

export function forgetLaunchSecret(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY)
  } catch {
    // Nothing stored, nothing to forget.
  }
}

function remember(secret: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, secret)
  } catch {
    // Without storage the page still works until the next reload.
  }
}

function recall(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}
