// The provider platform's layering (issue 10): no file outside providers/<name>/ imports a
// provider folder (the registry's one line per provider excepted), and no provider folder
// imports another. Read from the real import graph (`deno info --json`), type imports included.
import assert from 'node:assert/strict'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..', '..')
const functionsDir = join(repoRoot, 'supabase', 'functions')
/** The one file allowed to import provider folders, and only their index.ts. */
const registry = '_shared/providers/registry.ts'

/** module path (relative to supabase/functions) → the local modules it imports. */
export type ImportGraph = Map<string, string[]>

/** `_shared/providers/<name>/...` → `<name>`; anything else → undefined. */
function providerFolder(path: string): string | undefined {
  return /^_shared\/providers\/([^/]+)\//.exec(path)?.[1]
}

/** Every import that breaks the layering, as `importer -> imported`. */
export function layeringViolations(graph: ImportGraph): string[] {
  const violations: string[] = []
  for (const [importer, imports] of graph) {
    const own = providerFolder(importer)
    for (const imported of imports) {
      const target = providerFolder(imported)
      if (target === undefined || target === own) continue
      const registryLine = importer === registry &&
        imported === `_shared/providers/${target}/index.ts`
      if (!registryLine) violations.push(`${importer} -> ${imported}`)
    }
  }
  return violations.sort()
}

async function tsFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name)
    if (entry.isDirectory) files.push(...await tsFiles(path))
    else if (entry.name.endsWith('.ts')) files.push(path)
  }
  return files
}

/** The import graph of every module under supabase/functions, from one `deno info` run. */
async function importGraph(): Promise<ImportGraph> {
  const files = await tsFiles(functionsDir)
  const root = await Deno.makeTempFile({ suffix: '.ts' })
  try {
    await Deno.writeTextFile(
      root,
      files.map((file) => `import type {} from '${pathToFileURL(file).href}'\n`).join(''),
    )
    const output = await new Deno.Command(Deno.execPath(), {
      args: ['info', '--json', root],
      cwd: repoRoot,
      stdout: 'piped',
      stderr: 'piped',
    }).output()
    assert.ok(output.success, new TextDecoder().decode(output.stderr))
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as {
      modules: {
        specifier: string
        dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[]
      }[]
    }
    const local = (specifier: string | undefined) =>
      specifier?.startsWith('file://') &&
        fileURLToPath(specifier).startsWith(functionsDir + '/')
        ? relative(functionsDir, fileURLToPath(specifier))
        : undefined
    const graph: ImportGraph = new Map()
    for (const module of info.modules) {
      const from = local(module.specifier)
      if (!from) continue
      const imports = (module.dependencies ?? []).flatMap((dependency) =>
        [dependency.code?.specifier, dependency.type?.specifier].map(local).filter((path) =>
          path !== undefined
        )
      )
      graph.set(from, imports as string[])
    }
    assert.equal(graph.size, files.length, 'every module is in the graph')
    return graph
  } finally {
    await Deno.remove(root)
  }
}

Deno.test('layering: nothing outside providers/<name>/ imports a provider folder, nor one provider another', async () => {
  const graph = await importGraph()
  assert.ok(graph.get(registry)?.includes('_shared/providers/salesforce/index.ts'))
  assert.deepEqual(layeringViolations(graph), [])
})

Deno.test('layering: the check catches what it forbids', () => {
  const graph: ImportGraph = new Map([
    [registry, ['_shared/providers/salesforce/index.ts', '_shared/providers/types.ts']],
    ['_shared/sync/sources.ts', ['_shared/providers/salesforce/contact-sync.ts']],
    ['_shared/providers/hubspot/hooks.ts', ['_shared/providers/salesforce/soql.ts']],
    ['_shared/providers/hubspot/spec.ts', ['_shared/providers/hubspot/hooks.ts']],
    ['_shared/contacts/browse-remote.ts', ['_shared/providers/registry.ts']],
    ['_shared/providers/urls.ts', ['_shared/providers/salesforce/hooks.ts']],
  ])
  assert.deepEqual(layeringViolations(graph), [
    '_shared/providers/hubspot/hooks.ts -> _shared/providers/salesforce/soql.ts',
    '_shared/providers/urls.ts -> _shared/providers/salesforce/hooks.ts',
    '_shared/sync/sources.ts -> _shared/providers/salesforce/contact-sync.ts',
  ])
})
