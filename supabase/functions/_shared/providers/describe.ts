// What a provider's describe hook answers, provider-neutral: the objects a connected account
// exposes and one object's fields, each field saying whether the sync can store it. Salesforce
// answers from describe global and sObject describe; HubSpot would answer from its schemas and
// properties APIs. The objects module caches the answers per integration.

/** The object keys that have a table of their own; every other object lands in crm_records. */
export type OwnObjectKey = 'contact' | 'account' | 'lead'

/** One object the connected account exposes. */
export interface DescribedObject {
  /** The provider's API name (`Account`, `Foo__c`). */
  name: string
  label: string
  custom: boolean
  /** Whether the sync can read it (Salesforce: queryable and replicateable). */
  syncable: boolean
}

/** Why the sync cannot store a field's value. */
export type UnstorableReason = 'compound' | 'unsupported_type'

/** One field of an object, as the connected user may read it (hidden fields are absent). */
export interface DescribedField {
  /** The provider's API name (`Email`, `Bar__c`). */
  name: string
  label: string
  /** The provider's own type name (`string`, `address`, `base64`, ...). */
  type: string
  custom: boolean
  nillable: boolean
  /** The compound field this one is a part of (MailingStreet → MailingAddress), else null. */
  compoundFieldName: string | null
  /** Null when the sync can store the value; otherwise why not. */
  unstorable: UnstorableReason | null
}

/**
 * A describe answer: the body with its validators, or "not modified" when the provider
 * confirmed the copy we hold (a conditional request answered 304).
 */
export type Described<T> =
  | { modified: true; body: T; lastModified: Date | null; etag: string | null }
  | { modified: false }

/** Validators of the copy we hold, for a conditional request. */
export interface DescribeValidators {
  lastModified: Date | null
  etag: string | null
}

/** A provider's describe: each call is one API request (none when the provider is not asked). */
export interface ProviderDescribe {
  /** The provider's API name of each object with a table of its own (Salesforce: Contact ...). */
  ownObjects: Readonly<Partial<Record<OwnObjectKey, string>>>
  /**
   * False when the sync stores no field beyond its own columns (HubSpot for now): a field mapping
   * that names a field is refused. Unset: mappings are checked against the fields.
   */
  mapsFields?: boolean
  /** The objects the account exposes. */
  objects(
    integrationId: string,
    validators: DescribeValidators | null,
  ): Promise<Described<DescribedObject[]>>
  /** One object's fields; undefined when the account has no such object (or may not see it). */
  fields(
    integrationId: string,
    object: string,
    validators: DescribeValidators | null,
  ): Promise<Described<DescribedField[]> | undefined>
}
