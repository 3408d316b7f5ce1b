import { IConstruct } from 'constructs';
import { acknowledgeRule } from '../private/acknowledge';

/**
 * Compliance rules the encrypted databases leave to the workload, each with its reason: they are
 * operational choices, not encryption, and their fix depends on things the construct cannot know.
 */
export function acknowledgeDatabaseChoices(database: IConstruct, auroraMysql = false): void {
  if (auroraMysql) {
    acknowledgeRule(database, 'AuroraMySQLBacktrack',
      'Backtrack rewinds a cluster in place and is an operational choice (not available on every Aurora MySQL configuration); point-in-time restore from the encrypted automated backups is always available.',
      'AwsSolutions-RDS14');
  }
  acknowledgeRule(database, 'RDSInBackupPlan',
    'Backup plans are chosen per workload, not per database: add it to an AWS Backup plan (BackupResource.fromConstruct). Automated backups are on and a final snapshot is kept on removal.');
  acknowledgeRule(database, 'RDSEnhancedMonitoringEnabled',
    'Enhanced Monitoring (OS metrics, at a cost, through a role with an AWS managed policy) is an operational choice: set monitoringInterval to turn it on.',
  );
  acknowledgeRule(database, 'RDSNonDefaultPort',
    'A non-default port only hides the database from scans; access is decided by the security group (which opens nothing by default), IAM database authentication and TLS.',
    'AwsSolutions-RDS11');
}
