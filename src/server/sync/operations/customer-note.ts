import { recordChange } from '../change-log'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/**
 * An internal note on the customer's history. The note's id comes from the desktop, which shows
 * the note at once under that id; the server's clock dates it, like every synced time.
 */
export async function applyCustomerNote({ trx, viewer, now }: OpContext, payload: PayloadOf<'customer.note'>): Promise<OpOutcome> {
  const customer = await trx.selectFrom('customers').select('id').where('id', '=', payload.customerId).executeTakeFirst()
  if (!customer) return rejected('not_found', 'No such customer')
  const taken = await trx.selectFrom('interactions').select('id').where('id', '=', payload.noteId).executeTakeFirst()
  if (taken) return rejected('conflict', 'Another record already uses this note id')
  await trx
    .insertInto('interactions')
    .values({ id: payload.noteId, customer_id: payload.customerId, channel: 'note', direction: 'internal', summary: payload.text, agent_id: viewer.agentId, at: now })
    .execute()
  await recordChange(trx, 'interaction', payload.noteId, false, now)
  return applied()
}
