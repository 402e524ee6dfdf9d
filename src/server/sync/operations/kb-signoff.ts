import { recordChange } from '../change-log'
import { signoffId } from '../record-readers'
import { canSeeArticle } from '../sync-viewer'
import { applied, rejected, type OpContext, type OpOutcome, type PayloadOf } from './op-outcome'

/** 签收: the agent read this version of the article. Signing an older version than the current one is refused. */
export async function applyKbSignoff({ trx, viewer, now }: OpContext, payload: PayloadOf<'kb.signoff'>): Promise<OpOutcome> {
  const article = await trx.selectFrom('kb_articles').select(['version', 'skill_group_id']).where('id', '=', payload.articleId).executeTakeFirst()
  // An article the agent may not see answers like a missing one, so its existence does not leak.
  if (!article || !canSeeArticle(viewer, article.skill_group_id)) return rejected('not_found', 'No such article')
  if (article.version !== payload.version) {
    return rejected('conflict', `The article was updated (now version ${article.version}) after version ${payload.version} was read; read it again and sign for the new version`)
  }
  const values = { version: payload.version, signed_at: now }
  await trx
    .insertInto('kb_signoffs')
    .values({ agent_id: viewer.agentId, article_id: payload.articleId, ...values })
    .onConflict((oc) => oc.columns(['agent_id', 'article_id']).doUpdateSet(values))
    .execute()
  await recordChange(trx, 'kb_signoff', signoffId(viewer.agentId, payload.articleId), false, now)
  return applied()
}
