// The page after a Salesforce query page, for the reads that follow a locator.
import { ProviderError } from '../../http/errors.ts'
import type { QueryPage, SalesforceApi } from './api.ts'

/**
 * The next page of `page`, which is not `done`.
 *
 * @throws {ProviderError} 502 `salesforce_invalid_response` when Salesforce says more rows
 * follow but gives no locator.
 */
export async function nextQueryPage<R>(
  api: SalesforceApi,
  page: QueryPage<R>,
): Promise<QueryPage<R>> {
  if (!page.nextRecordsUrl) {
    throw new ProviderError('Salesforce said more rows follow but gave no locator', {
      code: 'salesforce_invalid_response',
    })
  }
  return await api.queryMore<R>(page.nextRecordsUrl)
}
