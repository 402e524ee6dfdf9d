import { normalizeContact } from '../../../shared/domain/contact-normalize'
import { recordChange } from '../change-log'
import { applyConversationLinkCustomer } from './conversation-ops'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/**
 * A customer created by an agent for an unknown sender (from the conversation's customer panel).
 * The id comes from the desktop, which shows the card at once; contacts are stored normalised
 * so the next call, chat or email from them is recognised.
 */
export async function applyCustomerCreate(context: OpContext, payload: PayloadOf<'customer.create'>): Promise<OpOutcome> {
  const { trx, now } = context
  const taken = await trx.selectFrom('customers').select('id').where('id', '=', payload.customerId).executeTakeFirst()
  if (taken) return rejected('conflict', 'Another customer already uses this id')
  const contacts: { kind: 'phone' | 'email' | 'qq'; value: string; normalized: string }[] = []
  for (const contact of payload.contacts) {
    const normalized = normalizeContact(contact.kind, contact.value)
    if (!normalized) return rejected('invalid_argument', `Not a valid ${contact.kind}: ${contact.value.slice(0, 60)}`)
    if (!contacts.some((c) => c.kind === contact.kind && c.normalized === normalized)) contacts.push({ ...contact, normalized })
  }
  await trx
    .insertInto('customers')
    .values({
      id: payload.customerId,
      name: payload.name,
      tier: payload.tier,
      kind: payload.kind,
      company: payload.company,
      city: payload.city,
      notes: '',
      tags: '',
      created_at: now,
      updated_at: now,
    })
    .execute()
  if (contacts.length > 0) {
    await trx
      .insertInto('customer_contacts')
      .values(contacts.map((c, i) => ({ id: `${payload.customerId}-${i + 1}`, customer_id: payload.customerId, kind: c.kind, value: c.value, normalized: c.normalized })))
      .execute()
  }
  if (payload.linkConversationId === null) {
    await recordChange(trx, 'customer', payload.customerId, false, now)
    return applied()
  }
  // Linking logs the customer too (with the channel identity added as a contact) and the conversation.
  await recordChange(trx, 'customer', payload.customerId, false, now)
  const linked = await applyConversationLinkCustomer(context, { conversationId: payload.linkConversationId, customerId: payload.customerId })
  if (linked.status === 'rejected') return linked
  // The customer concerns everyone, the conversation its own audience.
  return applied(true)
}
