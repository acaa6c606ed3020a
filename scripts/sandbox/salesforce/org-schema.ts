// One org's schema: the standard sObjects plus its custom objects (`Foo__c`) and custom fields
// (`Bar__c`), field-level security per user, and when each object's metadata last changed.

import { toSecond } from './clock.ts'
import {
  audit,
  define,
  field,
  type FieldDef,
  type FieldType,
  ref,
  type SObjectDef,
  SOBJECTS,
  str,
} from './schema.ts'

/** A custom field as the control API defines it (Setup → Object Manager → Fields). */
export interface CustomFieldSpec {
  /** API name, ending in `__c`. */
  name: string
  type: CustomFieldType
  label?: string
  /** Text length (default 255; long text 32,768). */
  length?: number
  /** Required fields are not nillable (and cannot be hidden by field-level security). */
  required?: boolean
  picklistValues?: string[]
  /** For a lookup (`reference`): the object it points at; its relationship is `Bar__r`. */
  referenceTo?: string
  defaultValue?: unknown
}

/** The types a custom field can have (Salesforce's Text, Checkbox, Number, Lookup, ...). */
const CUSTOM_TYPES = [
  'string',
  'textarea',
  'email',
  'phone',
  'url',
  'picklist',
  'multipicklist',
  'boolean',
  'double',
  'currency',
  'percent',
  'date',
  'datetime',
  'reference',
] as const satisfies readonly FieldType[]

export type CustomFieldType = typeof CUSTOM_TYPES[number]

export interface CustomObjectSpec {
  /** API name, ending in `__c`. */
  name: string
  label?: string
  labelPlural?: string
  fields?: CustomFieldSpec[]
}

/** The schema as JSON, so a restarted sandbox keeps custom objects, fields and FLS. */
export interface SchemaSnapshot {
  objects: Array<{ name: string; label: string; labelPlural: string; keyPrefix: string }>
  fields: Array<{ object: string; spec: CustomFieldSpec }>
  /** Hidden fields: userIds null means hidden from every user. */
  hidden: Array<{ object: string; field: string; userIds: string[] | null }>
  modifiedAt: Record<string, number>
  globalModifiedAt: number
  prefixesUsed: number
}

/** What one user can see: the objects and, per object, only the fields FLS lets them read. */
export interface SchemaView {
  find(name: string): SObjectDef | undefined
  objects(): SObjectDef[]
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const CUSTOM_NAME = /^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/
/** Fields every user can read whatever the profile says (Salesforce refuses to hide them). */
const ALWAYS_VISIBLE = new Set([
  'id',
  'isdeleted',
  'createddate',
  'createdbyid',
  'lastmodifieddate',
  'lastmodifiedbyid',
  'systemmodstamp',
  'ownerid',
])

export class OrgSchema {
  /** Lower-cased name -> the full definition (every field, whoever asks). */
  readonly #defs = new Map<string, SObjectDef>()
  readonly #objects = new Map<
    string,
    { name: string; label: string; labelPlural: string; keyPrefix: string }
  >()
  /** Lower-cased object name -> its custom fields, in definition order. */
  readonly #fields = new Map<string, CustomFieldSpec[]>()
  /** Lower-cased object -> lower-cased field -> users it is hidden from (null: everyone). */
  readonly #hidden = new Map<string, Map<string, string[] | null>>()
  readonly #modifiedAt = new Map<string, number>()
  #globalModifiedAt: number
  #prefixesUsed = 0
  /** Bumped on every change, so per-user views know to rebuild. */
  #version = 0
  readonly #views = new Map<string, { version: number; defs: Map<string, SObjectDef> }>()

  constructor(createdAt: number) {
    this.#globalModifiedAt = toSecond(createdAt)
    for (const def of Object.values(SOBJECTS)) {
      this.#defs.set(def.name.toLowerCase(), def)
      this.#modifiedAt.set(def.name.toLowerCase(), this.#globalModifiedAt)
    }
  }

  /** The full definition of an object, case-insensitively, as the API resolves names. */
  find(name: string): SObjectDef | undefined {
    return this.#defs.get(name.toLowerCase())
  }

  objects(): SObjectDef[] {
    return [...this.#defs.values()]
  }

  /** When the object's metadata last changed (second precision, ms): describe's Last-Modified. */
  modifiedAt(name: string): number {
    return this.#modifiedAt.get(name.toLowerCase())!
  }

  /** When anything in the org's metadata last changed: describe global's Last-Modified. */
  get globalModifiedAt(): number {
    return this.#globalModifiedAt
  }

  defineObject(spec: CustomObjectSpec, at: number): SObjectDef {
    if (!CUSTOM_NAME.test(spec.name)) {
      throw new Error(`custom object name '${spec.name}' must be an API name ending in __c`)
    }
    const key = spec.name.toLowerCase()
    if (this.#defs.has(key)) throw new Error(`object '${spec.name}' already exists`)
    if (this.#prefixesUsed >= BASE62.length) throw new Error('no custom object key prefix left')
    const base = spec.name.slice(0, -3).replace(/_/g, ' ')
    this.#objects.set(key, {
      name: spec.name,
      label: spec.label ?? base,
      labelPlural: spec.labelPlural ?? `${spec.label ?? base}s`,
      // Custom objects get key prefixes of the form a0X, in the order they are created.
      keyPrefix: `a0${BASE62[this.#prefixesUsed++]}`,
    })
    this.#fields.set(key, [])
    this.#rebuild(key, at)
    for (const f of spec.fields ?? []) this.defineField(spec.name, f, at)
    return this.#defs.get(key)!
  }

  removeObject(name: string, at: number): SObjectDef {
    const def = this.#require(name)
    if (!def.custom) throw new Error(`standard object '${def.name}' cannot be deleted`)
    const key = def.name.toLowerCase()
    const referrers = this.objects().filter((o) =>
      o !== def && o.fields.some((f) => f.referenceTo.includes(def.name))
    )
    if (referrers.length > 0) {
      throw new Error(
        `'${def.name}' is referenced by ${
          referrers.map((o) => o.name).join(', ')
        }; delete those lookups first`,
      )
    }
    this.#defs.delete(key)
    this.#objects.delete(key)
    this.#fields.delete(key)
    this.#hidden.delete(key)
    this.#modifiedAt.delete(key)
    this.#touch(at)
    return def
  }

  defineField(object: string, spec: CustomFieldSpec, at: number): SObjectDef {
    const def = this.#require(object)
    if (!CUSTOM_NAME.test(spec.name)) {
      throw new Error(`custom field name '${spec.name}' must be an API name ending in __c`)
    }
    if (def.fieldsByName.has(spec.name.toLowerCase())) {
      throw new Error(`field '${spec.name}' already exists on ${def.name}`)
    }
    if (!(CUSTOM_TYPES as readonly string[]).includes(spec.type)) {
      throw new Error(`custom fields cannot be of type '${spec.type}'`)
    }
    let target: SObjectDef | undefined
    if (spec.type === 'reference') {
      target = spec.referenceTo ? this.find(spec.referenceTo) : undefined
      if (!target) throw new Error(`a lookup needs referenceTo naming an existing object`)
    }
    const key = def.name.toLowerCase()
    this.#fields.set(key, [...(this.#fields.get(key) ?? []), {
      ...spec,
      referenceTo: target?.name,
    }])
    this.#rebuild(key, at)
    // The parent gains a child relationship, so its describe changes too.
    if (target) this.#modifiedAt.set(target.name.toLowerCase(), toSecond(at))
    return this.#defs.get(key)!
  }

  /** Deletes a custom field: describe stops listing it and SOQL naming it is INVALID_FIELD. */
  removeField(object: string, name: string, at: number): { def: SObjectDef; field: FieldDef } {
    const def = this.#require(object)
    const f = def.fieldsByName.get(name.toLowerCase())
    if (!f) throw new Error(`no field '${name}' on ${def.name}`)
    if (!f.custom) throw new Error(`standard field '${def.name}.${f.name}' cannot be deleted`)
    const key = def.name.toLowerCase()
    this.#fields.set(key, this.#fields.get(key)!.filter((s) => s.name !== f.name))
    this.#hidden.get(key)?.delete(f.name.toLowerCase())
    this.#rebuild(key, at)
    if (f.referenceTo[0]) this.#modifiedAt.set(f.referenceTo[0].toLowerCase(), toSecond(at))
    return { def: this.#defs.get(key)!, field: f }
  }

  /**
   * Field-level security: hides a field from some users (or from everyone when `userIds` is
   * null), or shows it again. A hidden field is absent from describe and SOQL naming it is
   * INVALID_FIELD, for those users only (facts §5).
   */
  setFieldVisible(
    object: string,
    name: string,
    visible: boolean,
    userIds: string[] | null,
    at: number,
  ): void {
    const def = this.#require(object)
    const f = def.fieldsByName.get(name.toLowerCase())
    if (!f) throw new Error(`no field '${name}' on ${def.name}`)
    if (!visible && (ALWAYS_VISIBLE.has(f.name.toLowerCase()) || !f.nillable || f.nameField)) {
      throw new Error(`'${def.name}.${f.name}' is required or a system field and is always visible`)
    }
    const key = def.name.toLowerCase()
    const perObject = this.#hidden.get(key) ?? new Map<string, string[] | null>()
    this.#hidden.set(key, perObject)
    const fieldKey = f.name.toLowerCase()
    const current = perObject.get(fieldKey)
    if (visible) {
      if (userIds === null || current === null) perObject.delete(fieldKey)
      else if (current) {
        const rest = current.filter((u) => !userIds.includes(u))
        if (rest.length > 0) perObject.set(fieldKey, rest)
        else perObject.delete(fieldKey)
      }
    } else if (userIds === null || current === null) {
      perObject.set(fieldKey, null)
    } else {
      perObject.set(fieldKey, [...new Set([...(current ?? []), ...userIds])])
    }
    this.#modifiedAt.set(key, toSecond(at))
    this.#touch(at)
  }

  /** The schema as `userId` sees it, cached until the schema changes. */
  view(userId: string): SchemaView {
    let cached = this.#views.get(userId)
    if (!cached || cached.version !== this.#version) {
      const defs = new Map<string, SObjectDef>()
      for (const [key, def] of this.#defs) {
        const hidden = this.#hidden.get(key)
        const hides = (f: FieldDef) => {
          if (!hidden?.has(f.name.toLowerCase())) return false
          const users = hidden.get(f.name.toLowerCase())
          return users === null || users!.includes(userId)
        }
        defs.set(
          key,
          def.fields.some(hides)
            ? define(
              def.name,
              def.keyPrefix,
              def.fields.filter((f) => !hides(f)),
              def.labelPlural,
              def.deletable,
              def.label,
            )
            : def,
        )
      }
      cached = { version: this.#version, defs }
      this.#views.set(userId, cached)
    }
    const defs = cached.defs
    return { find: (name) => defs.get(name.toLowerCase()), objects: () => [...defs.values()] }
  }

  snapshot(): SchemaSnapshot {
    return {
      objects: [...this.#objects.values()].map((o) => ({ ...o })),
      fields: [...this.#fields].flatMap(([key, specs]) =>
        specs.map((spec) => ({ object: this.#defs.get(key)!.name, spec }))
      ),
      hidden: [...this.#hidden].flatMap(([key, fields]) =>
        [...fields].map(([f, userIds]) => ({
          object: this.#defs.get(key)!.name,
          field: this.#defs.get(key)!.fieldsByName.get(f)!.name,
          userIds,
        }))
      ),
      modifiedAt: Object.fromEntries(this.#modifiedAt),
      globalModifiedAt: this.#globalModifiedAt,
      prefixesUsed: this.#prefixesUsed,
    }
  }

  static restore(snapshot: SchemaSnapshot, createdAt: number): OrgSchema {
    const schema = new OrgSchema(createdAt)
    for (const o of snapshot.objects) {
      const key = o.name.toLowerCase()
      schema.#objects.set(key, { ...o })
      schema.#fields.set(key, [])
      schema.#rebuild(key, createdAt)
    }
    // Lookups may point at objects defined later, so fields come after every object.
    for (const { object, spec } of snapshot.fields) {
      const key = object.toLowerCase()
      schema.#fields.set(key, [...(schema.#fields.get(key) ?? []), spec])
    }
    for (const key of schema.#fields.keys()) schema.#rebuild(key, createdAt)
    for (const h of snapshot.hidden) {
      schema.setFieldVisible(h.object, h.field, false, h.userIds, createdAt)
    }
    schema.#modifiedAt.clear()
    for (const [k, v] of Object.entries(snapshot.modifiedAt)) schema.#modifiedAt.set(k, v)
    schema.#globalModifiedAt = snapshot.globalModifiedAt
    schema.#prefixesUsed = snapshot.prefixesUsed
    return schema
  }

  #require(name: string): SObjectDef {
    const def = this.find(name)
    if (!def) throw new Error(`unknown sObject type '${name}'`)
    return def
  }

  #touch(at: number): void {
    this.#globalModifiedAt = Math.max(this.#globalModifiedAt, toSecond(at))
    this.#version++
  }

  /** Rebuilds one object's definition from its base fields and its custom fields. */
  #rebuild(key: string, at: number): void {
    const custom = this.#objects.get(key)
    const base = custom ? customObjectFields(custom.name) : SOBJECTS[this.#standardName(key)].fields
    const standard = custom ?? SOBJECTS[this.#standardName(key)]
    const extra = (this.#fields.get(key) ?? []).map(customField)
    const def = extra.length === 0 && !custom ? SOBJECTS[standard.name] : define(
      standard.name,
      standard.keyPrefix,
      [...base, ...extra],
      standard.labelPlural,
      custom ? true : SOBJECTS[standard.name].deletable,
      standard.label,
    )
    this.#defs.set(key, def)
    this.#modifiedAt.set(key, toSecond(at))
    this.#touch(at)
  }

  #standardName(key: string): string {
    const name = Object.keys(SOBJECTS).find((n) => n.toLowerCase() === key)
    if (!name) throw new Error(`unknown sObject type '${key}'`)
    return name
  }
}

/** The fields every custom object has: Id, Name, owner, IsDeleted and the audit fields. */
function customObjectFields(name: string): FieldDef[] {
  return [
    field({
      name: 'Id',
      type: 'id',
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    ref('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    field({
      name: 'IsDeleted',
      type: 'boolean',
      createable: false,
      updateable: false,
      nillable: false,
      defaultedOnCreate: true,
    }),
    str('Name', 80, { nillable: false, nameField: true, label: `${name.slice(0, -3)} Name` }),
    ...audit(),
  ]
}

function customField(spec: CustomFieldSpec): FieldDef {
  const text = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist']
  const length = spec.length ??
    (spec.type === 'textarea'
      ? 32768
      : spec.type === 'reference'
      ? 18
      : text.includes(spec.type)
      ? 255
      : 0)
  return field({
    name: spec.name,
    type: spec.type,
    label: spec.label ?? spec.name.slice(0, -3).replace(/_/g, ' '),
    length,
    nillable: spec.type === 'boolean' ? false : !spec.required,
    defaultedOnCreate: spec.type === 'boolean',
    picklistValues: spec.picklistValues ?? [],
    referenceTo: spec.referenceTo ? [spec.referenceTo] : [],
    relationshipName: spec.type === 'reference' ? spec.name.replace(/__c$/, '__r') : null,
    defaultValue: spec.defaultValue ?? (spec.type === 'boolean' ? false : null),
    custom: true,
  })
}
