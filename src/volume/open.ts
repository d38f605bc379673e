import { resolve } from 'node:path';
import type { Logger } from 'pino';
import type { VolumeStoreSettings } from '../config/model.js';
import { EgError } from '../errors.js';
import { RedisVolumeStore } from './redis.js';
import { SqliteVolumeStore } from './sqlite.js';
import type { VolumeStore } from './store.js';

/** Opens the store a policy names. A relative SQLite path is taken from the working directory
 *  (like `redaction.hash.key_file`). Throws EG_CONFIG_INVALID for a Redis password variable that
 *  is not set; a store that cannot be opened throws its own error (the caller fails closed). */
export function openVolumeStore(settings: VolumeStoreSettings, log?: Logger): VolumeStore {
  switch (settings.kind) {
    case 'memory':
      return new SqliteVolumeStore(':memory:');
    case 'sqlite':
      return new SqliteVolumeStore(resolve(settings.path));
    case 'redis': {
      let password: string | undefined;
      if (settings.passwordEnv !== null) {
        password = process.env[settings.passwordEnv];
        if (password === undefined) throw new EgError('EG_CONFIG_INVALID', `environment variable ${settings.passwordEnv} (volume.store.redis.password_env) is not set`);
      }
      return new RedisVolumeStore({ url: settings.url, keyPrefix: settings.keyPrefix, exactLimit: settings.exactLimit, ...(password !== undefined ? { password } : {}), ...(log ? { log } : {}) });
    }
  }
}

/** For in-process evaluation (`test`, `explain`) and embedding: counts kept in memory, whatever
 *  the policy names, so evaluating a policy never touches the production store. */
export function openMemoryStore(): VolumeStore {
  return new SqliteVolumeStore(':memory:');
}
