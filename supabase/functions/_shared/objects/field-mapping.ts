// A field mapping checked against the object's describe: each source field must be one the
// connected user can read (field-level security leaves hidden fields out of describe, so they
// read as unknown), not compound and of a type the sync stores; each target must not be a
// column of the table the object lands in. The shape (names, uniqueness, size) is checked
// before this, by the route's schema and by the database.
import { ValidationError } from '../http/errors.ts'
import type { DescribedField } from '../providers/describe.ts'

/** `{"<source field>": "<target name>"}`. */
export type FieldMapping = Record<string, string>

/** What is wrong with one entry of a mapping. */
export interface MappingProblem {
  /** The source field (the mapping's key). */
  field: string
  reason: 'unknown_field' | 'compound_field' | 'unsupported_type' | 'target_reserved'
  message: string
}

/**
 * Every problem of `mapping`, in the mapping's order; empty when it may be stored.
 * `reservedTargets` are the landing table's own columns.
 */
export function findMappingProblems(
  mapping: FieldMapping,
  fields: readonly DescribedField[],
  reservedTargets: ReadonlySet<string>,
): MappingProblem[] {
  const byName = new Map(fields.map((f) => [f.name, f]))
  const byLowerName = new Map(fields.map((f) => [f.name.toLowerCase(), f]))
  const problems: MappingProblem[] = []
  for (const [source, target] of Object.entries(mapping)) {
    const field = byName.get(source)
    if (!field) {
      // Records come back keyed by the provider's own spelling, so only that one maps.
      const spelled = byLowerName.get(source.toLowerCase())
      problems.push({
        field: source,
        reason: 'unknown_field',
        message: spelled
          ? `${source} is spelled ${spelled.name}`
          : `${source} does not exist or the connected user cannot read it`,
      })
    } else if (field.unstorable === 'compound') {
      problems.push({
        field: source,
        reason: 'compound_field',
        message: `${source} is a compound field; map its parts instead`,
      })
    } else if (field.unstorable === 'unsupported_type') {
      problems.push({
        field: source,
        reason: 'unsupported_type',
        message: `${source} is of type ${field.type}, which the sync cannot store`,
      })
    } else if (reservedTargets.has(target)) {
      problems.push({
        field: source,
        reason: 'target_reserved',
        message: `${source} maps to ${target}, a column of the table its records land in`,
      })
    }
  }
  return problems
}

/**
 * @throws {ValidationError} 400 `field_mapping_invalid` naming the first bad field, every
 * problem in `details`.
 */
export function checkFieldMapping(
  mapping: FieldMapping,
  fields: readonly DescribedField[],
  reservedTargets: ReadonlySet<string>,
): void {
  const problems = findMappingProblems(mapping, fields, reservedTargets)
  if (problems.length > 0) {
    throw new ValidationError(`Field mapping: ${problems[0].message}`, {
      code: 'field_mapping_invalid',
      details: problems,
    })
  }
}
