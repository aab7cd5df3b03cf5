import { NextResponse } from 'next/server';

/** Liveness for load tests and supervisors: answers without touching the model. */
export function GET() {
  return NextResponse.json({ ok: true });
}
