import { join } from 'node:path';
import { readParameters } from '../../../../src/audit/posture/read/parameters';
import { files, removeTemporaryDirectories } from '../helpers';

afterAll(removeTemporaryDirectories);

describe('parameters', () => {
  test.each([
    ['the CLI\'s list', [{ ParameterKey: 'Env', ParameterValue: 'prod' }, { ParameterKey: 'Subnets', ParameterValue: 'a,b' }]],
    ['a template configuration file', { Parameters: { Env: 'prod', Subnets: 'a,b' } }],
    ['a plain mapping', { Env: 'prod', Subnets: ['a', 'b'] }],
  ])('a parameters file in the form of %s', (_form, document) => {
    const dir = files({ 'params.json': JSON.stringify(document) });
    expect(readParameters([join(dir, 'params.json')])).toEqual({ Env: 'prod', Subnets: 'a,b' });
  });
  test('key=value arguments, later ones overriding earlier ones and files', () => {
    const dir = files({ 'params.json': JSON.stringify({ Env: 'dev' }) });
    expect(readParameters([join(dir, 'params.json'), 'Env=prod', 'Url=https://x?a=b'])).toEqual({ Env: 'prod', Url: 'https://x?a=b' });
  });
  test('an argument that is neither key=value nor a file', () => {
    expect(() => readParameters(['nothing-here'])).toThrow('--parameters nothing-here: neither key=value nor a parameters file that exists');
  });
  test('a malformed parameters file names the file and the entry', () => {
    const dir = files({ 'p.json': JSON.stringify([{ Key: 'Env' }]) });
    expect(() => readParameters([join(dir, 'p.json')])).toThrow(/p\.json: \[0\]: not \{"ParameterKey": \.\.\., "ParameterValue": \.\.\.\}/);
  });
});
