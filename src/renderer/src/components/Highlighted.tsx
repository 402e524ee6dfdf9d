import type { HighlightedText } from '../../../shared/ipc/views'

/** Search hits as text with <mark> around the matched pieces; never parsed as HTML. */
export function Highlighted({ pieces }: { pieces: HighlightedText }) {
  return (
    <>
      {pieces.map((piece, index) => (piece.hit ? <mark key={index}>{piece.text}</mark> : <span key={index}>{piece.text}</span>))}
    </>
  )
}
