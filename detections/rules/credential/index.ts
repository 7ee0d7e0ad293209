/** Section B of the catalogue: credential attacks (brute force, spray, stuffing, MFA fatigue). */
import type { Rule } from '../../types.js';
import { mfaPushBombing } from './mfa-push-bombing.js';
import { passwordSpraySingleSource } from './password-spray.js';

export const credentialRules: readonly Rule[] = [passwordSpraySingleSource, mfaPushBombing];
