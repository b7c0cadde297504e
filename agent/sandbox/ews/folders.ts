// The distinguished folders every sandbox mailbox has, and their stable ids.
export const FOLDERS: Record<string, { displayName: string; folderClass: string; parent?: string }> = {
  root: { displayName: 'root', folderClass: '' },
  msgfolderroot: { displayName: 'Top of Information Store', folderClass: 'IPF.Note', parent: 'root' },
  inbox: { displayName: 'Inbox', folderClass: 'IPF.Note', parent: 'msgfolderroot' },
  sentitems: { displayName: 'Sent Items', folderClass: 'IPF.Note', parent: 'msgfolderroot' },
  outbox: { displayName: 'Outbox', folderClass: 'IPF.Note', parent: 'msgfolderroot' },
  drafts: { displayName: 'Drafts', folderClass: 'IPF.Note', parent: 'msgfolderroot' },
  deleteditems: { displayName: 'Deleted Items', folderClass: 'IPF.Note', parent: 'msgfolderroot' },
};

export function folderId(owner: string, name: string): string {
  return Buffer.from(`sandbox-folder:${owner}:${name}`, 'utf8').toString('base64');
}

/** The distinguished name of a folder id made by folderId(), for its owner. */
export function folderName(owner: string, id: string): string | undefined {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  const prefix = `sandbox-folder:${owner}:`;
  return decoded.startsWith(prefix) ? decoded.slice(prefix.length) : undefined;
}
