// What the Contacts screen (contacts*.js) asks of /api/v1: the lists,
// the file upload of an import, and composing to contacts. The screen's
// components call these; the server decides who may see or change a book
// (the shared one is read-only unless its list answer says can_edit).

import { get, post, del, request, query, csrfToken, APIError } from './api.js';
import { compose, expired } from './actions.js';
import { blank } from './compose-init.js';

export const pageSize = 50; // the server's page size; the list shows what it answers

// list reads one page of a book, folder, group, search or the trash.
export function list({ book, folder, group, q, page, trash }) {
  return get('/api/v1/contacts' + query({ book, folder: folder || '', group: group || '', q, page, trash }));
}

// everyone reads every page of a list (a group's members, to write to
// them); groups are small, but the loop stops at 40 pages whatever the
// server says.
export async function everyone(params) {
  const out = [];
  for (let page = 1; page <= 40; page++) {
    const d = await list({ ...params, page });
    out.push(...d.contacts);
    if (!d.contacts.length || out.length >= d.total) break;
  }
  return out;
}

export const groups = (book) => get('/api/v1/contact-groups' + query({ book })).then((d) => d.groups || []);
export const folders = () => get('/api/v1/contact-folders').then((d) => d.folders || []);
export const act = (action, ids, folder) => post('/api/v1/contacts/actions', folder ? { action, ids, folder } : { action, ids });

// canEditShared asks the shared book's first page whether this account may
// change it (its administrators may).
export async function canEditShared() {
  try {
    return !!(await list({ book: 'shared', page: 1 })).can_edit;
  } catch {
    return false;
  }
}

// addressText is a contact's first address as compose writes it
// ("Name <a@b>"); '' when it has none.
export function addressText(c) {
  const a = c.emails?.[0]?.address;
  if (!a) return '';
  return c.name ? `${c.name.replace(/[<>"]/g, '')} <${a}>` : a;
}

// composeTo opens the compose screen with addresses in To. The compose
// route takes one address (#/compose/to=...); several go through a draft
// made with them, as the user's blank message (signature, save sent and
// read receipt defaults), which compose reopens (#/compose/draft=ID) and
// which becomes the sent message.
export async function composeTo(addresses) {
  const seen = new Set();
  const to = addresses.filter((a) => {
    const k = (a.match(/<([^>]*)>$/)?.[1] || a).toLowerCase();
    return a && !seen.has(k) && seen.add(k);
  });
  if (to.length === 1) return compose('to=' + encodeURIComponent(to[0]));
  const b = blank('new');
  const d = await post('/api/v1/drafts', { to, cc: [], bcc: [], subject: '', html: b.html, attachments: [], save_sent: b.saveSent, read_receipt: b.readReceipt });
  compose('draft=' + d.id);
}

// sendFile posts a file as the raw body (what the import routes take)
// and resolves to the JSON answer; onProgress gets the share sent (0..1).
// A refusal rejects with the server's message, as api.js's do.
export function sendFile(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && data) return resolve(data);
      if (xhr.status === 401) expired();
      const err = data?.error || {};
      reject(Object.assign(new APIError(xhr.status, err.code || 'http_' + xhr.status, err.message || xhr.statusText), { field: err.field }));
    };
    xhr.onerror = () => reject(new APIError(0, 'network', 'network'));
    xhr.send(file);
  });
}

export const createGroup = (g) => post('/api/v1/contact-groups', g);
export const updateGroup = (id, g) => request('PUT', '/api/v1/contact-groups/' + id, g);
export const deleteGroup = (id) => del('/api/v1/contact-groups/' + id);
export const createFolder = (name) => post('/api/v1/contact-folders', { name });

// save stores a contact: a new one (no id) or the changes to one.
export function save(c) {
  const body = {
    book: c.book, folder: c.folder || 0, name: c.name, emails: c.emails, phones: c.phones, company: c.company, department: c.department,
    position: c.position, address: c.address, memo: c.memo, birthday: c.birthday, groups: c.groups,
  };
  return c.id ? request('PUT', '/api/v1/contacts/' + c.id, body) : post('/api/v1/contacts', body);
}
