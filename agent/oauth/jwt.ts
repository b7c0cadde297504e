// Compact JWTs (RFC 7519): base64url parts, and reading the claims of a token without judging it (the
// agent reads the `roles` of its own access token to say which permission a 403 lacks).
export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

export function encodeJson(value: unknown): string {
  return base64url(JSON.stringify(value));
}

/** The claims of a compact JWT, or undefined when it is not one (an opaque token). Signature not checked. */
export function unverifiedClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
    return claims !== null && typeof claims === 'object' && !Array.isArray(claims) ? claims as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/** The application permissions an app-only token carries (its `roles` claim). */
export function tokenRoles(token: string): string[] {
  const roles = unverifiedClaims(token)?.roles;
  return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
}
