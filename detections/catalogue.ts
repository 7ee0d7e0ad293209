/** The detection rules shipped with the integration, in catalogue order (sections A–C: privilege, credential, session; README "Detections"). */
import { credentialRules } from './rules/credential/index.js';
import { privilegeRules } from './rules/privilege/index.js';
import { sessionRules } from './rules/session/index.js';
import type { Rule } from './types.js';
import { validateRules } from './validate.js';

export const catalogue: readonly Rule[] = Object.freeze([...privilegeRules, ...credentialRules, ...sessionRules]);

validateRules(catalogue);

export function findRule(id: string): Rule | undefined {
  return catalogue.find((rule) => rule.id === id);
}
