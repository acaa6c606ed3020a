// Renders query rows as REST JSON: `attributes`, selected fields in order, parents as nested objects.

import { formatDateTime } from '../format.ts'
import type { FieldDef, SObjectDef } from '../schema.ts'
import type { OrgData, StoredRecord } from '../store.ts'
import { type BoundField, readField } from './evaluate.ts'

/** A node of the output tree: the object itself or a parent reached through a relationship. */
interface Node {
  def: SObjectDef
  entries: Array<{ kind: 'field'; field: FieldDef } | { kind: 'parent'; via: FieldDef; node: Node }>
}

export type Projector = (rec: StoredRecord) => Record<string, unknown>

export function createProjector(
  def: SObjectDef,
  fields: BoundField[],
  org: OrgData,
  apiVersion: string,
): Projector {
  const root: Node = { def, entries: [] }
  for (const f of fields) {
    let node = root
    for (const hop of f.hops) {
      let entry = node.entries.find((e) => e.kind === 'parent' && e.via.name === hop.name)
      if (!entry) {
        entry = {
          kind: 'parent',
          via: hop,
          node: { def: org.table(hop.referenceTo[0]).def, entries: [] },
        }
        node.entries.push(entry)
      }
      node = (entry as { node: Node }).node
    }
    node.entries.push({ kind: 'field', field: f.field })
  }
  const render = (node: Node, rec: StoredRecord): Record<string, unknown> => {
    const out: Record<string, unknown> = {
      attributes: {
        type: node.def.name,
        url: `/services/data/v${apiVersion}/sobjects/${node.def.name}/${rec.id}`,
      },
    }
    for (const e of node.entries) {
      if (e.kind === 'field') {
        out[e.field.name] = toJson(e.field, readField(node.def, e.field, rec))
      } else {
        const id = rec.values[e.via.name]
        const parent = typeof id === 'string' ? org.get(e.via.referenceTo[0], id) : undefined
        // An empty lookup is rendered as null; the row itself is still returned.
        out[e.via.relationshipName!] = parent && parent.deletedAt === null
          ? render(e.node, parent)
          : null
      }
    }
    return out
  }
  return (rec) => render(root, rec)
}

/** Wire form of a stored value. */
export function toJson(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null
  if (field.type === 'datetime') return formatDateTime(value as number)
  return value
}
