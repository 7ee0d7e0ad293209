/** Section B of the catalogue: credential attacks (brute force, spray, stuffing, MFA fatigue), in catalogue order. */
import type { Rule } from '../../types.js';
import { accountLocked, manyAccountsLocked, repeatedLockoutsUser } from './account-lockout.js';
import {
  bruteForceByIp,
  bruteForceByUser,
  bruteForceDeviceTokenRotation,
  bruteForceMultiSource,
  bruteForceNoDeviceToken,
  bruteForceUserAgentRotation,
} from './brute-force.js';
import { credentialStuffing } from './credential-stuffing.js';
import { deviceTokenManyUsers, deviceTokenManyUsersBehindProxy } from './device-token-many-users.js';
import { mfaChallengeFailed } from './mfa-challenge-failed.js';
import { mfaPushBombing } from './mfa-push-bombing.js';
import { pushSourceResponseMismatch } from './mfa-push-mismatch.js';
import { passwordInUsername } from './password-in-username.js';
import { massPasswordReset, resetUnlockFlood } from './password-reset.js';
import { passwordSprayDistributed, passwordSpraySingleSource } from './password-spray.js';

import { mfaPushBombingSuccess, successAfterCredentialAttack } from './attack-then-success.js';
import { singleFactorSuccess } from './single-factor-success.js';

export const credentialRules: readonly Rule[] = [
  accountLocked, // B32
  repeatedLockoutsUser, // B33
  manyAccountsLocked, // B34
  bruteForceByUser, // B35
  bruteForceByIp, // B36
  bruteForceMultiSource, // B37
  bruteForceDeviceTokenRotation, // B38
  bruteForceNoDeviceToken, // B38
  bruteForceUserAgentRotation, // B38
  passwordSpraySingleSource, // B39
  passwordSprayDistributed, // B40
  credentialStuffing, // B41
  deviceTokenManyUsers, // B42
  deviceTokenManyUsersBehindProxy, // B42
  successAfterCredentialAttack, // B43
  mfaPushBombing, // B44
  mfaPushBombingSuccess, // B45
  pushSourceResponseMismatch, // B46
  mfaChallengeFailed, // B47
  resetUnlockFlood, // B48
  massPasswordReset, // B48
  passwordInUsername, // B49
  singleFactorSuccess, // B50
];
