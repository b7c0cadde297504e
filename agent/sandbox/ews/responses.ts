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
};

export function success(op: string, inner = ''): string {
  return `<m:${op}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>${inner}</m:${op}ResponseMessage>`;
}

export function failure(op: string, code: string, after = '', responseClass: 'Error' | 'Warning' = 'Error'): string {
  const text = ERROR_TEXT[code] ?? code;
  return `<m:${op}ResponseMessage ResponseClass="${responseClass}"><m:MessageText>${esc(text)}</m:MessageText>` +
    `<m:ResponseCode>${esc(code)}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>${after}</m:${op}ResponseMessage>`;
}

/** ResponseClass="Warning": the operation did its work, with a reason attached (e.g. several names matched). */
export function warning(op: string, code: string, inner: string): string {
  return failure(op, code, inner, 'Warning');
}

export function itemIdXml(id: string, changeKey: string): string {
  return `<t:ItemId Id="${esc(id)}" ChangeKey="${esc(changeKey)}"/>`;
}
