// The distinguished folders every sandbox mailbox has (the default folders of an Exchange mailbox), and
// their stable ids. `element` is the folder's type in answers (types.xsd: Folder, CalendarFolder, …).
export interface FolderInfo {
  displayName: string;
  folderClass: string;
  parent?: string;
  element: 'Folder' | 'CalendarFolder' | 'ContactsFolder' | 'TasksFolder';
}

export const FOLDERS: Record<string, FolderInfo> = {
  root: { displayName: 'root', folderClass: '', element: 'Folder' },
  msgfolderroot: { displayName: 'Top of Information Store', folderClass: 'IPF.Note', parent: 'root', element: 'Folder' },
  inbox: { displayName: 'Inbox', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  sentitems: { displayName: 'Sent Items', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  outbox: { displayName: 'Outbox', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  drafts: { displayName: 'Drafts', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  deleteditems: { displayName: 'Deleted Items', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  junkemail: { displayName: 'Junk Email', folderClass: 'IPF.Note', parent: 'msgfolderroot', element: 'Folder' },
  calendar: { displayName: 'Calendar', folderClass: 'IPF.Appointment', parent: 'msgfolderroot', element: 'CalendarFolder' },
  contacts: { displayName: 'Contacts', folderClass: 'IPF.Contact', parent: 'msgfolderroot', element: 'ContactsFolder' },
  tasks: { displayName: 'Tasks', folderClass: 'IPF.Task', parent: 'msgfolderroot', element: 'TasksFolder' },
  notes: { displayName: 'Notes', folderClass: 'IPF.StickyNote', parent: 'msgfolderroot', element: 'Folder' },
  journal: { displayName: 'Journal', folderClass: 'IPF.Journal', parent: 'msgfolderroot', element: 'Folder' },
};

export function folderId(owner: string, name: string): string {
  return Buffer.from(`sandbox-folder:${owner}:${name}`, 'utf8').toString('base64');
}

/** The owner and distinguished name of a folder id made by folderId(), or undefined for anything else. */
export function decodeFolderId(id: string): { owner: string; name: string } | undefined {
  const bytes = Buffer.from(id, 'base64');
  if (bytes.toString('base64') !== id) return undefined;
  const match = /^sandbox-folder:([^:]+):([a-z]+)$/.exec(bytes.toString('utf8'));
  return match && FOLDERS[match[2] ?? ''] ? { owner: match[1] ?? '', name: match[2] ?? '' } : undefined;
}

/** The distinguished name of a folder id made by folderId(), for its owner. */
export function folderName(owner: string, id: string): string | undefined {
  const decoded = decodeFolderId(id);
  return decoded?.owner === owner ? decoded.name : undefined;
}
