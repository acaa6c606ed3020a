// Describe results: the global sObject list and DescribeSObjectResult with per-field metadata,
// as the calling user sees them, with Last-Modified / If-Modified-Since (304) support.

import type { SchemaView } from './org-schema.ts'
import type { FieldDef, SObjectDef } from './schema.ts'

function urls(def: SObjectDef, v: string): Record<string, string> {
  const base = `/services/data/v${v}/sobjects/${def.name}`
  return {
    sobject: base,
    describe: `${base}/describe`,
    rowTemplate: `${base}/{ID}`,
  }
}

function summary(def: SObjectDef, v: string): Record<string, unknown> {
  const dml = def.deletable
  return {
    activateable: false,
    createable: dml,
    custom: def.custom,
    customSetting: false,
    deepCloneable: false,
    deletable: dml,
    deprecatedAndHidden: false,
    feedEnabled: true,
    hasSubtypes: false,
    isInterface: false,
    isSubtype: false,
    keyPrefix: def.keyPrefix,
    label: def.label,
    labelPlural: def.labelPlural,
    layoutable: true,
    mergeable: dml,
    mruEnabled: true,
    name: def.name,
    queryable: true,
    replicateable: true,
    retrieveable: true,
    searchable: true,
    triggerable: true,
    undeletable: dml,
    updateable: true,
    urls: urls(def, v),
  }
}

export function describeGlobal(v: string, schema: SchemaView): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: schema.objects().map((def) => summary(def, v)),
  }
}

/** An HTTP date (`Wed, 03 Jul 2013 19:43:31 GMT`), the form Last-Modified and If-Modified-Since use. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString()
}

/**
 * Whether a conditional describe can be answered 304: the request's If-Modified-Since is at or
 * after the metadata's last change (both at second precision). An unparseable date is ignored,
 * as HTTP says, and the full describe is sent.
 */
export function notModifiedSince(req: Request, lastModified: number): boolean {
  const header = req.headers.get('if-modified-since')
  const since = header ? Date.parse(header) : NaN
  return Number.isFinite(since) && Math.floor(lastModified / 1000) <= Math.floor(since / 1000)
}

/** A child relationship's name: Contacts, Tasks, Events, or `<plural label>__r` for a custom lookup. */
function childRelationshipName(child: SObjectDef, f: FieldDef): string | null {
  if (f.custom) return `${child.labelPlural.replace(/[^A-Za-z0-9]/g, '')}__r`
  if (f.name === 'AccountId' && child.name === 'Contact') return 'Contacts'
  if (f.name === 'WhoId' || f.name === 'WhatId') return child.labelPlural
  return null
}

/** `GET /sobjects/<Type>`: basic info plus recent items. */
export function basicInfo(def: SObjectDef, v: string): Record<string, unknown> {
  return { objectDescribe: summary(def, v), recentItems: [] }
}

export function describeSObject(
  def: SObjectDef,
  v: string,
  schema: SchemaView,
): Record<string, unknown> {
  const childRelationships = schema.objects().flatMap((child) =>
    child.fields
      .filter((f) => f.referenceTo.includes(def.name) && child.name !== 'User')
      .map((f) => ({
        cascadeDelete: def.name === 'Account' && child.name === 'Contact' && f.name === 'AccountId',
        childSObject: child.name,
        deprecatedAndHidden: false,
        field: f.name,
        relationshipName: childRelationshipName(child, f),
        restrictedDelete: false,
      }))
  )
  return {
    ...summary(def, v),
    childRelationships,
    compactLayoutable: true,
    fields: def.fields.map(describeField),
    listviewable: null,
    lookupLayoutable: null,
    namedLayoutInfos: [],
    networkScopeFieldName: null,
    recordTypeInfos: [{
      active: true,
      available: true,
      defaultRecordTypeMapping: true,
      developerName: 'Master',
      master: true,
      name: 'Master',
      recordTypeId: '012000000000000AAA',
      urls: {
        layout: `/services/data/v${v}/sobjects/${def.name}/describe/layouts/012000000000000AAA`,
      },
    }],
    searchLayoutable: true,
    supportedScopes: [{ label: 'All ' + def.labelPlural.toLowerCase(), name: 'everything' }],
  }
}

const SOAP_TYPES: Record<FieldDef['type'], string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  email: 'xsd:string',
  phone: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
  address: 'urn:address',
  percent: 'xsd:double',
  multipicklist: 'xsd:string',
}

function describeField(f: FieldDef): Record<string, unknown> {
  const numeric = f.type === 'double' || f.type === 'currency' || f.type === 'percent'
  return {
    aggregatable: f.type !== 'textarea' && f.type !== 'address',
    autoNumber: false,
    byteLength: f.length * 3,
    calculated: false,
    calculatedFormula: null,
    cascadeDelete: false,
    caseSensitive: false,
    compoundFieldName: f.compoundFieldName,
    createable: f.createable,
    custom: f.custom,
    // Picklists name their default in picklistValues; a checkbox reports its default here.
    defaultValue: f.type === 'boolean' ? f.defaultValue : null,
    defaultedOnCreate: f.defaultedOnCreate,
    dependentPicklist: false,
    deprecatedAndHidden: false,
    digits: f.type === 'int' ? 9 : 0,
    externalId: false,
    filterable: f.filterable && !(f.type === 'textarea' && f.length > 255),
    groupable: f.type !== 'textarea' && f.type !== 'address' && !numeric,
    htmlFormatted: false,
    idLookup: f.type === 'id' || f.name === 'Email' || f.name === 'Username',
    label: f.label,
    length: f.length,
    name: f.name,
    nameField: f.nameField,
    nillable: f.nillable,
    permissionable: f.nillable && f.type !== 'id',
    picklistValues: f.picklistValues.map((value) => ({
      active: true,
      defaultValue: value === f.defaultValue,
      label: value,
      validFor: null,
      value,
    })),
    polymorphicForeignKey: f.referenceTo.length > 1,
    precision: f.type === 'currency' ? 18 : numeric ? 18 : 0,
    referenceTo: f.referenceTo,
    relationshipName: f.relationshipName,
    restrictedPicklist: false,
    scale: f.type === 'currency' ? 2 : f.type === 'double' ? 15 : 0,
    soapType: SOAP_TYPES[f.type],
    sortable: f.sortable && !(f.type === 'textarea' && f.length > 255),
    type: f.type,
    unique: f.type === 'id',
    updateable: f.updateable,
  }
}
