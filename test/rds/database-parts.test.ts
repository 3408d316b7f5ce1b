import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { generatedIdentifier } from '../../src/rds/database-parts';
import { checkTlsParameters, engineFamily, exportableLogTypes, tlsParameters } from '../../src/rds/engine-rules';

describe('generated identifiers', () => {
  test.each([
    ['a short path', 'Db'],
    ['a long path', 'A'.repeat(200)],
    ['digits and underscores', '9_lives__Db'],
  ])('from %s are identifiers RDS accepts', (_, id) => {
    const stack = new Stack(new App(), 'Stack-With--Hyphens');
    const identifier = generatedIdentifier(new Construct(stack, id));
    expect(identifier.length).toBeLessThanOrEqual(63);
    expect(identifier).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
    expect(identifier).not.toMatch(/--/);
  });
  test('differ for two constructs of the same id in different scopes', () => {
    const stack = new Stack(new App(), 'S');
    const a = generatedIdentifier(new Construct(new Construct(stack, 'A'), 'Db'));
    const b = generatedIdentifier(new Construct(new Construct(stack, 'B'), 'Db'));
    expect(a).not.toEqual(b);
  });
});

describe('engine rules', () => {
  test.each([
    ['postgres', 'postgres'], ['mysql', 'mysql'], ['mariadb', 'mariadb'], ['sqlserver-ee', 'sqlserver'], ['sqlserver-ex', 'sqlserver'],
    ['oracle-se2', 'oracle'], ['oracle-ee-cdb', 'oracle'], ['db2-ae', 'db2'], ['aurora-mysql', 'aurora-mysql'], ['aurora', 'aurora-mysql'],
    ['aurora-postgresql', 'aurora-postgresql'],
  ])('%s is of the %s family', (engineType, family) => {
    expect(engineFamily(engineType)).toEqual(family);
  });
  test('an unknown engine has no family', () => {
    expect(engineFamily('neptune')).toBeUndefined();
  });
  test('Oracle has no TLS parameter (its encryption is an option)', () => {
    expect(tlsParameters('oracle', 50443)).toEqual({});
  });
  test('SQL Server Express exports no agent log', () => {
    expect(exportableLogTypes('sqlserver', 'sqlserver-ex')).toEqual(['error']);
    expect(exportableLogTypes('sqlserver', 'sqlserver-se')).toEqual(['agent', 'error']);
  });
  test.each([['1'], ['ON'], ['true']])('require_secure_transport %s keeps TLS required', (value) => {
    expect(() => checkTlsParameters('P', 'mysql', { require_secure_transport: value })).not.toThrow();
  });
  test('DB2COMM with the clear-text listener is refused', () => {
    expect(() => checkTlsParameters('P', 'db2', { DB2COMM: 'TCPIP,SSL' })).toThrow(/P: invalid parameters.DB2COMM: got 'TCPIP,SSL'; allowed: 'SSL' or unset/);
  });
});
