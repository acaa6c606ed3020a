// `npm run openapi`: writes the merged OpenAPI document of every function (openapi.json) and the
// typed client's types generated from it (client/api.d.ts). Tests regenerate both in memory and
// fail when the committed files differ: run this after changing a route.
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  type OpenApiDocument,
  openApiDocument,
} from '../supabase/functions/_shared/http/openapi/document.ts'
import { discoverFunctions } from './local/gateway.ts'

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..')
export const documentPath = join(repoRoot, 'openapi.json')
export const typesPath = join(repoRoot, 'client', 'api.d.ts')

// Generated, so formatting and linting it would only fight the generator.
const typesHeader = '// deno-fmt-ignore-file\n// deno-lint-ignore-file\n'

/** The document of every function under `functionsDir`, as one file. */
export async function buildDocument(
  functionsDir = join(repoRoot, 'supabase', 'functions'),
): Promise<OpenApiDocument> {
  const apps = []
  for (const name of await discoverFunctions(functionsDir)) {
    const module = await import(pathToFileURL(join(functionsDir, name, 'app.ts')).href)
    apps.push({ name, app: module.app })
  }
  return openApiDocument(apps)
}

/** The document as the committed file holds it. */
export function documentText(document: OpenApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`
}

/** TypeScript types of `documentFile`'s paths, by openapi-typescript (run with Node, from npm). */
export async function generateTypes(documentFile: string): Promise<string> {
  const bin = join(repoRoot, 'node_modules', 'openapi-typescript', 'bin', 'cli.js')
  const output = await new Deno.Command('node', {
    args: [bin, documentFile],
    stdout: 'piped',
    stderr: 'piped',
  }).output()
  if (!output.success) {
    throw new Error(`openapi-typescript failed: ${new TextDecoder().decode(output.stderr)}`)
  }
  return typesHeader + new TextDecoder().decode(output.stdout)
}

async function main(): Promise<void> {
  await Deno.writeTextFile(documentPath, documentText(await buildDocument()))
  await Deno.writeTextFile(typesPath, await generateTypes(documentPath))
  console.log(`wrote ${documentPath} and ${typesPath}`)
}

if (import.meta.main) await main()
