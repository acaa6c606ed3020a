// Record writes as the API validates them: field checks, required fields, lookups, cascade delete.

import { normalizeId } from './data/ids.ts'
import { parseDateTimeInput } from './format.ts'
import type { FieldDef, SObjectDef } from './schema.ts'
import type { OrgData, WriteOptions } from './store.ts'

export interface DmlError {
  statusCode: string
  message: string
  fields: string[]
}

export type Planned = { ok: true; id: string | null; values: Record<string, unknown> } | {
  ok: false
  errors: DmlError[]
}

const err = (statusCode: string, message: string, fields: string[] = []): DmlError => ({
  statusCode,
  message,
  fields,
})

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** Checks a create body; returns stored-form values or the errors Salesforce would give. */
export function planCreate(org: OrgData, def: SObjectDef, body: Record<string, unknown>): Planned {
  const errors: DmlError[] = []
  if (!def.deletable) {
    return {
      ok: false,
      errors: [
        err(
          'CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY',
          `entity type ${def.name} cannot be inserted in the sandbox`,
        ),
      ],
    }
  }
  const values = convertFields(org, def, body, 'create', errors)
  if ('Id' in values || Object.keys(body).some((k) => k.toLowerCase() === 'id')) {
    errors.push(err('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']))
  }
  const missing = def.fields.filter((f) =>
    !f.nillable && f.createable && !f.defaultedOnCreate &&
    (values[f.name] === undefined || values[f.name] === null)
  ).map((f) => f.name)
  if (missing.length > 0) {
    errors.push(
      err(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${missing.join(', ')}]`,
        missing,
      ),
    )
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, id: null, values }
}

export function planUpdate(
  org: OrgData,
  def: SObjectDef,
  rawId: unknown,
  body: Record<string, unknown>,
): Planned {
  const id = typeof rawId === 'string' ? normalizeId(rawId) : null
  if (!id || !id.startsWith(def.keyPrefix)) {
    return {
      ok: false,
      errors: [err('MALFORMED_ID', `${def.name} ID: id value of incorrect type: ${rawId}`, ['Id'])],
    }
  }
  const rec = org.get(def.name, id)
  if (!rec) {
    return { ok: false, errors: [err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id')] }
  }
  if (rec.deletedAt !== null) {
    return { ok: false, errors: [err('ENTITY_IS_DELETED', 'entity is deleted')] }
  }
  const errors: DmlError[] = []
  const rest = Object.fromEntries(Object.entries(body).filter(([k]) => k.toLowerCase() !== 'id'))
  const values = convertFields(org, def, rest, 'update', errors)
  const cleared = Object.entries(values).filter(([name, v]) =>
    v === null && !def.fieldsByName.get(name.toLowerCase())!.nillable
  )
    .map(([name]) => name)
  if (cleared.length > 0) {
    errors.push(
      err(
        'REQUIRED_FIELD_MISSING',
        `Required fields are missing: [${cleared.join(', ')}]`,
        cleared,
      ),
    )
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, id, values }
}

export function planDelete(org: OrgData, def: SObjectDef | null, rawId: string): Planned {
  const id = normalizeId(rawId)
  const rec = id ? (def ? org.get(def.name, id) : org.find(id)) : undefined
  if (!id) return { ok: false, errors: [err('MALFORMED_ID', `malformed id ${rawId}`)] }
  if (!rec) {
    return { ok: false, errors: [err('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id')] }
  }
  if (rec.deletedAt !== null) {
    return { ok: false, errors: [err('ENTITY_IS_DELETED', 'entity is deleted')] }
  }
  if (rec.type === 'User') {
    return { ok: false, errors: [err('INVALID_OPERATION', 'User records cannot be deleted')] }
  }
  return { ok: true, id: rec.id, values: {} }
}

export function commitCreate(
  org: OrgData,
  def: SObjectDef,
  values: Record<string, unknown>,
  opts: WriteOptions,
): string {
  return org.insert(def.name, values, opts).id
}

export function commitUpdate(
  org: OrgData,
  def: SObjectDef,
  id: string,
  values: Record<string, unknown>,
  opts: WriteOptions,
) {
  org.update(def.name, id, values, opts)
}

/** Deleting an Account also sends its Contacts to the Recycle Bin, as Salesforce does. */
export function commitDelete(org: OrgData, id: string, opts: WriteOptions): void {
  const rec = org.find(id)!
  org.softDelete(rec.type, rec.id, opts)
  if (rec.type === 'Account') {
    for (const c of [...org.visible('Contact')]) {
      if (c.values.AccountId === rec.id && c.deletedAt === null) {
        org.softDelete('Contact', c.id, opts)
      }
    }
  }
}

function convertFields(
  org: OrgData,
  def: SObjectDef,
  body: Record<string, unknown>,
  mode: 'create' | 'update',
  errors: DmlError[],
): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  const readOnly: string[] = []
  for (const [key, raw] of Object.entries(body)) {
    if (key === 'attributes' || (mode === 'create' && key.toLowerCase() === 'id')) continue
    const f = def.fieldsByName.get(key.toLowerCase())
    if (!f) {
      errors.push(
        err('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`, [key]),
      )
      continue
    }
    if (mode === 'create' ? !f.createable : !f.updateable) {
      readOnly.push(f.name)
      continue
    }
    const converted = convertValue(org, f, raw)
    if (converted instanceof Error) {
      errors.push(converted.cause as DmlError)
      continue
    }
    values[f.name] = converted
  }
  if (readOnly.length > 0) {
    errors.push(
      err(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${
          readOnly.join(', ')
        }. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        readOnly,
      ),
    )
  }
  return values
}

function convertValue(org: OrgData, f: FieldDef, raw: unknown): unknown {
  const fail = (statusCode: string, message: string) =>
    new Error(message, { cause: err(statusCode, message, [f.name]) })
  const parseError = () =>
    fail(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of ${f.type} from ${typeof raw} value ${
        String(raw)
      } or request may be missing a required field`,
    )
  if (raw === null || raw === '' && f.type !== 'boolean') return null
  switch (f.type) {
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'picklist':
    case 'multipicklist':
    case 'email': {
      if (typeof raw === 'object') return parseError()
      const text = String(raw)
      if (f.length > 0 && text.length > f.length) {
        return fail(
          'STRING_TOO_LONG',
          `${f.label}: data value too large: ${text} (max length=${f.length})`,
        )
      }
      if (f.type === 'email' && !EMAIL.test(text)) {
        return fail('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${text}`)
      }
      return text
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw
      if (raw === 'true' || raw === 'false') return raw === 'true'
      return parseError()
    case 'int':
    case 'double':
    case 'currency':
    case 'percent': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : NaN
      if (!Number.isFinite(n)) return parseError()
      return f.type === 'int' ? Math.trunc(n) : n
    }
    case 'date':
      if (typeof raw !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(raw)) return parseError()
      return raw.slice(0, 10)
    case 'datetime': {
      const ms = typeof raw === 'string'
        ? parseDateTimeInput(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
        : null
      if (ms === null) return parseError()
      return ms
    }
    case 'reference': {
      const id = typeof raw === 'string' ? normalizeId(raw) : null
      // A polymorphic lookup (Task.WhoId: Contact or Lead) takes an id of any of its targets.
      const target = f.referenceTo.find((t) => id?.startsWith(org.table(t).def.keyPrefix))
      if (!id || !target) {
        return fail('MALFORMED_ID', `${f.label}: id value of incorrect type: ${String(raw)}`)
      }
      const parent = org.get(target, id)
      if (!parent || parent.deletedAt !== null) {
        return fail('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`)
      }
      return id
    }
    default:
      return parseError()
  }
}
