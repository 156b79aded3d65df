import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * What an argument of a problem raiser holds: a text of the problem, field errors (objects with a
 * `message`), the entity a 404 names (`Performer` → `Performer not found`), or the task of an
 * admin-only refusal (`create chassis` → `Only organization admins may create chassis`).
 */
type Holds = 'text' | 'errors' | 'entity' | 'adminTask' | 'validation';

/** The functions that raise problems, and which of their arguments carry user-facing words. */
const RAISERS: Record<string, Array<[number, Holds]>> = {
  badRequest: [
    [0, 'text'],
    [1, 'errors'],
  ],
  invalidField: [[1, 'text']],
  unauthorized: [[0, 'text']],
  forbidden: [[0, 'text']],
  notFound: [[0, 'entity']],
  conflict: [
    [0, 'text'],
    [1, 'errors'],
  ],
  unprocessable: [
    [0, 'text'],
    [1, 'errors'],
  ],
  tooManyRequests: [[0, 'text']],
  requireOrgAdmin: [[1, 'adminTask']],
  // Module helpers that pass their text on to one of the above.
  uniqueOr409: [[1, 'text']],
  unprocessableEvent: [[0, 'text']],
  notAnArchive: [[0, 'text']],
  uploadedFile: [[1, 'text']],
  // A fixed text inside a phrase is worded by the catalogue like any other.
  fixed: [[0, 'text']],
  // A schema's own message for a field (zod): the text as written, or `{ message }`.
  refine: [[1, 'validation']],
  regex: [[1, 'validation']],
  min: [[1, 'validation']],
  max: [[1, 'validation']],
  length: [[1, 'validation']],
  addIssue: [[0, 'validation']],
};

const NEW_PROBLEM: Array<[number, Holds]> = [
  [1, 'text'],
  [2, 'text'],
  [3, 'errors'],
];

/** One text found where a problem is raised: a literal, or a template's shape (`… not found`). */
export interface RaisedText {
  at: string;
  holds: Exclude<Holds, 'errors' | 'validation'>;
  text: string;
  /** True when the text is built from values at run time (a template literal or a `+`). */
  template: boolean;
}

/** One parameter given to `phrase()`: the code, the parameter's name and its value as written. */
export interface PhraseArgument {
  at: string;
  code: string;
  name: string;
  value: string;
}

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });

/** The texts an expression can evaluate to, as far as the source shows; values become `…`. */
function textsOf(node: ts.Expression): Array<{ text: string; template: boolean }> {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
    return [{ text: node.text, template: false }];
  if (ts.isTemplateExpression(node))
    return [
      {
        text: node.head.text + node.templateSpans.map((s) => `…${s.literal.text}`).join(''),
        template: true,
      },
    ];
  if (ts.isParenthesizedExpression(node)) return textsOf(node.expression);
  if (ts.isConditionalExpression(node)) return [...textsOf(node.whenTrue), ...textsOf(node.whenFalse)];
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = textsOf(node.left);
    const right = textsOf(node.right);
    const l = left.length === 1 ? left[0] : { text: '…', template: true };
    const r = right.length === 1 ? right[0] : { text: '…', template: true };
    return [{ text: l.text + r.text, template: l.template || r.template }];
  }
  return [];
}

/** The `message` texts of field errors written in an argument (an array, or a `map` building one). */
function messagesOf(node: ts.Node): Array<{ text: string; template: boolean }> {
  const found: Array<{ text: string; template: boolean }> = [];
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && n.name.getText() === 'message') found.push(...textsOf(n.initializer));
    n.forEachChild(visit);
  };
  visit(node);
  return found;
}

function calleeName(node: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = node.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** Every problem text raised in the sources under `root`, and every parameter given to a phrase. */
export function raisedProblems(root: string): { texts: RaisedText[]; phraseArguments: PhraseArgument[] } {
  const texts: RaisedText[] = [];
  const phraseArguments: PhraseArgument[] = [];
  for (const file of sourceFiles(root)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) =>
      `${path.relative(root, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const name = calleeName(node);
        const args = node.arguments ?? [];
        const spec = ts.isNewExpression(node)
          ? name === 'HttpProblem'
            ? NEW_PROBLEM
            : []
          : Object.hasOwn(RAISERS, name ?? '')
            ? RAISERS[name ?? '']
            : [];
        for (const [index, holds] of spec ?? []) {
          const arg = args[index];
          if (!arg) continue;
          const found =
            holds === 'errors'
              ? messagesOf(arg)
              : holds === 'validation'
                ? [...textsOf(arg), ...messagesOf(arg)]
                : textsOf(arg);
          const kind = holds === 'errors' || holds === 'validation' ? 'text' : holds;
          texts.push(...found.map((t) => ({ at: where(arg), holds: kind, ...t })));
        }
        const [code, params] = args;
        if (ts.isCallExpression(node) && name === 'phrase' && code && ts.isStringLiteral(code)) {
          for (const p of params && ts.isObjectLiteralExpression(params) ? params.properties : []) {
            const value = ts.isPropertyAssignment(p) ? p.initializer.getText() : p.name?.getText();
            phraseArguments.push({
              at: where(p),
              code: code.text,
              name: p.name?.getText() ?? '',
              value: value ?? '',
            });
          }
        }
      }
      // A field error built apart from the raise (`errors.push({ path, message })`).
      if (ts.isObjectLiteralExpression(node)) {
        const names = node.properties.map((p) => p.name?.getText());
        const message = node.properties.find(
          (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'message',
        );
        if (message && names.includes('path'))
          texts.push(
            ...textsOf(message.initializer).map((t) => ({ at: where(node), holds: 'text' as const, ...t })),
          );
      }
      node.forEachChild(visit);
    };
    visit(source);
  }
  return { texts, phraseArguments };
}
