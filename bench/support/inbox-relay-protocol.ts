/** Events of the inbox bench's raw socket.io relay (support/inbox-relay-child.ts). */

/** A customer's message as the relay passes it on; shaped like what a channel hands the inbox. */
export interface RelayCustomerMessage {
  /** The customer (visitor id, QQ member): all of one customer's messages go to one agent. */
  customer: string
  /** The bench's id of the message, also in the text. */
  tag: number
  text: string
  sentAt: number
}

export interface InboxRelayClientToServer {
  /** From a customer: forwarded to one agent socket, then acknowledged. */
  'customer:message': (message: RelayCustomerMessage, ack: (result: { ok: true; agent: number }) => void) => void
}

export interface InboxRelayServerToClient {
  'agent:message': (message: RelayCustomerMessage) => void
}

/** Handshake `auth` of a relay client: agents name their index, customers just say so. */
export type InboxRelayAuth = { role: 'agent'; agent: number } | { role: 'customer' }
