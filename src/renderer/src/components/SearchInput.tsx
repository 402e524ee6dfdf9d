import { useEffect, useRef, useState, type KeyboardEvent, type Ref } from 'react'

interface SearchInputProps {
  /** The query to start from (the store's last one, so coming back to a page keeps it). */
  initial: string
  /** Called with the text once typing pauses for `delayMs`, never while an IME is composing. */
  onSearch(query: string): void
  delayMs?: number
  testId: string
  placeholder: string
  label: string
  inputRef?: Ref<HTMLInputElement>
  /** Key presses outside IME composition (Enter that picks a candidate never reaches it). */
  onKeyDown?(event: KeyboardEvent<HTMLInputElement>): void
  ariaControls?: string
  ariaActiveDescendant?: string
  autoFocus?: boolean
}

/**
 * A search box that searches as the agent types. Chinese input methods put pinyin into the box
 * while composing (`tui'k`), which must not be searched: the search waits for compositionend and
 * uses the committed text.
 */
export function SearchInput({ initial, onSearch, delayMs = 150, testId, placeholder, label, inputRef, onKeyDown, ariaControls, ariaActiveDescendant, autoFocus }: SearchInputProps) {
  const [text, setText] = useState(initial)
  const composing = useRef(false)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const lastSent = useRef(initial)

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current)
    },
    [],
  )

  function cancel(): void {
    if (timer.current !== null) clearTimeout(timer.current)
    timer.current = null
  }

  /** True when this sent a query the page has not searched for yet. */
  function send(query: string): boolean {
    cancel()
    if (query === lastSent.current) return false
    lastSent.current = query
    onSearch(query)
    return true
  }

  function schedule(query: string): void {
    cancel()
    timer.current = setTimeout(() => {
      timer.current = null
      send(query)
    }, delayMs)
  }

  function keyDown(event: KeyboardEvent<HTMLInputElement>): void {
    // 229: the key went to the IME (Enter/arrows choose a candidate there).
    if (composing.current || event.nativeEvent.isComposing || event.keyCode === 229) return
    if (event.key === 'Escape' && text !== '') {
      event.preventDefault()
      setText('')
      send('')
      return
    }
    // Enter right after typing searches now; it opens a result only once the results match the text.
    if (event.key === 'Enter' && send(event.currentTarget.value)) {
      event.preventDefault()
      return
    }
    onKeyDown?.(event)
  }

  return (
    <input
      ref={inputRef}
      className="search-input"
      type="search"
      data-testid={testId}
      value={text}
      placeholder={placeholder}
      aria-label={label}
      // With a result list to move through, the box acts as a combobox over it.
      role={ariaControls ? 'combobox' : undefined}
      aria-expanded={ariaControls ? ariaActiveDescendant !== undefined : undefined}
      aria-autocomplete={ariaControls ? 'list' : undefined}
      aria-controls={ariaControls}
      aria-activedescendant={ariaActiveDescendant}
      autoComplete="off"
      spellCheck={false}
      autoFocus={autoFocus}
      onChange={(event) => {
        setText(event.target.value)
        const native = event.nativeEvent as InputEvent
        if (composing.current || native.isComposing) return
        schedule(event.target.value)
      }}
      onCompositionStart={() => {
        composing.current = true
        cancel()
      }}
      onCompositionEnd={(event) => {
        composing.current = false
        schedule(event.currentTarget.value)
      }}
      onKeyDown={keyDown}
    />
  )
}
