/** Where an article lives; the top level decides which skill group an internal article is limited to. */
export type KbTopLevelKey = 'billing' | 'network' | 'orders' | 'complaints' | 'rules'

export type KbSubcategoryKey =
  | 'bill-query' | 'payment' | 'refund'
  | 'fault' | 'install' | 'home-network'
  | 'plan' | 'sim' | 'vas'
  | 'intake' | 'escalation' | 'callback'
  | 'service-standard' | 'info-security' | 'assessment'

/** How the body is laid out: a procedure, questions and answers, or a call script. */
export type ArticleShape = 'guide' | 'faq' | 'script'

/** The content of one article before ids, dates and boilerplate are added. */
export interface Topic {
  title: string
  /** What the article is about, for sentences like “本文适用于…相关咨询”; defaults to the title. */
  subject?: string
  category: KbSubcategoryKey
  shape: ArticleShape
  tags: readonly string[]
  explain: string
  steps: readonly string[]
  notes: readonly string[]
  /** Questions and answers for the faq shape; derived from steps and notes when absent. */
  faq?: readonly (readonly [string, string])[]
  /** Internal procedures are visible only to the skill group of their category. */
  internal?: boolean
}

/** A regulation agents must sign for; its body is written out in full. */
export interface Regulation {
  title: string
  category: KbSubcategoryKey
  tags: readonly string[]
  body: string
}
