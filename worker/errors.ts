/**
 * The one error hierarchy of the domain. Services throw these; `middleware/problem.ts`
 * turns them into RFC 9457 problem+json in one place.
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly errors?: FieldError[];

  constructor(detail: string, errors?: FieldError[]) {
    super(detail);
    this.name = new.target.name;
    this.errors = errors;
  }

  /** The stable problem `type`, a relative URI such as "/problems/not-found". */
  get type(): string {
    return `/problems/${this.title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  }
}

export class Invalid extends DomainError {
  readonly status = 400;
  readonly title = "Invalid Input";
  constructor(errors: FieldError[], detail = describe(errors)) {
    super(detail, errors);
  }
  static field(path: string, message: string): Invalid {
    return new Invalid([{ path, message }]);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly title = "Unauthorized";
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly title = "Forbidden";
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = "Not Found";
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = "Conflict";
}

export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly title = "Payload Too Large";
}

export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported Media Type";
}

export class UnprocessableImage extends DomainError {
  readonly status = 422;
  readonly title = "Unprocessable Content";
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly title = "Too Many Requests";
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
    /** RateLimit-Policy / RateLimit fields describing the limit that was hit. */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly title = "Service Unavailable";
}

function describe(errors: FieldError[]): string {
  const fields = [...new Set(errors.map((e) => e.path || "(body)"))];
  return `Invalid value for ${fields.join(", ")}.`;
}
