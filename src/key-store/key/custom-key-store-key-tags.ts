/**
 * Tag keys that the library writes on every generation of a `CustomKeyStoreKey` (see
 * `handler/key-calls.ts`). No imports: the construct and both handlers share it.
 */
export const KMI_TAG_PREFIX = 'cdk-kmi:';
export const TAG_KEY_FAMILY = 'cdk-kmi:key-family';
export const TAG_GENERATION = 'cdk-kmi:generation';
export const TAG_PREDECESSOR = 'cdk-kmi:predecessor-key-id';
export const TAG_SUCCESSOR = 'cdk-kmi:successor-key-id';
export const TAG_ROTATION_STARTED = 'cdk-kmi:rotation-started-at';
export const TAG_STACK_ID = 'cdk-kmi:stack-id';
export const TAG_LOGICAL_ID = 'cdk-kmi:logical-id';
export const TAG_CREATE_REQUEST = 'cdk-kmi:create-request';
