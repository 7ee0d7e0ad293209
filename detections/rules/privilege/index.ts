/** Section A of the catalogue: privilege, persistence and tenant configuration. */
import type { Rule } from '../../types.js';
import { adminRoleGrantedToGroup, adminRoleGrantedToUser } from './admin-role-granted.js';
import { apiTokenCreated } from './api-token-created.js';

export const privilegeRules: readonly Rule[] = [adminRoleGrantedToUser, adminRoleGrantedToGroup, apiTokenCreated];
