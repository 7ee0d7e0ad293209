/** Section C of the catalogue: session theft, risky sign-in context and Okta's own signals. */
import type { Rule } from '../../types.js';
import { signInsFromTwoCountries } from './impossible-travel.js';
import { userReportedSuspicious } from './user-reported-suspicious.js';

export const sessionRules: readonly Rule[] = [signInsFromTwoCountries, userReportedSuspicious];
