import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** Reads a YAML (.yaml, .yml) or JSON (.json) file, chosen by its extension; errors name the file. */
export function readStructuredFile(file: string, what: string): unknown {
  const extension = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(extension)) {
    throw new Error(`${what} file ${file}: expected a .yaml, .yml or .json file, got "${extension || 'no extension'}"`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} file ${file}: ${(error as Error).message}`);
  }
  try {
    return extension === '.json' ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new Error(`${what} file ${file} is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
}

/** Validates with a zod schema; the error lists every problem as `where: path.to.field: message`. */
export function validate<T extends z.ZodType>(schema: T, input: unknown, what: string, where: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new Error(`invalid ${what}:\n${problems.join('\n')}`);
}
