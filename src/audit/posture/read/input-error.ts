/**
 * Input the report cannot read: a missing file, a file that is not JSON or YAML, a template that is
 * not in the form CloudFormation documents. The message names the file and the place in it.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
