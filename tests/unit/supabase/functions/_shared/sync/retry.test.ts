import assert from 'node:assert/strict'
import {
  type Budget,
  BudgetExhaustedError,
  createBudget,
} from '../../../../../../supabase/functions/_shared/sync/budget.ts'
import {
  backoffMs,
  type RetryVerdict,
  withRetry,
} from '../../../../../../supabase/functions/_shared/sync/retry.ts'

const policy = { attempts: 5, baseMs: 10, maxMs: 80 }

async function withBudget<T>(ms: number, run: (budget: Budget) => Promise<T>): Promise<T> {
  const budget = createBudget(ms)
  try {
    return await run(budget)
  } finally {
    budget.dispose()
  }
}

/** An attempt that fails `failures` times with `error`, then answers 'ok'. */
function flaky(failures: number, error: unknown = new Error('flaky')) {
  let calls = 0
  const attempt = () => {
    calls++
    return calls <= failures ? Promise.reject(error) : Promise.resolve('ok')
  }
  return { attempt, calls: () => calls }
}

const always = (): RetryVerdict => ({ retry: true })

Deno.test('backoffMs: doubles per attempt, with half of it random, up to the cap', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffMs(n, policy, () => 0)), [5, 10, 20, 40, 40])
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffMs(n, policy, () => 1)), [10, 20, 40, 80, 80])
  for (let n = 0; n < 50; n++) {
    const wait = backoffMs(3, policy)
    assert.ok(wait >= 40 && wait <= 80, `${wait}`)
  }
  assert.equal(backoffMs(2000, policy, () => 1), 80, 'a huge attempt number stays at the cap')
})

Deno.test('withRetry: retries a transient failure until it succeeds', async () => {
  const { attempt, calls } = flaky(3)
  const retries: number[] = []
  const result = await withBudget(5_000, (budget) =>
    withRetry(attempt, {
      ...policy,
      budget,
      classify: always,
      onRetry: (_error, n) => retries.push(n),
    }))
  assert.equal(result, 'ok')
  assert.equal(calls(), 4)
  assert.deepEqual(retries, [1, 2, 3])
})

Deno.test('withRetry: an error not worth retrying is thrown at once', async () => {
  const fatal = new Error('fatal')
  const { attempt, calls } = flaky(1, fatal)
  await withBudget(5_000, async (budget) => {
    await assert.rejects(
      withRetry(attempt, { ...policy, budget, classify: () => ({ retry: false }) }),
      (error) => error === fatal,
    )
  })
  assert.equal(calls(), 1)
})

Deno.test('withRetry: gives up with the last error when the attempts are spent', async () => {
  const { attempt, calls } = flaky(10)
  await withBudget(5_000, async (budget) => {
    await assert.rejects(withRetry(attempt, { ...policy, budget, classify: always }), /flaky/)
  })
  assert.equal(calls(), 5)
})

Deno.test('withRetry: waits at least what the server asked (Retry-After)', async () => {
  const { attempt } = flaky(1)
  const waits: number[] = []
  const started = performance.now()
  await withBudget(5_000, (budget) =>
    withRetry(attempt, {
      ...policy,
      budget,
      classify: () => ({ retry: true, afterMs: 150 }),
      onRetry: (_error, _n, waitMs) => waits.push(waitMs),
    }))
  assert.deepEqual(waits, [150])
  assert.ok(performance.now() - started >= 145)
})

Deno.test('withRetry: does not start a wait that would end past the budget', async () => {
  const { attempt, calls } = flaky(5)
  await withBudget(100, async (budget) => {
    await assert.rejects(
      withRetry(attempt, { ...policy, budget, classify: () => ({ retry: true, afterMs: 500 }) }),
      /flaky/,
    )
  })
  assert.equal(calls(), 1)
})

Deno.test('withRetry: an attempt cut by the budget deadline is BudgetExhaustedError', async () => {
  await withBudget(30, async (budget) => {
    const hang = () =>
      new Promise<string>((_resolve, reject) => {
        budget.signal.addEventListener('abort', () => reject(new Error('aborted')))
      })
    await assert.rejects(
      withRetry(hang, { ...policy, budget, classify: always }),
      (error) => error instanceof BudgetExhaustedError,
    )
  })
})

Deno.test('withRetry: its own signal stops the retries, even mid-wait, and the budget goes on', async () => {
  await withBudget(10_000, async (budget) => {
    const stop = new AbortController()
    const { attempt, calls } = flaky(10)
    const started = performance.now()
    const retrying = withRetry(attempt, {
      ...policy,
      budget,
      signal: stop.signal,
      classify: () => ({ retry: true, afterMs: 5_000 }),
      onRetry: () => stop.abort(),
    })
    await assert.rejects(retrying, (error) => !(error instanceof BudgetExhaustedError))
    assert.ok(performance.now() - started < 5_000, 'the wait ended with the signal')
    assert.equal(calls(), 1)
    assert.equal(budget.expired(), false)
  })
})
