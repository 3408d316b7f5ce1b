import { matchesEventPattern } from './event-pattern';

/** The offline matcher behaves as the EventBridge documentation's examples say. */
const EVENT = {
  'source': 'aws.kms',
  'detail-type': 'AWS API Call via CloudTrail',
  'resources': ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:other'],
  'detail': {
    eventName: 'DisableKey',
    responseElements: null,
    count: 2,
    resources: [{ ARN: 'arn:aws:kms:us-east-1:111111111111:alias/a' }, { ARN: 'arn:aws:kms:us-east-1:111111111111:key/k' }],
  },
};

test('a field matches when its value is one of the listed values', () => {
  expect(matchesEventPattern({ source: ['aws.ec2', 'aws.kms'] }, EVENT)).toBe(true);
});
test('a field does not match when its value is none of the listed values', () => {
  expect(matchesEventPattern({ source: ['aws.ec2'] }, EVENT)).toBe(false);
});
test('every field of the pattern must match', () => {
  expect(matchesEventPattern({ source: ['aws.kms'], detail: { eventName: ['EnableKey'] } }, EVENT)).toBe(false);
});
test('a field the event lacks does not match', () => {
  expect(matchesEventPattern({ detail: { errorCode: ['AccessDenied'] } }, EVENT)).toBe(false);
});
test('an array in the event matches when it shares a value with the pattern', () => {
  expect(matchesEventPattern({ resources: ['arn:aws:other', 'arn:aws:third'] }, EVENT)).toBe(true);
  expect(matchesEventPattern({ resources: ['arn:aws:third'] }, EVENT)).toBe(false);
});
test('a nested pattern matches one object of an array of objects', () => {
  expect(matchesEventPattern({ detail: { resources: { ARN: ['arn:aws:kms:us-east-1:111111111111:key/k'] } } }, EVENT)).toBe(true);
  expect(matchesEventPattern({ detail: { resources: { ARN: ['arn:aws:kms:us-east-1:111111111111:key/x'] } } }, EVENT)).toBe(false);
});
test('null and numbers match exactly', () => {
  expect(matchesEventPattern({ detail: { responseElements: [null], count: [2] } }, EVENT)).toBe(true);
  expect(matchesEventPattern({ detail: { count: ['2'] } }, EVENT)).toBe(false);
});
test('a nested pattern does not match a scalar, nor a value pattern an object', () => {
  expect(matchesEventPattern({ source: { name: ['aws.kms'] } }, EVENT)).toBe(false);
  expect(matchesEventPattern({ detail: ['DisableKey'] }, EVENT)).toBe(false);
});
test('content filters and $or are refused rather than guessed', () => {
  expect(() => matchesEventPattern({ source: [{ prefix: 'aws.' }] }, EVENT)).toThrow(/unsupported event pattern operator/);
  expect(() => matchesEventPattern({ $or: [{ source: ['aws.kms'] }] }, EVENT)).toThrow(/unsupported event pattern operator/);
});
test('a pattern value that is neither an array nor an object is refused', () => {
  expect(() => matchesEventPattern({ source: 'aws.kms' }, EVENT)).toThrow(/must be an array or an object/);
});
