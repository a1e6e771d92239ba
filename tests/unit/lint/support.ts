import { fileURLToPath } from 'node:url'
import { ESLint, type Linter } from 'eslint'

const root = fileURLToPath(new URL('../../../', import.meta.url))

let eslint: ESLint | undefined

/** The errors the project's ESLint config reports for `code` as if it were the file at `filePath`. */
export async function lintErrors(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  eslint ??= new ESLint({ cwd: root })
  if (await eslint.isPathIgnored(filePath)) throw new Error(`${filePath} is ignored by lint`)
  const [result] = await eslint.lintText(code, { filePath })
  if (!result) throw new Error(`no lint result for ${filePath}`)
  const fatal = result.messages.filter((m) => m.fatal)
  if (fatal.length) throw new Error(`could not lint ${filePath}: ${fatal[0]!.message}`)
  return result.messages.filter((m) => m.severity === 2)
}
