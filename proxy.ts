import { NextResponse, type NextRequest } from "next/server";

/** Tells the console layout which page was asked for, so sign-in can return the user there. */
export function proxy(req: NextRequest) {
  const headers = new Headers(req.headers);
  headers.set("x-countersign-path", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!api/|_next/|sign-in|icon.svg).*)"] };
