// Objects beyond Contact: custom objects and fields from the control API, describe with
// If-Modified-Since, field-level security, compound fields, Task/Event, Account renames.

import assert from 'node:assert/strict'
import { createSalesforceSandbox } from '../../scripts/sandbox/salesforce/sandbox.ts'
import { api, login, soql, withSandbox } from './support/sandbox.ts'

const json = (body: unknown, method = 'POST') => ({ method, body: JSON.stringify(body) })
type Named = { name: string }

const NO_SUCH_COLUMN = (field: string, object: string) =>
  `No such column '${field}' on entity '${object}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`

Deno.test('a custom object from the control API is described, queried, created and replicated like a standard one', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const foo = sb.control.defineObject(org.orgId, {
      name: 'Foo__c',
      label: 'Foo',
      fields: [
        { name: 'Bar__c', type: 'string', length: 40 },
        { name: 'Amount__c', type: 'currency' },
        { name: 'Account__c', type: 'reference', referenceTo: 'Account' },
      ],
    })
    assert.equal(foo.keyPrefix, 'a00')
    const global = (await api(t, '/sobjects')).body.sobjects
    const summary = global.find((s: Named) => s.name === 'Foo__c')
    assert.deepEqual([summary.custom, summary.keyPrefix, summary.labelPlural], [
      true,
      'a00',
      'Foos',
    ])
    assert.equal(global.find((s: Named) => s.name === 'Contact').custom, false)

    const describe = (await api(t, '/sobjects/Foo__c/describe')).body
    const field = (name: string) => describe.fields.find((f: Named) => f.name === name)
    assert.deepEqual(
      describe.fields.map((f: Named) => f.name),
      [
        'Id',
        'OwnerId',
        'IsDeleted',
        'Name',
        'CreatedDate',
        'CreatedById',
        'LastModifiedDate',
        'LastModifiedById',
        'SystemModstamp',
        'Bar__c',
        'Amount__c',
        'Account__c',
      ],
    )
    assert.deepEqual([field('Bar__c').custom, field('Bar__c').length], [true, 40])
    assert.deepEqual([field('Name').custom, field('Name').nameField], [false, true])
    assert.deepEqual(
      [field('Account__c').referenceTo, field('Account__c').relationshipName],
      [['Account'], 'Account__r'],
    )
    // The parent gains the child relationship.
    const account = (await api(t, '/sobjects/Account/describe')).body
    assert.ok(
      account.childRelationships.some((r: { childSObject: string; relationshipName: string }) =>
        r.childSObject === 'Foo__c' && r.relationshipName === 'Foos__r'
      ),
    )

    const [accountId] = sb.control.listIds(org.orgId, 'Account')
    const accountName = sb.control.getRecord(org.orgId, 'Account', accountId)!.Name
    const created = await api(
      t,
      '/sobjects/Foo__c',
      json({ Name: 'First', Bar__c: 'x', Amount__c: 12.5, Account__c: accountId }),
    )
    assert.equal(created.status, 201)
    assert.match(created.body.id, /^a00[A-Za-z0-9]{15}$/)
    const missingName = await api(t, '/sobjects/Foo__c', json({ Bar__c: 'y' }))
    assert.equal(missingName.body[0].errorCode, 'REQUIRED_FIELD_MISSING')
    const ids = sb.control.insertRecords(
      org.orgId,
      'Foo__c',
      Array.from({ length: 30 }, (_, i) => ({ Name: `Foo ${i}`, Bar__c: `b${i}` })),
      { systemModstamp: '2026-03-02T09:00:00Z' },
    )

    const q = await soql(
      t,
      'SELECT Id, Name, Bar__c, Account__r.Name, SystemModstamp FROM Foo__c ORDER BY SystemModstamp, Id',
    )
    assert.equal(q.status, 200)
    assert.equal(q.body.totalSize, 31)
    // The 30 share one stamp (a bulk load); the API-created one is newer and comes last.
    assert.deepEqual(q.body.records.slice(0, 30).map((r: { Id: string }) => r.Id), [...ids].sort())
    const last = q.body.records[30]
    assert.deepEqual(last.attributes, {
      type: 'Foo__c',
      url: `/services/data/v59.0/sobjects/Foo__c/${created.body.id}`,
    })
    assert.equal(last.Account__r.Name, accountName)
    assert.equal(q.body.records[0].Account__r, null)

    // Deletes: hidden from query, IsDeleted in queryAll, listed by getDeleted; getUpdated sees edits.
    sb.control.advanceClock(120_000)
    sb.control.deleteRecords(org.orgId, 'Foo__c', [ids[0]])
    sb.control.updateRecords(org.orgId, 'Foo__c', [{ Id: ids[1], Bar__c: 'edited' }])
    sb.control.advanceClock(120_000)
    const live = await soql(t, 'SELECT COUNT() FROM Foo__c')
    assert.equal(live.body.totalSize, 30)
    const all = await soql(t, `SELECT Id, IsDeleted FROM Foo__c WHERE Id = '${ids[0]}'`, true)
    assert.deepEqual(all.body.records.map((r: { IsDeleted: boolean }) => r.IsDeleted), [true])
    const window = `start=${encodeURIComponent('2026-03-02T10:00:00+00:00')}&end=${
      encodeURIComponent('2026-03-02T10:10:00+00:00')
    }`
    const deleted = await api(t, `/sobjects/Foo__c/deleted/?${window}`)
    assert.deepEqual(deleted.body.deletedRecords.map((d: { id: string }) => d.id), [ids[0]])
    const updated = await api(t, `/sobjects/Foo__c/updated/?${window}`)
    assert.deepEqual(updated.body.ids.sort(), [created.body.id, ids[1]].sort())
  }, { contacts: 20 })
})

Deno.test('removing a custom field makes SOQL naming it INVALID_FIELD and erases its values', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.defineField(org.orgId, 'Contact', {
      name: 'Tier__c',
      type: 'picklist',
      picklistValues: ['Gold', 'Silver'],
    })
    const [id] = sb.control.listIds(org.orgId, 'Contact')
    const before = sb.control.getRecord(org.orgId, 'Contact', id)!.SystemModstamp
    sb.control.updateRecords(org.orgId, 'Contact', [{ Id: id, Tier__c: 'Gold' }])
    const ok = await soql(t, `SELECT Id, Tier__c FROM Contact WHERE Tier__c = 'Gold'`)
    assert.deepEqual(ok.body.records.map((r: { Id: string }) => r.Id), [id])
    const stamp = sb.control.getRecord(org.orgId, 'Contact', id)!.SystemModstamp
    assert.notEqual(stamp, before)

    sb.control.advanceClock(60_000)
    sb.control.removeField(org.orgId, 'Contact', 'Tier__c')
    const gone = await soql(t, 'SELECT Id, Tier__c FROM Contact')
    assert.equal(gone.status, 400)
    assert.deepEqual(gone.body, [{
      message: `\nSELECT Id, Tier__c FROM Contact\n           ^\nERROR at Row:1:Column:12\n${
        NO_SUCH_COLUMN('Tier__c', 'Contact')
      }`,
      errorCode: 'INVALID_FIELD',
    }])
    const describe = (await api(t, '/sobjects/Contact/describe')).body
    assert.ok(!describe.fields.some((f: Named) => f.name === 'Tier__c'))
    // Deleting a field is metadata: records keep their stamps, so no sync sees them as edited.
    assert.equal(sb.control.getRecord(org.orgId, 'Contact', id)!.SystemModstamp, stamp)
    // A new field of the same name starts empty.
    sb.control.defineField(org.orgId, 'Contact', { name: 'Tier__c', type: 'string' })
    const again = await soql(t, `SELECT Tier__c FROM Contact WHERE Id = '${id}'`)
    assert.equal(again.body.records[0].Tier__c, null)
    // A checkbox added later reads as its default on existing records.
    sb.control.defineField(org.orgId, 'Contact', { name: 'Vip__c', type: 'boolean' })
    const flag = await soql(t, `SELECT Vip__c FROM Contact WHERE Id = '${id}'`)
    assert.equal(flag.body.records[0].Vip__c, false)

    assert.throws(() => sb.control.removeField(org.orgId, 'Contact', 'Email'), /standard field/)
    assert.throws(
      () => sb.control.defineField(org.orgId, 'Contact', { name: 'NoSuffix', type: 'string' }),
      /ending in __c/,
    )
    assert.throws(
      () => sb.control.defineField(org.orgId, 'Contact', { name: 'Vip__c', type: 'string' }),
      /already exists/,
    )
  }, { contacts: 5 })
})

Deno.test('removing a custom object makes SOQL on it INVALID_TYPE; a lookup to it blocks removal', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    sb.control.defineObject(org.orgId, { name: 'Gone__c' })
    sb.control.defineObject(org.orgId, {
      name: 'Child__c',
      fields: [{ name: 'Gone__c', type: 'reference', referenceTo: 'Gone__c' }],
    })
    assert.throws(() => sb.control.removeObject(org.orgId, 'Gone__c'), /referenced by Child__c/)
    sb.control.removeField(org.orgId, 'Child__c', 'Gone__c')
    sb.control.removeObject(org.orgId, 'Gone__c')
    const res = await soql(t, 'SELECT Id FROM Gone__c')
    assert.equal(res.body[0].errorCode, 'INVALID_TYPE')
    assert.match(res.body[0].message, /sObject type 'Gone__c' is not supported/)
    assert.equal((await api(t, '/sobjects/Gone__c/describe')).status, 404)
    // An object defined again under the same name starts empty, ordered queries included.
    sb.control.defineObject(org.orgId, { name: 'Again__c' })
    sb.control.insertRecords(org.orgId, 'Again__c', [{ Name: 'old' }])
    const ordered = 'SELECT Name FROM Again__c ORDER BY SystemModstamp, Id'
    assert.equal((await soql(t, ordered)).body.totalSize, 1)
    sb.control.removeObject(org.orgId, 'Again__c')
    sb.control.defineObject(org.orgId, { name: 'Again__c' })
    sb.control.insertRecords(org.orgId, 'Again__c', [{ Name: 'new' }])
    assert.deepEqual((await soql(t, ordered)).body.records.map((r: { Name: string }) => r.Name), [
      'new',
    ])
    assert.throws(() => sb.control.removeObject(org.orgId, 'Contact'), /standard object/)
  }, { contacts: 0 })
})

Deno.test('describe answers If-Modified-Since with 304 until the metadata changes, and logs the call', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const first = await api(t, '/sobjects/Contact/describe')
    const lastModified = first.headers.get('last-modified')!
    assert.match(lastModified, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
    const globalFirst = await api(t, '/sobjects')
    const globalModified = globalFirst.headers.get('last-modified')!

    const seq = sb.control.lastRequestSeq()
    const cached = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': lastModified },
    })
    assert.equal(cached.status, 304)
    assert.equal(cached.body, null)
    assert.equal(cached.headers.get('last-modified'), lastModified)
    const global304 = await api(t, '/sobjects', {
      headers: { 'if-modified-since': globalModified },
    })
    assert.equal(global304.status, 304)
    // An older date, or one that is no date at all, gets the full describe.
    const older = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': 'Mon, 02 Mar 2020 10:00:00 GMT' },
    })
    assert.equal(older.status, 200)
    const garbage = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': 'yesterday' },
    })
    assert.equal(garbage.status, 200)
    assert.deepEqual(
      sb.control.requests({ sinceSeq: seq }).map((r) => [r.endpoint, r.status, r.counted]),
      [
        ['sobject.describe', 304, true],
        ['sobjects.describeGlobal', 304, true],
        ['sobject.describe', 200, true],
        ['sobject.describe', 200, true],
      ],
    )

    // A field on Lead changes Lead and the global list, not Contact's describe.
    sb.control.advanceClock(5_000)
    sb.control.defineField(org.orgId, 'Lead', { name: 'Score__c', type: 'double' })
    const contactStill = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': lastModified },
    })
    assert.equal(contactStill.status, 304)
    const globalNow = await api(t, '/sobjects', {
      headers: { 'if-modified-since': globalModified },
    })
    assert.equal(globalNow.status, 200)
    // A field on Contact, or hiding one of its fields, changes Contact's describe.
    sb.control.defineField(org.orgId, 'Contact', { name: 'Score__c', type: 'double' })
    const changed = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': lastModified },
    })
    assert.equal(changed.status, 200)
    assert.ok(changed.body.fields.some((f: Named) => f.name === 'Score__c'))
    const newer = changed.headers.get('last-modified')!
    assert.ok(Date.parse(newer) > Date.parse(lastModified))
    sb.control.advanceClock(5_000)
    sb.control.setFieldVisible(org.orgId, 'Contact', 'Title', false)
    const afterFls = await api(t, '/sobjects/Contact/describe', {
      headers: { 'if-modified-since': newer },
    })
    assert.equal(afterFls.status, 200)
  }, { contacts: 0 })
})

Deno.test('field-level security: a hidden field is absent from describe and refused in SOQL for that user only', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org) // the admin
    const other = org.users.find((u) => u.id !== org.user.id)!
    sb.control.setFieldVisible(org.orgId, 'Contact', 'Title', false, { userIds: [other.id] })
    assert.equal((await soql(t, 'SELECT Title FROM Contact')).status, 200)
    const asOther = await login(org, 'api refresh_token', other.username)
    assert.equal(
      (await soql(asOther, 'SELECT Title FROM Contact')).body[0].errorCode,
      'INVALID_FIELD',
    )
    const otherDescribe = (await api(asOther, '/sobjects/Contact/describe')).body
    assert.ok(!otherDescribe.fields.some((f: Named) => f.name === 'Title'))
    assert.ok(
      (await api(t, '/sobjects/Contact/describe')).body.fields.some((f: Named) =>
        f.name === 'Title'
      ),
    )

    sb.control.setFieldVisible(org.orgId, 'Contact', 'Title', false)
    sb.control.setFieldVisible(org.orgId, 'Account', 'Website', false)
    const describe = (await api(t, '/sobjects/Contact/describe')).body
    assert.ok(!describe.fields.some((f: Named) => f.name === 'Title'))
    assert.ok(describe.fields.some((f: Named) => f.name === 'Department'))
    const hidden = await soql(t, 'SELECT Id, Title FROM Contact')
    assert.equal(hidden.status, 400)
    assert.equal(hidden.body[0].errorCode, 'INVALID_FIELD')
    assert.match(hidden.body[0].message, /No such column 'Title' on entity 'Contact'/)
    const throughParent = await soql(t, 'SELECT Id, Account.Website FROM Contact')
    assert.match(throughParent.body[0].message, /No such column 'Website' on entity 'Account'/)
    const [id] = sb.control.listIds(org.orgId, 'Contact')
    const read = await api(t, `/sobjects/Contact/${id}?fields=Id,Title`)
    assert.equal(read.body[0].errorCode, 'INVALID_FIELD')
    const write = await api(t, `/sobjects/Contact/${id}`, json({ Title: 'CEO' }, 'PATCH'))
    assert.equal(write.body[0].errorCode, 'INVALID_FIELD')
    // The record itself is untouched: the field is hidden, not gone.
    assert.notEqual(sb.control.getRecord(org.orgId, 'Contact', id)!.Title, undefined)

    sb.control.setFieldVisible(org.orgId, 'Contact', 'Title', true)
    assert.equal((await soql(t, 'SELECT Title FROM Contact')).status, 200)
    // Required and system fields cannot be hidden.
    for (const field of ['LastName', 'Id', 'SystemModstamp']) {
      assert.throws(
        () => sb.control.setFieldVisible(org.orgId, 'Contact', field, false),
        /always visible/,
      )
    }
  }, { contacts: 5 })
})

Deno.test('compound fields are described as compound: Name and the addresses with their parts', async () => {
  await withSandbox(async (_sb, org) => {
    const t = await login(org)
    for (const object of ['Contact', 'Lead']) {
      const fields = (await api(t, `/sobjects/${object}/describe`)).body.fields
      const field = (name: string) => fields.find((f: Named) => f.name === name)
      for (const part of ['Salutation', 'FirstName', 'LastName']) {
        assert.equal(field(part).compoundFieldName, 'Name', `${object}.${part}`)
      }
      assert.deepEqual(
        [field('Name').type, field('Name').createable, field('Name').nameField],
        ['string', false, true],
      )
    }
    const contact = (await api(t, '/sobjects/Contact/describe')).body.fields
    const field = (name: string) => contact.find((f: Named) => f.name === name)
    assert.equal(field('MailingAddress').type, 'address')
    assert.equal(field('MailingStreet').compoundFieldName, 'MailingAddress')
    assert.equal(field('OtherCity').compoundFieldName, 'OtherAddress')
  }, { contacts: 0 })
})

Deno.test('Task and Event: described, created with polymorphic Who/What, defaults, deletes and archiving', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const names = (await api(t, '/sobjects')).body.sobjects.map((s: Named) => s.name)
    assert.ok(names.includes('Task') && names.includes('Event'))
    const task = (await api(t, '/sobjects/Task/describe')).body
    assert.equal(task.keyPrefix, '00T')
    const who = task.fields.find((f: Named) => f.name === 'WhoId')
    assert.deepEqual([who.referenceTo, who.polymorphicForeignKey], [['Contact', 'Lead'], true])
    const status = task.fields.find((f: Named) => f.name === 'Status')
    assert.deepEqual(
      status.picklistValues.filter((p: { defaultValue: boolean }) => p.defaultValue).map((
        p: { value: string },
      ) => p.value),
      ['Not Started'],
    )

    const [contactId] = sb.control.listIds(org.orgId, 'Contact')
    const [accountId] = sb.control.listIds(org.orgId, 'Account')
    const [leadId] = sb.control.insertRecords(org.orgId, 'Lead', [{
      LastName: 'Lee',
      Company: 'L',
    }])
    const call = await api(
      t,
      '/sobjects/Task',
      json({ Subject: 'Call', WhoId: contactId, WhatId: accountId, ActivityDate: '2026-03-03' }),
    )
    assert.equal(call.status, 201)
    assert.match(call.body.id, /^00T/)
    const onLead = await api(t, '/sobjects/Task', json({ Subject: 'Email', WhoId: leadId }))
    assert.equal(onLead.status, 201)
    const wrong = await api(t, '/sobjects/Task', json({ Subject: 'x', WhoId: accountId }))
    assert.equal(wrong.body[0].errorCode, 'MALFORMED_ID')
    const meeting = await api(
      t,
      '/sobjects/Event',
      json({
        Subject: 'Meeting',
        WhoId: contactId,
        StartDateTime: '2026-03-04T09:00:00.000+0000',
        EndDateTime: '2026-03-04T10:00:00.000+0000',
      }),
    )
    assert.equal(meeting.status, 201)
    assert.match(meeting.body.id, /^00U/)

    const tasks = await soql(
      t,
      'SELECT Id, Subject, WhoId, WhatId, Status, Priority, IsArchived FROM Task ORDER BY Subject',
    )
    assert.deepEqual(
      tasks.body.records.map((
        r: Record<string, unknown>,
      ) => [r.Subject, r.WhoId, r.Status, r.Priority]),
      [['Call', contactId, 'Not Started', 'Normal'], ['Email', leadId, 'Not Started', 'Normal']],
    )
    const event = await soql(t, 'SELECT StartDateTime, ShowAs, IsAllDayEvent FROM Event')
    assert.deepEqual(event.body.records[0].StartDateTime, '2026-03-04T09:00:00.000+0000')
    assert.deepEqual([event.body.records[0].ShowAs, event.body.records[0].IsAllDayEvent], [
      'Busy',
      false,
    ])
    const walk = await soql(t, 'SELECT Who.Name FROM Task')
    assert.equal(walk.body[0].errorCode, 'INVALID_FIELD')

    sb.control.advanceClock(60_000)
    sb.control.deleteRecords(org.orgId, 'Task', [call.body.id])
    sb.control.advanceClock(60_000)
    assert.equal((await soql(t, 'SELECT COUNT() FROM Task')).body.totalSize, 1)
    assert.equal(
      (await soql(t, 'SELECT Id FROM Task WHERE IsDeleted = true', true)).body.totalSize,
      1,
    )
    const deleted = await api(
      t,
      `/sobjects/Task/deleted/?start=${encodeURIComponent('2026-03-02T10:00:00+00:00')}&end=${
        encodeURIComponent('2026-03-02T10:05:00+00:00')
      }`,
    )
    assert.deepEqual(deleted.body.deletedRecords.map((d: { id: string }) => d.id), [call.body.id])

    // Archived activities leave query but stay in queryAll, with their stamps.
    const stamp = sb.control.getRecord(org.orgId, 'Task', onLead.body.id)!.SystemModstamp
    sb.control.archiveActivities(org.orgId, 'Task', [onLead.body.id])
    assert.equal((await soql(t, 'SELECT COUNT() FROM Task')).body.totalSize, 0)
    const archived = await soql(
      t,
      'SELECT Id, IsArchived, SystemModstamp FROM Task WHERE IsArchived = true',
      true,
    )
    assert.deepEqual(
      archived.body.records.map((r: Record<string, unknown>) => [r.Id, r.SystemModstamp]),
      [[onLead.body.id, stamp]],
    )
  }, { contacts: 3 })
})

Deno.test('an Account rename shows in Contact.Account.Name without touching the contacts; deleting it cascades', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const [accountId] = sb.control.listIds(org.orgId, 'Account')
    const children = async () =>
      (await soql(
        t,
        `SELECT Id, Account.Name, SystemModstamp FROM Contact WHERE AccountId = '${accountId}' ORDER BY Id`,
      )).body.records as Array<{ Id: string; Account: { Name: string }; SystemModstamp: string }>
    const before = await children()
    assert.ok(before.length > 0)
    sb.control.advanceClock(60_000)
    sb.control.updateRecords(org.orgId, 'Account', [{ Id: accountId, Name: 'Renamed Inc' }])
    const after = await children()
    assert.deepEqual(after.map((c) => c.Account.Name), after.map(() => 'Renamed Inc'))
    // The contacts' stamps do not move: a Contact-only sync never sees the rename.
    assert.deepEqual(after.map((c) => c.SystemModstamp), before.map((c) => c.SystemModstamp))
    const account = await soql(
      t,
      `SELECT Name, SystemModstamp FROM Account WHERE Id = '${accountId}'`,
    )
    assert.equal(account.body.records[0].Name, 'Renamed Inc')
    assert.ok(account.body.records[0].SystemModstamp > before[0].SystemModstamp)

    sb.control.deleteRecords(org.orgId, 'Account', [accountId])
    assert.equal((await children()).length, 0)
    const gone = await soql(
      t,
      `SELECT Id, IsDeleted FROM Contact WHERE AccountId = '${accountId}'`,
      true,
    )
    assert.deepEqual(
      gone.body.records.map((r: { IsDeleted: boolean }) => r.IsDeleted),
      before.map(() => true),
    )
  }, { contacts: 30 })
})

Deno.test('the control API over HTTP defines, hides and removes objects and fields', async () => {
  await withSandbox(async (sb, org) => {
    const t = await login(org)
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${sb.url}/__sandbox/orgs/${org.orgId}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json() }
    }
    const created = await control('POST', '/objects', {
      name: 'Widget__c',
      fields: [{ name: 'Size__c', type: 'double' }],
    })
    assert.equal(created.status, 200)
    assert.equal(created.body.keyPrefix, 'a00')
    const field = await control('POST', '/objects/Widget__c/fields', {
      name: 'Color__c',
      type: 'string',
    })
    assert.ok(field.body.fields.some((f: Named) => f.name === 'Color__c'))
    assert.equal((await soql(t, 'SELECT Size__c, Color__c FROM Widget__c')).status, 200)
    await control('POST', '/objects/Widget__c/fields/Color__c/visibility', { visible: false })
    assert.equal((await soql(t, 'SELECT Color__c FROM Widget__c')).status, 400)
    await control('POST', '/objects/Widget__c/fields/Color__c/visibility', { visible: true })
    assert.equal((await soql(t, 'SELECT Color__c FROM Widget__c')).status, 200)
    await control('DELETE', '/objects/Widget__c/fields/Size__c')
    assert.equal((await soql(t, 'SELECT Size__c FROM Widget__c')).status, 400)
    const bad = await control('POST', '/objects', { name: 'NoSuffix' })
    assert.equal(bad.status, 400)
    assert.match(bad.body.error, /ending in __c/)
    await control('DELETE', '/objects/Widget__c')
    assert.equal((await soql(t, 'SELECT Id FROM Widget__c')).status, 400)
  }, { contacts: 0 })
})

Deno.test('custom objects, fields and field-level security survive a snapshot and restore', () => {
  const first = createSalesforceSandbox({ now: '2026-03-02T10:00:00Z', autoApprove: true })
  const org = first.control.createOrg({ name: 'Acme', myDomain: 'acme', contacts: 3 })
  first.control.defineObject(org.orgId, {
    name: 'Foo__c',
    fields: [{ name: 'Account__c', type: 'reference', referenceTo: 'Account' }],
  })
  first.control.defineObject(org.orgId, { name: 'Bar__c' })
  first.control.defineField(org.orgId, 'Contact', { name: 'Tier__c', type: 'string' })
  first.control.setFieldVisible(org.orgId, 'Contact', 'Title', false)
  const [fooId] = first.control.insertRecords(org.orgId, 'Foo__c', [{ Name: 'kept' }])
  const snapshot = JSON.parse(JSON.stringify(first.snapshot()))
  first.close()

  const second = createSalesforceSandbox({ restore: snapshot })
  try {
    assert.equal(second.control.getRecord(org.orgId, 'Foo__c', fooId)!.Name, 'kept')
    const [barId] = second.control.insertRecords(org.orgId, 'Bar__c', [{ Name: 'new' }])
    assert.match(barId, /^a01/)
    const [nextFoo] = second.control.insertRecords(org.orgId, 'Foo__c', [{ Name: 'next' }])
    assert.notEqual(nextFoo, fooId)
    const [third] = second.control.listOrgs().map((o) => o.orgId)
    assert.equal(third, org.orgId)
    assert.throws(
      () => second.control.defineField(org.orgId, 'Contact', { name: 'Tier__c', type: 'string' }),
      /already exists/,
    )
    const next = second.control.defineObject(org.orgId, { name: 'Baz__c' })
    assert.equal(next.keyPrefix, 'a02')
    assert.deepEqual(second.snapshot().state.orgs[0].data.schema!.hidden, [
      { object: 'Contact', field: 'Title', userIds: null },
    ])
  } finally {
    second.close()
  }
})
