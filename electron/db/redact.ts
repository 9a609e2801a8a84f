/**
 * Hides secrets in connection strings before they reach a log, an error or the screen.
 * Handles URLs (`postgres://user:secret@host/db?password=…`) and libpq key/value strings
 * (`host=… password=secret`).
 */
const MASK = '***';

const SECRET_PARAMS = ['password', 'sslpassword'];

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = MASK;
    for (const key of SECRET_PARAMS) {
      if (parsed.searchParams.has(key)) parsed.searchParams.set(key, MASK);
    }
    return parsed.toString();
  } catch {
    // Not a URL: mask `//user:secret@` and `password=secret` wherever they appear.
    return url
      .replace(/(\/\/[^/:@\s]*:)[^@\s]*@/g, `$1${MASK}@`)
      .replace(/((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, `$1${MASK}`);
  }
}
