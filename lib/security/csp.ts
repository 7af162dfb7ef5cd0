/**
 * Builds the Content Security Policy of a page. Scripts run only with the
 * request's nonce, which Next.js adds to its own script tags when it finds
 * the policy on the request; 'strict-dynamic' lets those scripts load the
 * app's chunks. Styles allow inline because React sets style attributes.
 */
export function buildCsp(nonce: string, development: boolean): string {
  const scriptSources = [
    "'self'",
    `'nonce-${nonce}'`,
    "'strict-dynamic'",
    // React's development build evaluates code for its error overlay.
    ...(development ? ["'unsafe-eval'"] : []),
  ];
  return [
    "default-src 'self'",
    `script-src ${scriptSources.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
