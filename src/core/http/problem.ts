import { localizeProblem, phrase, textIn, type Language, type ProblemText } from './problem-texts.ts';

/** One invalid field: its path in the request (`body.unit_assignments_data.1.unit_id`) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/** A field error as raised: its message may be a phrase, worded in the client's language. */
export interface FieldProblem {
  path: string;
  message: ProblemText;
}

/**
 * An RFC 9457 problem: every error the API returns has this shape
 * (`application/problem+json` with type, title, status, detail, errors?). `detail` and `errors`
 * are in English; `bodyIn()` words them in another language.
 */
export class HttpProblem extends Error {
  readonly detail: string;
  readonly errors?: FieldError[];

  constructor(
    readonly status: number,
    readonly title: string,
    private readonly detailText: ProblemText,
    private readonly fieldTexts?: FieldProblem[],
    readonly headers?: Record<string, string>,
    /** Extra members of the problem body (RFC 9457 extensions), e.g. `existing_assignment_id`. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(textIn(detailText, 'en'));
    this.detail = this.message;
    this.errors = fieldTexts?.map((e) => ({ path: e.path, message: textIn(e.message, 'en') }));
  }

  get type(): string {
    return `https://roster.dev/problems/${this.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  }

  toJSON() {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }

  /** The body in `lang`: phrases worded from their templates, fixed texts from the catalogue. */
  bodyIn(lang: Language) {
    return localizeProblem(this.toJSON(), lang, { detail: this.detailText, errors: this.fieldTexts });
  }
}

export const badRequest = (detail: ProblemText, errors?: FieldProblem[]) =>
  new HttpProblem(400, 'Bad Request', detail, errors);
export const invalidField = (path: string, message: ProblemText) =>
  badRequest(typeof message === 'string' ? `${path}: ${message}` : phrase('field', { path, message }), [
    { path, message },
  ]);
/**
 * A 400 for several invalid fields at once, its detail summing them up in English (a client's
 * language gets the summary written again from the translated field messages).
 */
export const invalidRequest = (errors: FieldProblem[]) =>
  badRequest(
    `Invalid request: ${errors.map((e) => `${e.path} ${textIn(e.message, 'en')}`).join('; ')}`,
    errors,
  );
export const unauthorized = (detail: ProblemText = 'Authentication required') =>
  new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail: ProblemText = 'You are not allowed to do this') =>
  new HttpProblem(403, 'Forbidden', detail);
/** 404 also for rows outside the caller's scope: never reveal that another tenant's id exists. */
export const notFound = (entity = 'Resource') => new HttpProblem(404, 'Not Found', `${entity} not found`);
export const conflict = (
  detail: ProblemText,
  errors?: FieldProblem[],
  extensions?: Record<string, unknown>,
) => new HttpProblem(409, 'Conflict', detail, errors, undefined, extensions);
export const unprocessable = (detail: ProblemText, errors?: FieldProblem[]) =>
  new HttpProblem(422, 'Unprocessable Entity', detail, errors);
export const tooManyRequests = (detail: ProblemText, retryAfterSeconds: number) =>
  new HttpProblem(429, 'Too Many Requests', detail, undefined, { 'retry-after': String(retryAfterSeconds) });
