// A Salesforce Contact as the REST API answers it, with every field the sync selects: the
// fixture the mapping tests (TypeScript and Postgres) start from.

/** One Contact record; `overrides` replace fields (a nested Account as a whole). */
export function contactRecord(overrides: Record<string, unknown> = {}) {
  return {
    attributes: {
      type: 'Contact',
      url: '/services/data/v62.0/sobjects/Contact/003RO0000035WQgYAM',
    },
    Id: '003RO0000035WQgYAM',
    FirstName: 'Zoë',
    LastName: "O'Brien",
    Email: 'zoe@example.test',
    Phone: null,
    MobilePhone: '+44 20 7946 0000',
    Title: 'CTO',
    Department: null,
    AccountId: '001D000000IRFmaIAH',
    Account: { attributes: { type: 'Account', url: '/x' }, Name: 'Acme' },
    OwnerId: '005D000000IRFmaIAH',
    MailingStreet: '1 Main St\nSuite 2',
    MailingCity: 'London',
    MailingState: null,
    MailingPostalCode: 'EC1A 1BB',
    MailingCountry: 'United Kingdom',
    LeadSource: null,
    HasOptedOutOfEmail: false,
    DoNotCall: false,
    MasterRecordId: null,
    CreatedDate: '2026-01-02T03:04:05.000+0000',
    LastModifiedDate: '2026-03-02T10:00:00.000+0000',
    SystemModstamp: '2026-03-02T10:00:05.000+0000',
    IsDeleted: false,
    ...overrides,
  }
}
