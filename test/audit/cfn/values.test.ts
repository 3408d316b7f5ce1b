import { flatten, truth } from '../../../src/audit/cfn/values';

describe('flatten: a template value as one string, the same however it is written', () => {
  test.each([
    ['a literal', 'records', 'records'],
    ['Ref', { Ref: 'Bucket' }, '${Bucket}'],
    ['Fn::GetAtt as a list', { 'Fn::GetAtt': ['Key', 'Arn'] }, '${Key.Arn}'],
    ['Fn::GetAtt as a string (YAML !GetAtt Key.Arn)', { 'Fn::GetAtt': 'Key.Arn' }, '${Key.Arn}'],
    ['Fn::Join', { 'Fn::Join': ['-', [{ Ref: 'AppName' }, 'data']] }, '${AppName}-data'],
    ['Fn::Sub', { 'Fn::Sub': '${AppName}-data' }, '${AppName}-data'],
    ['Fn::Sub with a variable map', { 'Fn::Sub': ['${App}-data', { App: { Ref: 'AppName' } }] }, '${AppName}-data'],
    ['Fn::Sub with a literal variable', { 'Fn::Sub': ['${App}-data', { App: 'shop' }] }, 'shop-data'],
    ['a function it does not render', { 'Fn::ImportValue': 'x' }, '${?}'],
  ])('%s', (_how, value, expected) => {
    expect(flatten(value)).toBe(expected);
  });
});

describe('truth', () => {
  test.each([[true, true], ['true', true], ['True', true], [false, false], ['false', false], [undefined, false], [{ Ref: 'P' }, undefined], ['yes', undefined]])('%j is %j', (value, expected) => {
    expect(truth(value)).toBe(expected);
  });
});
