// m:<Op>ResponseMessage elements. Error messages carry Exchange's own wording.
import { esc } from '../xml/escape.ts';

const ERROR_TEXT: Record<string, string> = {
  ErrorSendAsDenied: 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
  ErrorInvalidRecipients: 'At least one recipient is not valid., A message can\'t be sent because it contains no recipients.',
  ErrorItemNotFound: 'The specified object was not found in the store., The process failed to get the correct properties.',
  ErrorNameResolutionNoResults: 'No results were found.',
  ErrorInvalidIdMalformed: 'Id is malformed.',
  ErrorFolderNotFound: 'The specified folder could not be found in the store.',
  ErrorUnsupportedPathForQuery: 'The property path is not supported for this query; the sandbox restricts on message:InternetMessageId or item:Subject.',
  ErrorInvalidOperation: 'The operation is not supported by the sandbox.',
  ErrorAccessDenied: 'Access is denied. Check credentials and try again.',
  ErrorNonExistentMailbox: 'The SMTP address has no mailbox associated with it.',
  ErrorInvalidSmtpAddress: 'The SMTP address format is invalid.',
  ErrorNameResolutionMultipleResults: 'Multiple results were found.',
  ErrorMessageSizeExceeded: 'The message exceeds the maximum supported size.',
  ErrorBatchProcessingStopped: 'The batch took too long: this item and the ones after it were not processed.',
  ErrorInternalServerError: 'An internal server error occurred. The operation failed.',
  ErrorMessageDispositionRequired: 'MessageDisposition attribute is required.',
  ErrorSavedItemFolderNotFound: 'The folder in which items were to be saved could not be found.',
  ErrorInvalidSendItemSaveSettings: 'Invalid combination of SaveItemToFolder attribute and SavedItemFolderId element.',
};

export function success(op: string, inner = ''): string {
  return `<m:${op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${op}ResponseMessage>`;
}

export interface FailureOptions {
  /** 'Warning' for ErrorBatchProcessingStopped, as Exchange answers the items it did not get to. */
  responseClass?: 'Error' | 'Warning';
  /** m:MessageXml name/value pairs (the inner error of an ErrorInternalServerError). */
  values?: Record<string, string>;
  /** Replaces the standard MessageText. */
  text?: string;
}

export function failure(op: string, code: string, after = '', options: FailureOptions = {}): string {
  const text = options.text ?? ERROR_TEXT[code] ?? code;
  const values = Object.entries(options.values ?? {})
    .map(([name, value]) => `<t:Value Name="${esc(name)}">${esc(value)}</t:Value>`).join('');
  return `<m:${op}ResponseMessage ResponseClass="${options.responseClass ?? 'Error'}"><m:MessageText>${esc(text)}</m:MessageText>` +
    `<m:ResponseCode>${esc(code)}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>` +
    `${values ? `<m:MessageXml>${values}</m:MessageXml>` : ''}${after}</m:${op}ResponseMessage>`;
}

/**
 * HTTP 200 with ErrorInternalServerError wrapping the real code, as Exchange answers a request it failed
 * inside (the inner code in m:MessageXml: InnerErrorMessageText, InnerErrorResponseCode,
 * InnerErrorDescriptiveLinkKey; see Microsoft's "EWS throttling in Exchange", table 4).
 */
export function internalError(op: string, innerCode: string, innerText: string, after = ''): string {
  return failure(op, 'ErrorInternalServerError', after, {
    text: `${ERROR_TEXT.ErrorInternalServerError}, ${innerText}`,
    values: { InnerErrorMessageText: innerText, InnerErrorResponseCode: innerCode, InnerErrorDescriptiveLinkKey: '0' },
  });
}

/** ResponseClass="Warning": the operation did its work, with a reason attached (e.g. several names matched). */
export function warning(op: string, code: string, inner: string): string {
  return failure(op, code, inner, { responseClass: 'Warning' });
}

export function itemIdXml(id: string, changeKey: string): string {
  return `<t:ItemId Id="${esc(id)}" ChangeKey="${esc(changeKey)}"/>`;
}
