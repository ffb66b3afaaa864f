#!/usr/bin/env node
// Prints the longest source files and functions of apps/*/src and packages/*/src (tests, test helpers and
// generated files left out), so reviews and the restructuring rules (files ≤ 300 lines, functions ≤ 60,
// React components ~150) can be checked at a glance.
//   node scripts/longest.mjs [--top N] [--check]
// --check exits 1 when a file passes 300 lines or a non-component function passes 60.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const LIMITS = { fileLines: 300, functionLines: 60, componentLines: 150 };
const root = fileURLToPath(new URL('..', import.meta.url));
const SKIP_DIRS = new Set(['node_modules', 'dist', 'test-support']);
const isSource = (name) =>
  /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.gen.ts');

function walk(dir, out) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(e.name)) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (isSource(e.name) && !e.name.endsWith('.contract.ts')) out.push(full);
  }
  return out;
}

/** The name a function is known by: its own, its variable's, its property's, or its class and method. */
function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) {
    const cls = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
    return cls + node.name.text;
  }
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && p.name) return p.name.getText();
  if (p && ts.isCallExpression(p)) return `(callback of ${p.expression.getText().slice(0, 40)})`;
  return '(anonymous)';
}

const containsJsx = (node) => {
  let found = false;
  const visit = (n) => {
    if (found) return;
    if (ts.isJsxElement(n) || ts.isJsxSelfClosingElement(n) || ts.isJsxFragment(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
};

/** Every file with its line count, and every function with its line count and whether it is a component. */
export function measure() {
  const files = ['apps', 'packages'].flatMap((top) =>
    readdirSync(join(root, top)).flatMap((pkg) => {
      try {
        return walk(join(root, top, pkg, 'src'), []);
      } catch {
        return [];
      }
    }),
  );
  const fileRows = [];
  const functionRows = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const path = relative(root, file);
    fileRows.push({ path, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) });
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
        const end = source.getLineAndCharacterOfPosition(node.end).line;
        const name = nameOf(node);
        const component = file.endsWith('.tsx') && /^[A-Z]/.test(name) && containsJsx(node.body);
        functionRows.push({ path: `${path}:${start + 1}`, name, lines: end - start + 1, component });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { files: fileRows, functions: functionRows };
}

function main() {
  const args = process.argv.slice(2);
  const top = Number(args[args.indexOf('--top') + 1]) || 15;
  const { files, functions } = measure();
  const print = (title, rows, limit) => {
    console.log(`\n${title} (limit ${limit})`);
    for (const r of rows.slice(0, top))
      console.log(
        `${String(r.lines).padStart(5)}  ${r.lines > limit ? '!' : ' '} ${r.path}${r.name ? `  ${r.name}` : ''}`,
      );
  };
  const byLines = (a, b) => b.lines - a.lines;
  print('Longest files', files.sort(byLines), LIMITS.fileLines);
  print('Longest functions', functions.filter((f) => !f.component).sort(byLines), LIMITS.functionLines);
  print(
    'Longest React components',
    functions.filter((f) => f.component).sort(byLines),
    LIMITS.componentLines,
  );
  const over = [
    ...files.filter((f) => f.lines > LIMITS.fileLines),
    ...functions.filter((f) => !f.component && f.lines > LIMITS.functionLines),
  ];
  console.log(`\n${files.length} files, ${functions.length} functions; ${over.length} over the limits`);
  if (args.includes('--check') && over.length) process.exit(1);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
