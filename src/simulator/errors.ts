/**
 * Errors of the simulated services, with the bodies the real ones send: Microsoft Graph
 * `{error: {code, message, innerError: {date, request-id, client-request-id}}}` and Defender for Endpoint
 * `{error: {code, message, target}}` where `target` is a correlation id.
 */
import { randomUUID } from 'node:crypto';

/** Which simulated service answers. */
export type ServiceName = 'graph' | 'defender';

/** A refusal by a simulated service: HTTP status, service error code, message and extra headers. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** 404 `ResourceNotFound` in Defender's words. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, 'ResourceNotFound', `${what} ${id} was not found`);
}

/** The JSON body of `error` as `service` would send it. */
export function errorBody(
  service: ServiceName,
  error: { code: string; message: string },
  ids: { requestId: string; clientRequestId?: string; date: Date },
): Record<string, unknown> {
  if (service === 'graph') {
    return {
      error: {
        code: error.code,
        message: error.message,
        innerError: {
          date: ids.date.toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': ids.requestId,
          'client-request-id': ids.clientRequestId ?? ids.requestId,
        },
      },
    };
  }
  return { error: { code: error.code, message: error.message, target: randomUUID() } };
}
