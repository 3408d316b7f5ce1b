import { join } from 'node:path';
import { analyze } from '../../../../src/audit/posture';
import { files, removeTemporaryDirectories } from '../helpers';

afterAll(removeTemporaryDirectories);

// Malformed input: the file and the place (check.ts for the structure, parse.ts for the syntax).
describe('malformed input: the file and the place', () => {
  test.each([
    ['bad.json', '{\n  "Resources": {\n    "B": { "Type": "AWS::S3::Bucket", }\n  }\n}', /bad\.json:3:39: not valid JSON/],
    ['bad.yaml', 'Resources:\n  B:\n    Type: [AWS::S3::Bucket\n', /bad\.yaml:\d+:\d+: not valid YAML/],
    ['no-type.yaml', 'Resources:\n  B:\n    Properties: {}\n', /no-type\.yaml: Resources\.B\.Type: missing/],
    ['null-resource.json', '{"Resources": {"B": null}}', /null-resource\.json: Resources\.B: not a mapping with a Type/],
    ['list-properties.json', '{"Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": [1]}}}', /list-properties\.json: Resources\.B\.Properties: not a mapping/],
    ['no-resources.yaml', 'Parameters: {}\n', /no-resources\.yaml: Resources: missing/],
  ])('%s', (name, text, message) => {
    const file = join(files({ [name]: text }), name);
    expect(() => analyze([file])).toThrow(message);
  });
  test('properties of the wrong shape for their type are named with the file, the resource and the type, never as a JavaScript error', () => {
    const file = join(files({
      'odd.json': JSON.stringify({
        Resources: {
          Group: { Type: 'AWS::Redshift::ClusterParameterGroup', Properties: { Parameters: [null] } },
          Cluster: { Type: 'AWS::Redshift::Cluster', Properties: { ClusterParameterGroupName: { Ref: 'Group' } } },
        },
      }),
    }), 'odd.json');
    expect(() => analyze([file])).toThrow(/odd\.json: Resources\.Cluster \(AWS::Redshift::Cluster\): its properties are not in the form CloudFormation documents/);
    expect(() => analyze([file])).not.toThrow(/Cannot read properties/);
  });
});
