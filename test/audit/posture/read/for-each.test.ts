import { join } from 'node:path';
import { analyze } from '../../../../src/audit/posture';
import { files, removeTemporaryDirectories } from '../helpers';

afterAll(removeTemporaryDirectories);

describe('Fn::ForEach', () => {
  const template = (collection: unknown) => JSON.stringify({
    Transform: 'AWS::LanguageExtensions',
    Parameters: { Names: { Type: 'CommaDelimitedList' } },
    Resources: {
      'Fn::ForEach::Topics': ['Name', collection, { 'Topic${Name}': { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${Name}-events' } } } }],
    },
  });

  test('a loop over a list is expanded: one row per item', () => {
    const report = analyze([join(files({ 't.json': template(['Orders', 'Payments']) }), 't.json')]);
    expect(report.resources.map((r) => r.logicalId)).toEqual(['TopicOrders', 'TopicPayments']);
    expect(report.resources.map((r) => r.encrypted)).toEqual(['no', 'no']);
  });
  test('a loop over a list parameter is expanded with the given value', () => {
    const report = analyze([join(files({ 't.json': template({ Ref: 'Names' }) }), 't.json')], { parameters: { Names: 'A,B,C' } });
    expect(report.resources.map((r) => r.logicalId)).toEqual(['TopicA', 'TopicB', 'TopicC']);
  });
  test('a loop whose collection is known only at deployment: its resources are listed as not assessed, with the reason', () => {
    const report = analyze([join(files({ 't.json': template({ Ref: 'Names' }) }), 't.json')]);
    expect(report.resources).toEqual([]);
    expect(report.notAssessed).toEqual([{
      stack: 't',
      logicalId: 'Fn::ForEach::Topics',
      type: 'AWS::SNS::Topic',
      reason: 'Fn::ForEach collection {"Ref":"Names"} known only at deployment (give the parameter with --parameters to expand it)',
    }]);
  });
});
