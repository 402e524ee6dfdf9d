import type { zhCN } from './zh-CN'

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> }

/** The shape every language must fill: the keys of the Chinese text, any string as value. */
export type Messages = Widen<typeof zhCN>
