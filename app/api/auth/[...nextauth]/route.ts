import NextAuth from "next-auth";
import type { NextRequest } from "next/server";

import { getAuthOptions } from "@/lib/auth/options";

type Context = { params: Promise<{ nextauth: string[] }> };

// The options are built per request, not at import, because they need the
// session secret and `next build` imports this file without one.
async function handler(request: NextRequest, context: Context) {
  return NextAuth(request, context, getAuthOptions());
}

export { handler as GET, handler as POST };
