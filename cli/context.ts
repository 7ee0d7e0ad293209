// What every CLI command needs: configuration, the database, a Temporal client, SQS — opened lazily
// and closed after the command.
import { Client, Connection } from '@temporalio/client';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { loadConfig, type Config } from '../lib/config.js';
import { parseSecretKeyring, type SecretKeyring } from '../lib/secrets.js';
import { createSqsClient } from '../lib/sqs.js';
import { createEventBridgeClient } from '../lib/eventbridge.js';
import { closeDatabase, connectDatabase, type Database } from '../schema/db.js';
import { temporalConnectionOptions } from '../lib/temporal-connection.js';
import { Failure } from './errors.js';

export class CliContext {
  readonly config: Config = loadConfig();
  private dbInstance?: Database;
  private connection?: Connection;
  private clientInstance?: Client;
  private sqsInstance?: SQSClient;
  private eventBridgeInstance?: EventBridgeClient;

  get db(): Database {
    this.dbInstance ??= connectDatabase(this.config.DATABASE_URL, { max: 2 });
    return this.dbInstance;
  }

  get sqs(): SQSClient {
    // The SDK's advice about future Node versions is not the operator's concern in a command's output.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.sqsInstance ??= createSqsClient(this.config);
    return this.sqsInstance;
  }

  get eventBridge(): EventBridgeClient {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.eventBridgeInstance ??= createEventBridgeClient(this.config);
    return this.eventBridgeInstance;
  }

  /** What deleting an integration's AWS side needs. */
  get aws() {
    return { sqs: this.sqs, eventBridge: this.eventBridge, queuePrefix: this.config.SQS_QUEUE_PREFIX };
  }

  get secretKey(): SecretKeyring {
    return parseSecretKeyring(this.config.OORT_SECRET_KEY, this.config.OORT_SECRET_KEYS_PREVIOUS);
  }

  async client(): Promise<Client> {
    if (!this.clientInstance) {
      try {
        this.connection = await Connection.connect({ ...temporalConnectionOptions(this.config), connectTimeout: 5000 });
      } catch (err) {
        throw new Failure(
          `Cannot reach Temporal at ${this.config.TEMPORAL_ADDRESS} (${(err as Error).message}). Start the stack (\`npm start\`) or set TEMPORAL_ADDRESS.`,
          { reason: 'unavailable' },
        );
      }
      this.clientInstance = new Client({ connection: this.connection, namespace: this.config.TEMPORAL_NAMESPACE });
    }
    return this.clientInstance;
  }

  async close(): Promise<void> {
    this.sqsInstance?.destroy();
    this.eventBridgeInstance?.destroy();
    await this.connection?.close();
    if (this.dbInstance) await closeDatabase(this.dbInstance);
  }
}
