import assert from 'node:assert/strict'
import {
  BudgetExhaustedError,
  createBudget,
} from '../../../../../../supabase/functions/_shared/sync/budget.ts'

Deno.test('createBudget: counts down from its start and expires at the deadline', () => {
  let now = 1_000
  const budget = createBudget(500, undefined, () => now)
  try {
    assert.equal(budget.deadline, 1_500)
    assert.equal(budget.remainingMs(), 500)
    now = 1_400
    assert.deepEqual([budget.remainingMs(), budget.expired()], [100, false])
    now = 1_600
    assert.deepEqual([budget.remainingMs(), budget.expired()], [0, true])
  } finally {
    budget.dispose()
  }
})

Deno.test('createBudget: its signal aborts at the deadline with BudgetExhaustedError', async () => {
  const budget = createBudget(20)
  try {
    assert.equal(budget.signal.aborted, false)
    await new Promise((resolve) => budget.signal.addEventListener('abort', resolve))
    assert.ok(budget.signal.reason instanceof BudgetExhaustedError)
    assert.equal(budget.expired(), true)
  } finally {
    budget.dispose()
  }
})

Deno.test('createBudget: keeps a CPU estimate and says what is left of it', () => {
  const budget = createBudget(1_000, { budgetMs: 100, perRecordMs: 0.05, perRunMs: 5 })
  try {
    assert.equal(budget.cpuLeftMs(), 100)
    budget.spendCpu(budget.cpu.perRunMs)
    budget.spendCpu(1_000 * budget.cpu.perRecordMs)
    assert.equal(budget.cpuLeftMs(), 45)
    budget.spendCpu(60)
    assert.equal(budget.cpuLeftMs(), 0, 'never below zero')
  } finally {
    budget.dispose()
  }
})
