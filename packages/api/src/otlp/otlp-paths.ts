/**
 * Where OTLP/HTTP trace exports are taken (docs/API_SPEC.md §7): under the API, so that
 * OTEL_EXPORTER_OTLP_ENDPOINT=<pulse>/api/v1/otlp works, and at the root, for exporters
 * pointed at the server itself.
 */
export const OTLP_PATH = '/api/v1/otlp/v1/traces';
export const OTLP_ROOT_PATH = '/v1/traces';
