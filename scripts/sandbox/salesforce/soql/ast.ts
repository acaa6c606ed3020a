// The shape of a parsed SOQL query (the subset the sandbox understands).

export interface FieldPath {
  /** Segments as written, e.g. ["Account", "Name"]. */
  segments: string[]
  pos: number
}

export type Literal =
  | { kind: 'string'; value: string; pos: number }
  | { kind: 'number'; value: number; pos: number }
  | { kind: 'datetime'; ms: number; pos: number }
  | { kind: 'date'; value: string; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'null'; pos: number }
  | { kind: 'dateLiteral'; name: string; n: number | null; pos: number }

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>='

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldPath; op: ComparisonOp; value: Literal }
  | { kind: 'like'; field: FieldPath; value: Literal }
  | { kind: 'in'; field: FieldPath; negated: boolean; values: Literal[] }

export interface OrderItem {
  field: FieldPath
  descending: boolean
  nullsLast: boolean
}

export interface Query {
  /** `SELECT COUNT() FROM ...` returns only totalSize. */
  count: boolean
  fields: FieldPath[]
  from: { name: string; alias: string | null; pos: number }
  where: Condition | null
  orderBy: OrderItem[]
  limit: number | null
  offset: number | null
}
