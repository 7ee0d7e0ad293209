/**
 * A user in a hurry types their password into the username box, fails, and signs in properly a
 * moment later. Not an attack, but the password now sits in clear text in the System Log
 * (`actor.alternateId` of the failure) and in every copy of it.
 */
import { unknownActor } from '../events.js';
import type { Random } from '../random.js';
import { failedSignIn, successfulSignIn } from '../sign-in.js';
import { SECOND, addMs } from '../time.js';
import { chooseVictim, defineScenario, homeSource } from './context.js';

export interface PasswordInUsernameOptions {
  userId?: string;
}

export interface PasswordInUsernameSubjects {
  userId: string;
  /** The user's own address, which the detection is keyed on (never the typed secret). */
  sourceIp: string;
  /** What ended up in actor.alternateId. */
  typedLogin: string;
}

/** Passwords of the kind people choose when a policy asks for a capital, a digit and a symbol. */
function typicalPassword(rng: Random): string {
  const word = rng.pick(['Summer', 'Winter', 'Sunshine', 'Dragon', 'Welcome', 'Football', 'Monkey', 'Autumn']);
  return `${word}${rng.int(2019, 2026)}${rng.pick(['!', '#', '$', '!!', '*'])}`;
}

export const passwordInUsername = defineScenario<PasswordInUsernameOptions, PasswordInUsernameSubjects>({
  description: 'A failed user.session.start whose login is a password, then the same person signing in correctly',
  build(context, options) {
    const { org, rng, at } = context;
    const user = chooseVictim(context, options.userId);
    const source = homeSource(context, user);
    const typedLogin = typicalPassword(rng);
    const failure = failedSignIn(rng, unknownActor(typedLogin), source, at);
    const retry = successfulSignIn(rng, org, user, source, addMs(at, rng.int(15, 60) * SECOND));
    return { events: [failure, ...retry.events], subjects: { userId: user.id, sourceIp: source.origin.ip, typedLogin } };
  },
});
