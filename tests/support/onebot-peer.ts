/**
 * The tests' QQ client: a OneBot v11 implementation written from the published spec. It lives in
 * src/server/simulator (the demo's QQ simulator drives the same peer) and shares nothing with the
 * server's QQ channel, so a test checks the channel against the spec, not against itself.
 */
export {
  OneBotPeer,
  PeerRefusedError,
  at,
  defaultAnswer,
  escapeParam,
  escapeText,
  face,
  image,
  reply,
  serveForward,
  text,
  toCqString,
  type ActionAnswer,
  type ActionAnswerer,
  type ForwardServer,
  type GroupMessage,
  type PeerAction,
  type PeerSegment,
} from '../../src/server/simulator/onebot-peer'

import type { PeerAction, PeerSegment } from '../../src/server/simulator/onebot-peer'

/** The segments of a send_group_msg action (array form expected from the server). */
export function segmentsOfAction(action: PeerAction): PeerSegment[] {
  const message = action.params['message']
  if (!Array.isArray(message)) throw new Error(`send_group_msg without a segment array: ${JSON.stringify(message)}`)
  return message as PeerSegment[]
}
