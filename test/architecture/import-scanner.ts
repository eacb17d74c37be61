import * as ts from 'typescript';

export interface FoundImport {
  /** What the file asks for, as written; null for a dynamic import/require of a non-literal. */
  specifier: string | null;
  line: number;
}

/**
 * The text with every comment replaced by spaces (newlines kept, so lines still match).
 * TypeScript's parser finds the comments, so `//` inside strings, templates and regex
 * literals is never mistaken for one.
 */
export function blankComments(text: string): string {
  const source = ts.createSourceFile('scan.ts', text, ts.ScriptTarget.Latest, true);
  const ranges = new Map<number, number>();
  const collect = (list: ts.CommentRange[] | undefined): void =>
    list?.forEach((r) => ranges.set(r.pos, r.end));
  const visit = (node: ts.Node): void => {
    collect(ts.getLeadingCommentRanges(text, node.getFullStart()));
    collect(ts.getTrailingCommentRanges(text, node.getEnd()));
    node.getChildren(source).forEach(visit);
  };
  visit(source);
  let out = text;
  for (const [pos, end] of ranges) {
    out = out.slice(0, pos) + out.slice(pos, end).replace(/[^\n]/g, ' ') + out.slice(end);
  }
  return out;
}

const STATIC =
  /\b(?:import|export)\s+(?:type\s+)?(?:(?:[\w$]+\s*,?\s*)?(?:\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})?\s*from\s*)?(['"])([^'"\n]+)\1/g;
const DYNAMIC = /\b(?:require|import)\s*\(\s*(?:(['"`])([^'"`\n]+)\1\s*\)|(?=[^'"`\s]))/g;

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/** Every `import … from`, `import '…'`, `export … from`, `require(…)` and `import(…)`. */
export function findImports(text: string): FoundImport[] {
  const code = blankComments(text);
  const found: FoundImport[] = [];
  for (const m of code.matchAll(STATIC)) {
    found.push({ specifier: m[2] ?? null, line: lineOf(code, m.index ?? 0) });
  }
  for (const m of code.matchAll(DYNAMIC)) {
    found.push({ specifier: m[2] ?? null, line: lineOf(code, m.index ?? 0) });
  }
  return found.sort((a, b) => a.line - b.line);
}

/** Lines (1-based) of `text`, comments blanked, where `pattern` matches. */
export function findUses(text: string, pattern: RegExp): number[] {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  const code = blankComments(text);
  return [...code.matchAll(global)].map((m) => lineOf(code, m.index ?? 0));
}
