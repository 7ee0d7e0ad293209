// Integration and tenant names are shown in the Temporal UI, Slack messages and the findings page: refused at the
// door when empty, too long or holding characters that change how the text reads.
import { describe, expect, it } from 'vitest';
import { checkDisplayName, IntegrationInputError, MAX_NAME_LENGTH } from '../../integrations/create.js';

const refusal = (name: string) => {
  try {
    checkDisplayName('The name', name);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationInputError);
    return (error as Error).message;
  }
};

describe('checkDisplayName', () => {
  it('accepts names of any script up to the limit, counted in characters', () => {
    for (const name of ['Acme Okta', 'Société Générale — prod', '株式会社 Okta', 'Ω'.repeat(MAX_NAME_LENGTH - 1) + '😀', "O'Brien & Co <prod>"]) {
      expect(refusal(name), name).toBeUndefined();
    }
  });

  it('refuses empty names, names over the limit and control or text-direction characters, naming the problem', () => {
    expect(refusal('')).toBe('The name is empty.');
    expect(refusal(' \t ')).toBe('The name is empty.');
    expect(refusal('a\tb')).toBe('The name contains a control or text-direction character (U+0009); use plain text.');
    expect(refusal('x'.repeat(MAX_NAME_LENGTH + 1))).toBe(`The name has ${MAX_NAME_LENGTH + 1} characters; use at most ${MAX_NAME_LENGTH}.`);
    expect(refusal('Acme\r\nNew line')).toBe('The name contains a control or text-direction character (U+000D); use plain text.');
    expect(refusal('invoice\u202Efdp.exe')).toBe('The name contains a control or text-direction character (U+202E); use plain text.');
    expect(refusal('a\u2067b')).toBe('The name contains a control or text-direction character (U+2067); use plain text.');
    expect(refusal('nul\u0000')).toBe('The name contains a control or text-direction character (U+0000); use plain text.');
  });
});
