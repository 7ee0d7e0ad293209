/** The one error type of the Sigma loader: where (file, line), which rule, and what is wrong or unsupported. */

export interface SigmaLoadErrorInit {
  readonly file: string;
  /** 1-based line in the file, when known. */
  readonly line?: number;
  readonly ruleTitle?: string;
  /** The Sigma `id` as written in the rule (not the compiled `sigma-…` id). */
  readonly ruleId?: string;
  /** What is wrong, phrased to follow the rule's name: "uses the modifier 'base64', which is not supported". */
  readonly detail: string;
  /** Short name of the unsupported Sigma feature, when that is the reason: "modifier 'base64'", "correlation rule". */
  readonly feature?: string;
}

export class SigmaLoadError extends Error {
  override readonly name = 'SigmaLoadError';
  readonly file: string;
  readonly line?: number;
  readonly ruleTitle?: string;
  readonly ruleId?: string;
  readonly detail: string;
  readonly feature?: string;

  constructor(init: SigmaLoadErrorInit) {
    super(formatMessage(init));
    this.file = init.file;
    this.line = init.line;
    this.ruleTitle = init.ruleTitle;
    this.ruleId = init.ruleId;
    this.detail = init.detail;
    this.feature = init.feature;
  }
}

/** `sigma-rules/x.yml:14: rule 'Foo' (5f1c…) uses the modifier 'base64offset', which is not supported` */
function formatMessage({ file, line, ruleTitle, ruleId, detail }: SigmaLoadErrorInit): string {
  const where = line === undefined ? file : `${file}:${line}`;
  let subject: string;
  if (ruleTitle !== undefined && ruleId !== undefined) subject = `rule '${ruleTitle}' (${ruleId})`;
  else if (ruleTitle !== undefined) subject = `rule '${ruleTitle}'`;
  else if (ruleId !== undefined) subject = `rule ${ruleId}`;
  else subject = 'the rule';
  return `${where}: ${subject} ${detail}`;
}
