/** Talking to the dashboard's own API from the browser: one error type whose message is fit to show to a person. */

/** An API answer that was not a success; `message` is the server's `{ error }` sentence when it sent one. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** POSTs a multipart form and returns the JSON answer, or throws ApiRequestError with the server's own words. */
export async function postForm<T>(url: string, form: FormData, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body: form, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiRequestError('The server could not be reached. Is `ser` still running?', 0);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const error = typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string' ? body.error : undefined;
    throw new ApiRequestError(error ?? `The server answered ${response.status} ${response.statusText || 'without an explanation'}.`, response.status);
  }
  if (body === undefined) throw new ApiRequestError('The server sent an answer that is not JSON.', response.status);
  return body as T;
}
