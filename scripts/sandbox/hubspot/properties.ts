// The properties of contacts and companies (the Properties API's "describe"): names, types, which
// are read-only, unique or returned by default (facts §3, §4.1).

import type { ObjectType } from './state.ts'

export type PropertyType = 'string' | 'number' | 'datetime' | 'enumeration' | 'phone_number'

export interface PropertyDef {
  name: string
  label: string
  type: PropertyType
  fieldType: string
  groupName: string
  hasUniqueValue?: boolean
  readOnly?: boolean
  options?: Array<{ label: string; value: string }>
}

const system = (name: string, label: string, type: PropertyType): PropertyDef => ({
  name,
  label,
  type,
  fieldType: type === 'datetime' ? 'date' : type === 'number' ? 'number' : 'text',
  groupName: 'system',
  readOnly: true,
})
const text = (name: string, label: string, groupName: string, fieldType = 'text'): PropertyDef => ({
  name,
  label,
  type: fieldType === 'phonenumber' ? 'phone_number' : 'string',
  fieldType,
  groupName,
})

export const PROPERTIES: Record<ObjectType, PropertyDef[]> = {
  contacts: [
    { ...text('email', 'Email', 'contactinformation'), hasUniqueValue: true },
    text('firstname', 'First Name', 'contactinformation'),
    text('lastname', 'Last Name', 'contactinformation'),
    text('phone', 'Phone Number', 'contactinformation', 'phonenumber'),
    text('jobtitle', 'Job Title', 'contactinformation'),
    text('company', 'Company Name', 'contactinformation'),
    text('city', 'City', 'contactinformation'),
    text('country', 'Country/Region', 'contactinformation'),
    // The contact's primary company (HubSpot keeps it with the association).
    {
      name: 'associatedcompanyid',
      label: 'Primary Associated Company ID',
      type: 'number',
      fieldType: 'number',
      groupName: 'contactinformation',
    },
    system('hs_object_id', 'Record ID', 'number'),
    system('createdate', 'Create Date', 'datetime'),
    system('lastmodifieddate', 'Last Modified Date', 'datetime'),
    system('hs_lastmodifieddate', 'Object last modified date/time', 'datetime'),
    system('hs_merged_object_ids', 'Merged Record IDs', 'string'),
  ],
  companies: [
    text('name', 'Company name', 'companyinformation'),
    text('domain', 'Company Domain Name', 'companyinformation'),
    text('city', 'City', 'companyinformation'),
    text('country', 'Country/Region', 'companyinformation'),
    text('phone', 'Phone Number', 'companyinformation', 'phonenumber'),
    {
      name: 'industry',
      label: 'Industry',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'companyinformation',
      options: ['COMPUTER_SOFTWARE', 'RETAIL', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE'].map((
        v,
      ) => ({ label: v.toLowerCase().replaceAll('_', ' '), value: v })),
    },
    system('hs_object_id', 'Record ID', 'number'),
    system('createdate', 'Create Date', 'datetime'),
    system('hs_lastmodifieddate', 'Last Modified Date', 'datetime'),
    system('hs_merged_object_ids', 'Merged Record IDs', 'string'),
  ],
}

/** Returned when a request names no properties (facts §4.1). */
export const DEFAULT_PROPERTIES: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
}

const byName = Object.fromEntries(
  (Object.keys(PROPERTIES) as ObjectType[]).map((t) => [
    t,
    new Map(PROPERTIES[t].map((p) => [p.name, p])),
  ]),
) as Record<ObjectType, Map<string, PropertyDef>>

export function propertyDef(type: ObjectType, name: string): PropertyDef | undefined {
  return byName[type].get(name)
}

/** A property as the Properties API returns it. */
export function describeProperty(p: PropertyDef, createdAt: string) {
  return {
    name: p.name,
    label: p.label,
    type: p.type,
    fieldType: p.fieldType,
    description: '',
    groupName: p.groupName,
    options: p.options ?? [],
    displayOrder: -1,
    calculated: false,
    externalOptions: false,
    hasUniqueValue: p.hasUniqueValue ?? false,
    hidden: false,
    hubspotDefined: true,
    modificationMetadata: {
      archivable: !p.readOnly,
      readOnlyDefinition: true,
      readOnlyValue: p.readOnly ?? false,
    },
    formField: !p.readOnly,
    archived: false,
    createdAt,
    updatedAt: createdAt,
  }
}
