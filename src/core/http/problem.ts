/** One invalid field: its path in the request (`body.unit_assignments_data.1.unit_id`) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An RFC 9457 problem: every error the API returns has this shape
 * (`application/problem+json` with type, title, status, detail, errors?).
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
    /** Extra members of the problem body (RFC 9457 extensions), e.g. `existing_assignment_id`. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail);
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
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(400, 'Bad Request', detail, errors);
export const invalidField = (path: string, message: string) =>
  badRequest(`${path}: ${message}`, [{ path, message }]);
export const unauthorized = (detail = 'Authentication required') =>
  new HttpProblem(401, 'Unauthorized', detail);
export const forbidden = (detail = 'You are not allowed to do this') =>
  new HttpProblem(403, 'Forbidden', detail);
/** 404 also for rows outside the caller's scope: never reveal that another tenant's id exists. */
export const notFound = (entity = 'Resource') => new HttpProblem(404, 'Not Found', `${entity} not found`);
export const conflict = (detail: string, errors?: FieldError[], extensions?: Record<string, unknown>) =>
  new HttpProblem(409, 'Conflict', detail, errors, undefined, extensions);
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new HttpProblem(422, 'Unprocessable Entity', detail, errors);
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(429, 'Too Many Requests', detail, undefined, { 'retry-after': String(retryAfterSeconds) });
