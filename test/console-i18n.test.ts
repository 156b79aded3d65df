// The console's catalogues: every key in every language with the same placeholders, and no
// user-visible text written straight into a component.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { en, type Plural } from '../web/src/i18n/en.ts';
import { fr } from '../web/src/i18n/fr.ts';

const WEB_SRC = path.join(import.meta.dirname, '..', 'web', 'src');
/** Pages not yet moved to the catalogues; each one leaves this list when it is converted. */
const NOT_YET_TRANSLATED: string[] = [];
/** Attributes a person reads or hears. */
const TEXT_ATTRIBUTES = new Set([
  'aria-label',
  'title',
  'placeholder',
  'alt',
  'label',
  'submit',
  'cancelLabel',
]);

const catalogues: Record<string, Record<string, string | Plural>> = { en, fr };
const forms = (entry: string | Plural): string[] =>
  typeof entry === 'string' ? [entry] : [entry.one ?? '', entry.other].filter(Boolean);
const placeholders = (entry: string | Plural) =>
  [...new Set(forms(entry).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(full);
    return d.name.endsWith('.tsx') ? [full] : [];
  });
}

/** Literal words in JSX: text nodes, string children and string values of readable attributes. */
function literalTexts(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    ts.ScriptKind.TSX,
  );
  const found: string[] = [];
  const words = (text: string) => /\p{L}{2,}/u.test(text);
  const at = (node: ts.Node) =>
    `${path.relative(WEB_SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && words(node.text)) found.push(`${at(node)} text "${node.text.trim()}"`);
    if (
      ts.isJsxExpression(node) &&
      node.expression &&
      (ts.isStringLiteral(node.expression) || ts.isNoSubstitutionTemplateLiteral(node.expression)) &&
      ts.isJsxElement(node.parent) &&
      words(node.expression.text)
    )
      found.push(`${at(node)} child "${node.expression.text}"`);
    if (ts.isJsxAttribute(node) && TEXT_ATTRIBUTES.has(node.name.getText(source)) && node.initializer) {
      const init = node.initializer;
      const value = ts.isStringLiteral(init)
        ? init.text
        : ts.isJsxExpression(init) && init.expression && ts.isTemplateExpression(init.expression)
          ? init.expression.getText(source)
          : ts.isJsxExpression(init) && init.expression && ts.isStringLiteral(init.expression)
            ? init.expression.text
            : '';
      if (words(value.replace(/\$\{[^}]*\}/g, '')))
        found.push(`${at(node)} ${node.name.getText(source)}="${value}"`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('console catalogues', () => {
  it('have the same keys in every language', () => {
    const keys = Object.keys(en).sort();
    for (const [lang, catalogue] of Object.entries(catalogues)) {
      const own = Object.keys(catalogue).sort();
      assert.deepEqual(
        keys.filter((k) => !own.includes(k)),
        [],
        `keys missing in ${lang}`,
      );
      assert.deepEqual(
        own.filter((k) => !keys.includes(k)),
        [],
        `keys in ${lang} that English does not have`,
      );
    }
  });

  it('fill the same placeholders and plural forms in every language', () => {
    for (const [key, entry] of Object.entries(en)) {
      const other = (fr as Record<string, string | Plural>)[key];
      assert.deepEqual(placeholders(other), placeholders(entry), `placeholders of ${key} in fr`);
      assert.equal(typeof other, typeof entry, `${key} is a plural in one language only`);
      for (const text of forms(other)) assert.ok(text.trim(), `${key} is empty in fr`);
    }
  });

  it('hold every text of the translated components', () => {
    const files = sourceFiles(WEB_SRC).filter(
      (f) => !NOT_YET_TRANSLATED.some((p) => path.relative(WEB_SRC, f).startsWith(p)),
    );
    assert.ok(files.length > 20, 'the scan reaches the console sources');
    assert.deepEqual(files.flatMap(literalTexts), []);
  });

  it('find a literal text when a component has one', () => {
    const probe = path.join(
      fs.mkdtempSync(path.join(import.meta.dirname, '..', '.i18n-probe-')),
      'Probe.tsx',
    );
    try {
      fs.writeFileSync(probe, 'export const P = () => <p title="Hello there">Plain words</p>;\n');
      assert.equal(literalTexts(probe).length, 2);
    } finally {
      fs.rmSync(path.dirname(probe), { recursive: true });
    }
  });
});
