export * from './kms/kms-key-with-rotation';
export * from './s3/encrypted-bucket';
export * from './s3/access-logs-bucket';
export * from './ebs/encrypted-volume';
export * from './ebs/ebs-encryption-by-default';
