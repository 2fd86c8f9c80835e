// A thin, typed layer over the Secrets Manager commands this store uses. It knows the wire and
// the AWS exception names; the compare-and-set logic lives in write.ts.
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName, toStoreError } from './errors.js';
import type { AwsSdk } from './load-sdk.js';

/** What `DescribeSecret` tells us about a secret: its AWSCURRENT version and whether it is deleted. */
export interface SecretState {
  current: string | undefined;
  /** Scheduled for deletion (inside its recovery window): reads fail, the name is still taken. */
  deleted: boolean;
}

export type DeleteMode = { RecoveryWindowInDays: number } | { ForceDeleteWithoutRecovery: true };

export class SecretsApi {
  constructor(
    private readonly sdk: AwsSdk,
    private readonly client: SecretsManagerClient,
    private readonly kmsKeyId: string | undefined,
  ) {}

  /** `undefined` when the secret does not exist or is scheduled for deletion. */
  async getValue(name: string, key: string): Promise<{ text: string; version: string } | undefined> {
    try {
      const out = await this.client.send(new this.sdk.GetSecretValueCommand({ SecretId: name }));
      if (typeof out.SecretString !== 'string' || !out.VersionId) return undefined; // binary secret: not ours
      return { text: out.SecretString, version: out.VersionId };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      // "marked for deletion" is an InvalidRequestException; other causes exist, so check.
      if (awsErrorName(error) === 'InvalidRequestException' && (await this.describe(name, key))?.deleted)
        return undefined;
      throw toStoreError(error, 'GetSecretValue', key);
    }
  }

  async describe(name: string, key: string): Promise<SecretState | undefined> {
    try {
      const out = await this.client.send(new this.sdk.DescribeSecretCommand({ SecretId: name }));
      const stages = Object.entries(out.VersionIdsToStages ?? {});
      const current = stages.find(([, labels]) => labels.includes('AWSCURRENT'))?.[0];
      return { current, deleted: out.DeletedDate !== undefined };
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw toStoreError(error, 'DescribeSecret', key);
    }
  }

  /** Creates the secret with its first version `token`. Throws the raw AWS error (callers branch on it). */
  async create(name: string, text: string, token: string): Promise<string> {
    const out = await this.client.send(
      new this.sdk.CreateSecretCommand({
        Name: name,
        SecretString: text,
        ClientRequestToken: token,
        ...(this.kmsKeyId && { KmsKeyId: this.kmsKeyId }),
      }),
    );
    return out.VersionId ?? token;
  }

  /** Adds version `token`; `pending` labels it AWSPENDING instead of AWSCURRENT. Throws raw AWS errors. */
  async put(name: string, text: string, token: string, pending: boolean): Promise<string> {
    const out = await this.client.send(
      new this.sdk.PutSecretValueCommand({
        SecretId: name,
        SecretString: text,
        ClientRequestToken: token,
        ...(pending && { VersionStages: ['AWSPENDING'] }),
      }),
    );
    return out.VersionId ?? token;
  }

  /** Moves AWSCURRENT from `from` to `to`; AWS refuses when AWSCURRENT is not on `from`. Throws raw AWS errors. */
  async promote(name: string, to: string, from: string): Promise<void> {
    await this.client.send(
      new this.sdk.UpdateSecretVersionStageCommand({
        SecretId: name,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: to,
        RemoveFromVersionId: from,
      }),
    );
  }

  async restore(name: string, key: string): Promise<void> {
    try {
      await this.client.send(new this.sdk.RestoreSecretCommand({ SecretId: name }));
    } catch (error) {
      throw toStoreError(error, 'RestoreSecret', key);
    }
  }

  /** False when there was nothing to delete (absent, or already scheduled for deletion). */
  async delete(name: string, key: string, mode: DeleteMode): Promise<boolean> {
    try {
      await this.client.send(new this.sdk.DeleteSecretCommand({ SecretId: name, ...mode }));
      return true;
    } catch (error) {
      const kind = awsErrorName(error);
      if (kind === 'ResourceNotFoundException') return false;
      if (kind === 'InvalidRequestException' && (await this.describe(name, key))?.deleted !== false)
        return false;
      throw toStoreError(error, 'DeleteSecret', key);
    }
  }

  /** Names starting with `prefix` (case-sensitive), every page of `ListSecrets`. */
  async listNames(prefix: string): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      let out: Awaited<ReturnType<typeof this.listPage>>;
      try {
        out = await this.listPage(prefix, NextToken);
      } catch (error) {
        throw toStoreError(error, 'ListSecrets', `${prefix}*`);
      }
      // The name filter is a case-insensitive prefix match: check the case here.
      for (const s of out.SecretList ?? [])
        if (s.Name?.startsWith(prefix) && s.DeletedDate === undefined) names.push(s.Name);
      NextToken = out.NextToken;
    } while (NextToken);
    return names;
  }

  private listPage(prefix: string, NextToken: string | undefined) {
    return this.client.send(
      new this.sdk.ListSecretsCommand({
        MaxResults: 100,
        ...(prefix && { Filters: [{ Key: 'name', Values: [prefix] }] }),
        ...(NextToken && { NextToken }),
      }),
    );
  }
}
