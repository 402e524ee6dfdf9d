/** Events of the bench's raw socket.io relay (the fan-out baseline). */
export interface RelayPayload {
  round: number
  /** Filler shaped like a team:presence member, so both sides serialise similar frames. */
  member: unknown
}

export interface RelayClientToServer {
  /** Broadcast as `pong` to every connected client, then acknowledged. */
  ping: (payload: RelayPayload, ack: () => void) => void
  /** Acknowledged with the same payload, broadcasting nothing. */
  echo: (payload: RelayPayload, ack: (payload: RelayPayload) => void) => void
}

export interface RelayServerToClient {
  pong: (payload: RelayPayload) => void
}
