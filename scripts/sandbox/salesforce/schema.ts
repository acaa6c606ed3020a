// The standard sObjects the sandbox knows (Account, Contact, Lead, Task, Event, User): fields, types
// and relationships. Custom objects and fields are per org (org-schema.ts).

export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'reference'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'address'
  | 'percent'
  | 'multipicklist'

export interface FieldDef {
  name: string
  label: string
  type: FieldType
  length: number
  nillable: boolean
  createable: boolean
  updateable: boolean
  filterable: boolean
  sortable: boolean
  calculated: boolean
  defaultedOnCreate: boolean
  nameField: boolean
  referenceTo: string[]
  relationshipName: string | null
  compoundFieldName: string | null
  picklistValues: string[]
  /** Value a create gets when the field is not given (a picklist's default entry, a checkbox's). */
  defaultValue: unknown
  /** A custom field (`Bar__c`), defined per org through the control API. */
  custom: boolean
}

export interface SObjectDef {
  name: string
  label: string
  labelPlural: string
  keyPrefix: string
  /** A custom object (`Foo__c`). */
  custom: boolean
  /** Whether records go to the Recycle Bin (User records are never deleted). */
  deletable: boolean
  fields: FieldDef[]
  /** Lower-cased field name -> field. */
  fieldsByName: Map<string, FieldDef>
  /** Lower-cased relationship name (e.g. `account`) -> its reference field. */
  relationships: Map<string, FieldDef>
}

type FieldSpec = Partial<FieldDef> & { name: string; type: FieldType }

export function field(spec: FieldSpec): FieldDef {
  const systemManaged = spec.type === 'id'
  const compound = spec.type === 'address'
  return {
    label: spec.name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/ Id$/, ' ID'),
    length: spec.type === 'id' || spec.type === 'reference' ? 18 : 0,
    nillable: true,
    createable: !systemManaged && !compound,
    updateable: !systemManaged && !compound,
    filterable: !compound,
    sortable: !compound && spec.type !== 'textarea',
    calculated: false,
    defaultedOnCreate: false,
    nameField: false,
    referenceTo: [],
    relationshipName: null,
    compoundFieldName: null,
    picklistValues: [],
    defaultValue: spec.type === 'boolean' ? false : null,
    custom: false,
    ...spec,
  }
}

const readOnly = { createable: false, updateable: false } as const
const system = { ...readOnly, nillable: false, defaultedOnCreate: true } as const

export function str(name: string, length: number, extra: Partial<FieldDef> = {}): FieldDef {
  return field({ name, type: 'string', length, ...extra })
}

export function ref(
  name: string,
  to: string,
  relationshipName: string,
  extra: Partial<FieldDef> = {},
) {
  return field({ name, type: 'reference', referenceTo: [to], relationshipName, ...extra })
}

export function audit(): FieldDef[] {
  return [
    field({ name: 'CreatedDate', type: 'datetime', ...system }),
    ref('CreatedById', 'User', 'CreatedBy', system),
    field({ name: 'LastModifiedDate', type: 'datetime', ...system }),
    ref('LastModifiedById', 'User', 'LastModifiedBy', system),
    field({ name: 'SystemModstamp', type: 'datetime', ...system }),
  ]
}

function deletion(self: string): FieldDef[] {
  return [
    field({ name: 'IsDeleted', type: 'boolean', ...system }),
    ref('MasterRecordId', self, 'MasterRecord', readOnly),
  ]
}

/** Street/City/... components plus the read-only compound address (facts §10.1). */
function address(prefix: string, compoundName = `${prefix}Address`): FieldDef[] {
  const part = (name: string, f: Partial<FieldDef> & { type: FieldType }) =>
    field({ name, compoundFieldName: compoundName, ...f })
  return [
    part(`${prefix}Street`, { type: 'textarea', length: 255 }),
    part(`${prefix}City`, { type: 'string', length: 40 }),
    part(`${prefix}State`, { type: 'string', length: 80 }),
    part(`${prefix}PostalCode`, { type: 'string', length: 20 }),
    part(`${prefix}Country`, { type: 'string', length: 80 }),
    part(`${prefix}Latitude`, { type: 'double' }),
    part(`${prefix}Longitude`, { type: 'double' }),
    part(`${prefix}GeocodeAccuracy`, {
      type: 'picklist',
      length: 40,
      picklistValues: ['Address', 'NearAddress', 'Block', 'Street', 'ExtendedZip', 'Zip', 'City'],
    }),
    field({ name: compoundName, type: 'address', ...readOnly }),
  ]
}

/** Salutation/FirstName/LastName and the read-only compound full `Name` they make up. */
function personName(): FieldDef[] {
  const part = { compoundFieldName: 'Name' }
  return [
    field({
      name: 'Salutation',
      type: 'picklist',
      length: 40,
      picklistValues: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'],
      ...part,
    }),
    str('FirstName', 40, part),
    str('LastName', 80, { nillable: false, ...part }),
    str('Name', 121, { ...readOnly, nillable: false, nameField: true }),
  ]
}

export function define(
  name: string,
  keyPrefix: string,
  fields: FieldDef[],
  labelPlural = `${name}s`,
  deletable = true,
  label = name,
): SObjectDef {
  const all = fields[0]?.name === 'Id'
    ? fields
    : [field({ name: 'Id', type: 'id', ...system }), ...fields]
  const fieldsByName = new Map(all.map((f) => [f.name.toLowerCase(), f]))
  const relationships = new Map(
    all.filter((f) => f.relationshipName).map((f) => [f.relationshipName!.toLowerCase(), f]),
  )
  return {
    name,
    label,
    labelPlural,
    keyPrefix,
    custom: name.endsWith('__c'),
    deletable,
    fields: all,
    fieldsByName,
    relationships,
  }
}

const leadSources = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other']
const industries = [
  'Agriculture',
  'Banking',
  'Biotechnology',
  'Consulting',
  'Education',
  'Energy',
  'Finance',
  'Healthcare',
  'Manufacturing',
  'Media',
  'Retail',
  'Technology',
  'Telecommunications',
  'Transportation',
]

/**
 * Fields Task and Event share (activities): the polymorphic Who (a Contact or Lead) and What
 * (an Account here), subject, owner, description. Polymorphic relationships cannot be walked in
 * the sandbox's SOQL (no `Who.Name`); select `WhoId`/`WhatId`.
 */
function activity(): FieldDef[] {
  return [
    field({ name: 'IsDeleted', type: 'boolean', ...system }),
    field({
      name: 'WhoId',
      type: 'reference',
      referenceTo: ['Contact', 'Lead'],
      relationshipName: 'Who',
    }),
    field({
      name: 'WhatId',
      type: 'reference',
      referenceTo: ['Account'],
      relationshipName: 'What',
    }),
    str('Subject', 255),
    field({ name: 'ActivityDate', type: 'date' }),
    field({ name: 'Description', type: 'textarea', length: 32000 }),
    ref('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    field({
      name: 'IsArchived',
      type: 'boolean',
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
    }),
  ]
}

export const SOBJECTS: Record<string, SObjectDef> = {
  Account: define('Account', '001', [
    ...deletion('Account'),
    str('Name', 255, { nillable: false, nameField: true }),
    field({
      name: 'Type',
      type: 'picklist',
      length: 255,
      picklistValues: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other'],
    }),
    ref('ParentId', 'Account', 'Parent'),
    ...address('Billing'),
    ...address('Shipping'),
    field({ name: 'Phone', type: 'phone', length: 40 }),
    field({ name: 'Website', type: 'url', length: 255 }),
    field({ name: 'Industry', type: 'picklist', length: 255, picklistValues: industries }),
    field({ name: 'AnnualRevenue', type: 'currency' }),
    field({ name: 'NumberOfEmployees', type: 'int' }),
    field({ name: 'Description', type: 'textarea', length: 32000 }),
    ref('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    ...audit(),
    field({ name: 'LastActivityDate', type: 'date', ...readOnly }),
  ]),
  Contact: define('Contact', '003', [
    ...deletion('Contact'),
    ref('AccountId', 'Account', 'Account'),
    ...personName(),
    ...address('Other'),
    ...address('Mailing'),
    field({ name: 'Phone', type: 'phone', length: 40 }),
    field({ name: 'MobilePhone', type: 'phone', length: 40 }),
    field({ name: 'HomePhone', type: 'phone', length: 40 }),
    field({ name: 'Email', type: 'email', length: 80 }),
    str('Title', 128),
    str('Department', 80),
    field({ name: 'LeadSource', type: 'picklist', length: 255, picklistValues: leadSources }),
    field({ name: 'Birthdate', type: 'date' }),
    field({ name: 'Description', type: 'textarea', length: 32000 }),
    ref('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    field({
      name: 'HasOptedOutOfEmail',
      type: 'boolean',
      nillable: false,
      defaultedOnCreate: true,
    }),
    field({ name: 'DoNotCall', type: 'boolean', nillable: false, defaultedOnCreate: true }),
    field({ name: 'IsEmailBounced', type: 'boolean', nillable: false, defaultedOnCreate: true }),
    ...audit(),
    field({ name: 'LastActivityDate', type: 'date', ...readOnly }),
  ]),
  Lead: define('Lead', '00Q', [
    ...deletion('Lead'),
    ...personName(),
    str('Title', 128),
    str('Company', 255, { nillable: false }),
    ...address('', 'Address'),
    field({ name: 'Phone', type: 'phone', length: 40 }),
    field({ name: 'MobilePhone', type: 'phone', length: 40 }),
    field({ name: 'Email', type: 'email', length: 80 }),
    field({ name: 'Website', type: 'url', length: 255 }),
    field({ name: 'Description', type: 'textarea', length: 32000 }),
    field({ name: 'LeadSource', type: 'picklist', length: 255, picklistValues: leadSources }),
    field({
      name: 'Status',
      type: 'picklist',
      length: 255,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'Open - Not Contacted',
      picklistValues: [
        'Open - Not Contacted',
        'Working - Contacted',
        'Closed - Converted',
        'Closed - Not Converted',
      ],
    }),
    field({ name: 'Industry', type: 'picklist', length: 255, picklistValues: industries }),
    field({
      name: 'Rating',
      type: 'picklist',
      length: 255,
      picklistValues: ['Hot', 'Warm', 'Cold'],
    }),
    field({ name: 'AnnualRevenue', type: 'currency' }),
    field({ name: 'NumberOfEmployees', type: 'int' }),
    ref('OwnerId', 'User', 'Owner', { nillable: false, defaultedOnCreate: true }),
    field({
      name: 'IsConverted',
      type: 'boolean',
      ...readOnly,
      nillable: false,
      defaultedOnCreate: true,
    }),
    field({ name: 'ConvertedDate', type: 'date', ...readOnly }),
    ref('ConvertedAccountId', 'Account', 'ConvertedAccount', readOnly),
    ref('ConvertedContactId', 'Contact', 'ConvertedContact', readOnly),
    ...audit(),
  ]),
  Task: define('Task', '00T', [
    ...activity(),
    field({
      name: 'Status',
      type: 'picklist',
      length: 255,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'Not Started',
      picklistValues: [
        'Not Started',
        'In Progress',
        'Completed',
        'Waiting on someone else',
        'Deferred',
      ],
    }),
    field({
      name: 'Priority',
      type: 'picklist',
      length: 40,
      nillable: false,
      defaultedOnCreate: true,
      defaultValue: 'Normal',
      picklistValues: ['High', 'Normal', 'Low'],
    }),
    field({
      name: 'TaskSubtype',
      type: 'picklist',
      length: 40,
      picklistValues: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call'],
    }),
    field({ name: 'CallDurationInSeconds', type: 'int' }),
    field({ name: 'CompletedDateTime', type: 'datetime', ...readOnly }),
    ...audit(),
  ]),
  Event: define('Event', '00U', [
    ...activity(),
    str('Location', 255),
    field({ name: 'IsAllDayEvent', type: 'boolean', nillable: false, defaultedOnCreate: true }),
    field({ name: 'ActivityDateTime', type: 'datetime' }),
    field({ name: 'StartDateTime', type: 'datetime' }),
    field({ name: 'EndDateTime', type: 'datetime' }),
    field({ name: 'DurationInMinutes', type: 'int' }),
    field({
      name: 'ShowAs',
      type: 'picklist',
      length: 40,
      defaultValue: 'Busy',
      defaultedOnCreate: true,
      picklistValues: ['Busy', 'OutOfOffice', 'Free'],
    }),
    field({ name: 'IsPrivate', type: 'boolean', nillable: false, defaultedOnCreate: true }),
    ...audit(),
  ]),
  User: define(
    'User',
    '005',
    [
      str('Username', 80, { nillable: false }),
      ...personName().filter((f) => f.name !== 'Salutation'),
      str('Alias', 8),
      field({ name: 'Email', type: 'email', length: 128, nillable: false }),
      str('CompanyName', 80),
      field({
        name: 'IsActive',
        type: 'boolean',
        nillable: false,
        defaultedOnCreate: true,
        defaultValue: true,
      }),
      str('TimeZoneSidKey', 40),
      str('LocaleSidKey', 40),
      str('LanguageLocaleKey', 40),
      ...audit(),
    ],
    'Users',
    false,
  ),
}

/** Builds the read-only compound values (Name, addresses) from their components. */
export function compoundValue(
  def: SObjectDef,
  f: FieldDef,
  get: (name: string) => unknown,
): unknown {
  if (f.type === 'address') {
    const prefix = f.name === 'Address' ? '' : f.name.slice(0, -'Address'.length)
    const parts = {
      city: get(`${prefix}City`),
      country: get(`${prefix}Country`),
      geocodeAccuracy: get(`${prefix}GeocodeAccuracy`),
      latitude: get(`${prefix}Latitude`),
      longitude: get(`${prefix}Longitude`),
      postalCode: get(`${prefix}PostalCode`),
      state: get(`${prefix}State`),
      street: get(`${prefix}Street`),
    }
    // An address with no component set is null, not an object of nulls.
    return Object.values(parts).every((v) => v === null || v === undefined) ? null : parts
  }
  if (f.name === 'Name' && def.fieldsByName.has('lastname')) {
    return [get('Salutation'), get('FirstName'), get('LastName')]
      .filter((v) => typeof v === 'string' && v !== '')
      .join(' ')
  }
  return undefined
}

/** Fields whose value is derived rather than stored. */
export function isCompound(def: SObjectDef, f: FieldDef): boolean {
  return f.type === 'address' || (f.name === 'Name' && def.fieldsByName.has('lastname'))
}
