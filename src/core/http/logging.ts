import type { FastifyRequest } from 'fastify';

/** Query parameters that carry a credential (live tickets and tokens) and never reach a log line. */
const SECRET_PARAMS = /([?&](?:token|ticket|access_token|api_key|key)=)[^&#]*/gi;
/** Headers that carry a credential, censored wherever a log line includes request headers. */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key', 'set-cookie'];

export const REDACTED = '[redacted]';

/** A URL with the values of credential parameters replaced. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, `$1${REDACTED}`);
}

/** What a request log line says about the request: Fastify's default fields, URL redacted. */
function requestSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The server's logger options with secrets kept out: request URLs are logged with credential
 * parameters redacted, and credential headers are censored should a line include them. `false`
 * stays off (tests); `true` becomes the defaults.
 */
export function loggerOptions(logger: boolean | object | undefined): false | object {
  if (!logger) return false;
  const given = logger === true ? {} : (logger as { serializers?: object });
  const paths = SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`]);
  return {
    ...given,
    serializers: { ...given.serializers, req: requestSerializer },
    redact: { paths, censor: REDACTED },
  };
}
