import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { KbArticleRecord } from '../../shared/domain/records'
import type { KbArticleHistory, KbArticleUpdate } from '../../shared/protocol/kb-api'
import type { Database } from '../db/schema'
import { recordChange } from '../sync/change-log'
import { sanitizeKbHtml } from '../sync/kb-html'
import { readKbArticles, splitTags } from '../sync/record-readers'
import type { SyncNotifier } from '../sync/sync-notifier'
import { canSeeArticle, type SyncViewer } from '../sync/sync-viewer'

export interface KbEditorDeps {
  db: Kysely<Database>
  notifier: SyncNotifier
  now?: () => number
}

/**
 * Administrators edit KB articles here. Every edit is a new version: the article row moves on,
 * the version is kept in kb_article_versions, and the change log tells desktops (a mandatory
 * article's new version has to be signed for again, because sign-offs name the version).
 */
export class KbEditor {
  private readonly now: () => number

  constructor(private readonly deps: KbEditorDeps) {
    this.now = deps.now ?? Date.now
  }

  async update(editorId: string, articleId: string, input: KbArticleUpdate): Promise<KbArticleRecord> {
    const now = this.now()
    const body = sanitizeKbHtml(input.body)
    const tags = [...new Set(input.tags)].join(',')
    await this.deps.db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom('kb_articles').select(['version', 'title', 'body', 'tags', 'updated_at']).where('id', '=', articleId).executeTakeFirst()
      if (!current) throw new AppError('not_found', 'No such article')
      if (current.version !== input.baseVersion) throw conflict(current.version, input.baseVersion)
      const category = await trx.selectFrom('kb_categories').select('id').where('id', '=', input.categoryId).executeTakeFirst()
      if (!category) throw new AppError('invalid_argument', 'No such category', { field: 'categoryId' })
      if (input.attachmentIds) await this.checkAttachments(trx, input.attachmentIds)

      const version = input.baseVersion + 1
      // An article written without the history (seeded or imported after migration 004) keeps
      // the text it had as the version before this one.
      await trx
        .insertInto('kb_article_versions')
        .values({ article_id: articleId, version: current.version, title: current.title, body: current.body, tags: current.tags, edited_by: null, at: current.updated_at })
        .onConflict((oc) => oc.columns(['article_id', 'version']).doNothing())
        .execute()
      // Compare-and-set on the version: on PostgreSQL a concurrent edit of the same base waits for
      // this row lock, then matches nothing and becomes a conflict instead of a lost update.
      const result = await trx
        .updateTable('kb_articles')
        .set({ title: input.title, body, tags, mandatory: input.mandatory ? 1 : 0, category_id: input.categoryId, version, updated_at: now })
        .where('id', '=', articleId)
        .where('version', '=', input.baseVersion)
        .executeTakeFirst()
      if (Number(result.numUpdatedRows) !== 1) throw conflict(input.baseVersion + 1, input.baseVersion)
      await trx
        .insertInto('kb_article_versions')
        .values({ article_id: articleId, version, title: input.title, body, tags, edited_by: editorId, at: now })
        // A row left by a backfill of this very version (should not happen) is replaced, not a failure.
        .onConflict((oc) => oc.columns(['article_id', 'version']).doUpdateSet({ title: input.title, body, tags, edited_by: editorId, at: now }))
        .execute()
      if (input.attachmentIds) {
        await trx.deleteFrom('kb_article_attachments').where('article_id', '=', articleId).execute()
        const ids = [...new Set(input.attachmentIds)]
        if (ids.length > 0) {
          await trx
            .insertInto('kb_article_attachments')
            .values(ids.map((attachmentId, sort) => ({ article_id: articleId, attachment_id: attachmentId, sort })))
            .execute()
        }
      }
      await recordChange(trx, 'kb_article', articleId, false, now)
    })
    this.deps.notifier.changed()
    const saved = (await readKbArticles(this.deps.db, [articleId])).get(articleId)
    if (!saved) throw new AppError('not_found', 'The article was deleted meanwhile')
    return saved
  }

  /** Every version the agent may see, newest first; an article they may not see answers like a missing one. */
  async history(viewer: SyncViewer, articleId: string): Promise<KbArticleHistory> {
    const db = this.deps.db
    const article = await db.selectFrom('kb_articles').selectAll().where('id', '=', articleId).executeTakeFirst()
    if (!article || !canSeeArticle(viewer, article.skill_group_id)) throw new AppError('not_found', 'No such article')
    const rows = await db
      .selectFrom('kb_article_versions')
      .leftJoin('agents', 'agents.id', 'kb_article_versions.edited_by')
      .select([
        'kb_article_versions.version',
        'kb_article_versions.title',
        'kb_article_versions.body',
        'kb_article_versions.tags',
        'kb_article_versions.edited_by',
        'kb_article_versions.at',
        'agents.display_name',
      ])
      .where('kb_article_versions.article_id', '=', articleId)
      .orderBy('kb_article_versions.version', 'desc')
      .execute()
    const versions = rows.map((r) => ({
      version: r.version,
      title: r.title,
      body: r.body,
      tags: splitTags(r.tags),
      editedBy: r.edited_by !== null && r.display_name !== null ? { id: r.edited_by, name: r.display_name } : null,
      at: Number(r.at),
    }))
    // Articles written without the history (imports, older seeds) still show their current text.
    if (!versions.some((v) => v.version === article.version)) {
      versions.unshift({ version: article.version, title: article.title, body: article.body, tags: splitTags(article.tags), editedBy: null, at: Number(article.updated_at) })
    }
    return { articleId, versions }
  }

  private async checkAttachments(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)]
    if (unique.length === 0) return
    const found = await trx.selectFrom('attachments').select('id').where('id', 'in', unique).execute()
    if (found.length !== unique.length) throw new AppError('invalid_argument', 'An attachment of the article does not exist; upload it first', { field: 'attachmentIds' })
  }
}

function conflict(current: number, base: number): AppError {
  return new AppError('conflict', `The article was changed by someone else (now version ${current}, edited version ${base}); reload it and edit again`, {
    currentVersion: current,
  })
}
