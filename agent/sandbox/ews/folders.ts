// The distinguished folders every sandbox mailbox has (the default folders of an Exchange mailbox), and
// their stable ids. `element` is the folder's type in answers (types.xsd: Folder, CalendarFolder, …).
export interface FolderInfo {
  displayName: string;
  folderClass: string;
  parent?: string;
  element: 'Folder' | 'CalendarFolder' | 'ContactsFolder' | 'TasksFolder';
}

/** A folder under the top of the information store. */
function topFolder(displayName: string, folderClass = 'IPF.Note', element: FolderInfo['element'] = 'Folder'): FolderInfo {
  return { displayName, folderClass, parent: 'msgfolderroot', element };
}

export const FOLDERS: Record<string, FolderInfo> = {
  root: { displayName: 'root', folderClass: '', element: 'Folder' },
  msgfolderroot: { displayName: 'Top of Information Store', folderClass: 'IPF.Note', parent: 'root', element: 'Folder' },
  inbox: topFolder('Inbox'),
  sentitems: topFolder('Sent Items'),
  outbox: topFolder('Outbox'),
  drafts: topFolder('Drafts'),
  deleteditems: topFolder('Deleted Items'),
  junkemail: topFolder('Junk Email'),
  calendar: topFolder('Calendar', 'IPF.Appointment', 'CalendarFolder'),
  contacts: topFolder('Contacts', 'IPF.Contact', 'ContactsFolder'),
  tasks: topFolder('Tasks', 'IPF.Task', 'TasksFolder'),
  notes: topFolder('Notes', 'IPF.StickyNote'),
  journal: topFolder('Journal', 'IPF.Journal'),
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
