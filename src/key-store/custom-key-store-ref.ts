import { IResource } from 'aws-cdk-lib';

/**
 * Where the keys of a KMS custom key store live.
 */
export enum CustomKeyStoreType {
  /** In an AWS CloudHSM cluster you own (key-management option 2). */
  AWS_CLOUDHSM = 'AWS_CLOUDHSM',
  /** In a key manager outside AWS, reached through an external key store proxy (option 1). */
  EXTERNAL_KEY_STORE = 'EXTERNAL_KEY_STORE',
}

/**
 * A KMS custom key store, created by `CustomKeyStore` or imported.
 */
export interface ICustomKeyStore extends IResource {
  /**
   * The custom key store id, such as `cks-1234567890abcdef0`.
   *
   * @attribute
   */
  readonly customKeyStoreId: string;

  /**
   * Where the store's keys live.
   */
  readonly customKeyStoreType: CustomKeyStoreType;
}
