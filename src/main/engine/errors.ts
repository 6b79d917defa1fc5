/**
 * A problem the user can fix (bad setting, corrupt file, unknown recipe). Its message is one line
 * that names the problem and what to do; the CLI prints it without a stack and exits non-zero, and
 * the RPC layer returns it as a typed error instead of an internal one.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-request' | 'not-found' | 'conflict' | 'unavailable' | 'too-large' = 'bad-request'
  ) {
    super(message);
    this.name = 'UserError';
  }
}
