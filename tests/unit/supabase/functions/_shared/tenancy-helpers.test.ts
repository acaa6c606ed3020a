// The functions ask who belongs to a business, and with which role, only through the policies'
// helpers app.is_member/app.has_role: an app that redefines them over its own members table
// (README, "Bring your own tenancy") then needs no change to the functions.
import assert from 'node:assert/strict'
import { join, relative } from 'node:path'
import { repoRoot } from '../../../../../scripts/deploy/function-config.ts'

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name)
    if (entry.isDirectory) yield* sourceFiles(path)
    else if (entry.name.endsWith('.ts')) yield path
  }
}

Deno.test('no function reads public.team_members directly', async () => {
  const readers: string[] = []
  for await (const file of sourceFiles(join(repoRoot, 'supabase', 'functions'))) {
    const code = (await Deno.readTextFile(file)).replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, '')
    if (/\bteam_members\b/.test(code)) readers.push(relative(repoRoot, file))
  }
  assert.deepEqual(readers, [])
})
