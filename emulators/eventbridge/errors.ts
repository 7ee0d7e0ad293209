// Errors as EventBridge's JSON protocol (awsJson1_1) returns them: HTTP 400 (500 for InternalException)
// with `{"__type": "<ErrorName>", "message": "..."}`. @aws-sdk/client-eventbridge reads the name from
// `__type` and throws its class of that name (ResourceNotFoundException, …) or, for names outside its
// model (ValidationException), an EventBridgeServiceException carrying that name.

export type ErrorName =
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'InvalidEventPatternException'
  | 'LimitExceededException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalException';

export class ApiError extends Error {
  constructor(
    readonly type: ErrorName,
    message: string,
    readonly status = type === 'InternalException' ? 500 : 400,
  ) {
    super(message);
  }

  body(): { __type: ErrorName; message: string } {
    return { __type: this.type, message: this.message };
  }
}

export const notFound = (message: string) => new ApiError('ResourceNotFoundException', message);
export const alreadyExists = (message: string) => new ApiError('ResourceAlreadyExistsException', message);
export const invalid = (message: string) => new ApiError('ValidationException', message);
