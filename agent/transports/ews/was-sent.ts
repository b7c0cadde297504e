// Whether Sent Items holds a message with this Message-ID: how a retry after a lost answer avoids a duplicate.
import { BasePropertySet, EmailMessageSchema, ItemView, PropertySet, SearchFilter, WellKnownFolderName, type ExchangeService } from 'ews-javascript-api';
import { xmlText } from './service.ts';

export async function findSent(service: ExchangeService, messageId: string): Promise<boolean> {
  const view = new ItemView(1);
  view.PropertySet = new PropertySet(BasePropertySet.IdOnly);
  const filter = new SearchFilter.IsEqualTo(EmailMessageSchema.InternetMessageId, xmlText(messageId));
  const found = await service.FindItems(WellKnownFolderName.SentItems, filter, view);
  return found.Items.length > 0;
}
