import assert from 'node:assert/strict'
import {
  BudgetExhaustedError,
  createBudget,
  processCpuClock,
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

const costs = { budgetMs: 100, perRecordMs: 0.01, perRunMs: 5 }
const noClock = () => undefined

Deno.test('startRun: a run starts only with the CPU for its fixed cost and a first page', () => {
  const budget = createBudget(1_000, { ...costs, budgetMs: 90 }, Date.now, noClock)
  try {
    assert.equal(budget.cpuMeasured, false)
    // 5 + 2,000 × 0.01 = 25 each: three fit in 90, a fourth would not (their pages are in flight).
    const runs = [1, 2, 3].map(() => budget.startRun(2_000))
    assert.ok(runs.every(Boolean))
    assert.equal(budget.startRun(2_000), undefined, 'pages in flight of other runs count')
    runs[0]!.pageDone(10)
    assert.equal(budget.cpuSpentMs(), 15.1)
    assert.ok(budget.startRun(2_000), 'a stored page frees what it did not spend')
  } finally {
    budget.dispose()
  }
})

Deno.test('startRun: a page is reserved before it is fetched, and a run ending frees its own', () => {
  const budget = createBudget(1_000, costs, Date.now, noClock)
  try {
    const run = budget.startRun(2_000)!
    run.pageDone(2_000)
    assert.equal(budget.cpuSpentMs(), 25)
    const others = [budget.startRun(2_000)!, budget.startRun(2_000)!]
    assert.equal(run.reservePage(2_000), true)
    assert.equal(budget.startRun(2_000), undefined)
    run.end()
    assert.ok(budget.startRun(2_000), 'the ended run left nothing reserved')
    others.forEach((other) => other.end())
  } finally {
    budget.dispose()
  }
})

Deno.test('createBudget: a measured CPU above the estimate scales what work in flight reserves', () => {
  let cpuNow = 1_000
  const budget = createBudget(1_000, costs, Date.now, () => cpuNow)
  try {
    assert.equal(budget.cpuMeasured, true)
    const run = budget.startRun(2_000)!
    run.pageDone(2_000)
    // Estimated 25; the process measurably spent 50: this machine is twice as slow.
    cpuNow += 50
    assert.equal(budget.cpuSpentMs(), 50)
    assert.equal(run.reservePage(2_000), true, '50 spent + 20 × 2 reserved fits in 100')
    assert.equal(budget.cpuLeftMs(), 10)
    assert.equal(budget.startRun(2_000), undefined, 'another 25 × 2 does not')
  } finally {
    budget.dispose()
  }
})

Deno.test('processCpuClock: Deno measures this process (the edge runtime answers undefined)', () => {
  const clock = processCpuClock()
  const before = clock()!
  let x = 0
  for (let i = 0; i < 3_000_000; i++) x += Math.sqrt(i)
  assert.ok(x > 0)
  assert.ok(clock()! > before)
})
