/**
 * The bearer token the gRPC gateway accepts, and the dashboard sends, when GATEWAY_TOKENS is not
 * set. FOR THE LOCAL STACK ONLY: it is public (it is in this repository), so anywhere reachable
 * by others set GATEWAY_TOKENS on the gateway (and the matching token on its clients).
 */
export const LOCAL_GATEWAY_TOKEN = 'local-dev-only-iot-gateway-token';

/** Gateway tokens are at least this many characters. */
export const MIN_GATEWAY_TOKEN_LENGTH = 16;
