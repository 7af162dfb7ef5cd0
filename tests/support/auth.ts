// Signs in through next-auth's own credentials endpoint, as a browser does,
// and returns the cookie header for later requests.

export const demoPassword = "demo1234";

export const demoAccounts = {
  auditor: "auditor@example.com",
  auditor2: "auditor2@example.com",
  administrativo: "administrativo@example.com",
  admin: "admin@example.com",
} as const;

function collectCookies(response: Response, jar: Map<string, string>): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const index = pair!.indexOf("=");
    jar.set(pair!.slice(0, index), pair!.slice(index + 1));
  }
}

function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

/** Returns the Cookie header of a signed-in session; throws on failure. */
export async function signIn(
  baseUrl: string,
  email: string,
  password = demoPassword,
): Promise<string> {
  const jar = new Map<string, string>();
  const csrfResponse = await fetch(`${baseUrl}/api/auth/csrf`);
  collectCookies(csrfResponse, jar);
  const { csrfToken } = (await csrfResponse.json()) as { csrfToken: string };
  const response = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: cookieHeader(jar),
    },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  collectCookies(response, jar);
  if (
    ![...jar.keys()].some((name) => name.endsWith("next-auth.session-token"))
  ) {
    throw new Error(`sign-in failed for ${email}: HTTP ${response.status}`);
  }
  return cookieHeader(jar);
}
