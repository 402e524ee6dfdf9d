import type { Page } from '@playwright/test'

/**
 * Resolves once the element with `testId` is rendered with a size (and enabled, if asked),
 * checked in the page on every animation frame. Not Playwright's waitForSelector: it re-polls with
 * a backoff reaching 500 ms while the element is missing, which put steps of up to ~480 ms into
 * the timings. Not waitForFunction either: it evals in the page, which the renderer's CSP
 * (script-src 'self') refuses. A CDP evaluation of a string is exempt from the page's CSP, and
 * being a string it is not rewritten by tsx (whose __name helpers would not exist in the page).
 */
export async function waitUsable(page: Page, testId: string, enabled: boolean, timeoutMs = 30_000): Promise<void> {
  const expression = `new Promise((resolve, reject) => {
    const deadline = performance.now() + ${timeoutMs}
    const tick = () => {
      const el = document.querySelector('[data-testid="${testId}"]')
      const box = el && el.getBoundingClientRect()
      if (el && !(${enabled} && el.disabled) && box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden') resolve(true)
      else if (performance.now() > deadline) reject(new Error('${testId} not usable within ${timeoutMs} ms'))
      else requestAnimationFrame(tick)
    }
    tick()
  })`
  // Right after a navigation commits, the evaluation can land in a context that is being replaced.
  for (let attempt = 1; ; attempt++) {
    try {
      await page.evaluate(expression)
      return
    } catch (err) {
      if (attempt >= 3 || !(err instanceof Error) || !/context was destroyed|navigat/i.test(err.message)) throw err
    }
  }
}
