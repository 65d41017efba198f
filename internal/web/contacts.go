package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"postroom/internal/actor"
	"postroom/internal/contacts"
)

// Contacts is the address books' service as the webmail uses it
// (*contacts.Service, C1–C4): who may read or change a book, collation,
// search, import and export are its rules; the handlers translate JSON
// and ids.
type Contacts interface {
	List(ctx context.Context, a actor.Actor, q contacts.Query) (*contacts.Page, error)
	Get(ctx context.Context, a actor.Actor, id int64) (*contacts.Contact, error)
	Create(ctx context.Context, a actor.Actor, c *contacts.Contact) error
	Update(ctx context.Context, a actor.Actor, c *contacts.Contact) error
	Trash(ctx context.Context, a actor.Actor, ids ...int64) error
	Restore(ctx context.Context, a actor.Actor, ids ...int64) error
	Delete(ctx context.Context, a actor.Actor, ids ...int64) error
	Move(ctx context.Context, a actor.Actor, folder int64, ids ...int64) error
	CanWrite(a actor.Actor, b contacts.Book) bool
	Groups(ctx context.Context, a actor.Actor, b contacts.Book) ([]contacts.Group, error)
	CreateGroup(ctx context.Context, a actor.Actor, g *contacts.Group) error
	UpdateGroup(ctx context.Context, a actor.Actor, g *contacts.Group) error
	DeleteGroup(ctx context.Context, a actor.Actor, id int64) error
	Folders(ctx context.Context, a actor.Actor) ([]contacts.Folder, error)
	CreateFolder(ctx context.Context, a actor.Actor, name string) (*contacts.Folder, error)
	RenameFolder(ctx context.Context, a actor.Actor, id int64, name string) error
	DeleteFolder(ctx context.Context, a actor.Actor, id int64) error
	Import(ctx context.Context, a actor.Actor, data []byte, o contacts.ImportOptions) (*contacts.ImportReport, error)
	Export(ctx context.Context, a actor.Actor, w io.Writer, o contacts.ExportOptions) error
	Suggest(ctx context.Context, a actor.Actor, self, q string, limit int) ([]contacts.Suggestion, []contacts.GroupSuggestion, error)
}

var _ Contacts = (*contacts.Service)(nil)

type emailJSON struct {
	Address string `json:"address"`
	Label   string `json:"label"`
}

type phoneJSON struct {
	Number string `json:"number"`
	Label  string `json:"label"`
}

// contactJSON is a contact in the API (ids are the API's).
type contactJSON struct {
	ID         int64       `json:"id"`
	Book       string      `json:"book"`
	Folder     int64       `json:"folder"`
	Name       string      `json:"name"`
	Emails     []emailJSON `json:"emails"`
	Phones     []phoneJSON `json:"phones"`
	Company    string      `json:"company"`
	Department string      `json:"department"`
	Position   string      `json:"position"`
	Address    string      `json:"address"`
	Memo       string      `json:"memo"`
	Birthday   string      `json:"birthday"`
	// Groups, when left out of a PUT, keeps the contact's groups.
	Groups  []int64    `json:"groups"`
	UID     string     `json:"uid"`
	Version int64      `json:"version"`
	Updated *time.Time `json:"updated,omitempty"`
	Deleted *time.Time `json:"deleted,omitempty"`
}

func (s *Server) contactOut(c *contacts.Contact) contactJSON {
	out := contactJSON{
		ID: s.outID(idContact, c.ID), Book: string(c.Book), Folder: s.outID(idContactFolder, c.Folder),
		Name: c.Name, Emails: []emailJSON{}, Phones: []phoneJSON{}, Groups: []int64{},
		Company: c.Company, Department: c.Department, Position: c.Position, Address: c.Address,
		Memo: c.Memo, Birthday: c.Birthday, UID: c.UID, Version: c.Version,
	}
	for _, e := range c.Emails {
		out.Emails = append(out.Emails, emailJSON(e))
	}
	for _, p := range c.Phones {
		out.Phones = append(out.Phones, phoneJSON(p))
	}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, s.outID(idContactGroup, g))
	}
	if !c.Updated.IsZero() {
		u := c.Updated
		out.Updated = &u
	}
	if !c.Deleted.IsZero() {
		d := c.Deleted
		out.Deleted = &d
	}
	return out
}

// contactIn is the service's contact of a request; ok false (answered)
// when an id in it is none.
func (s *Server) contactIn(w http.ResponseWriter, r *http.Request) (*contacts.Contact, bool) {
	var req contactJSON
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return nil, false
	}
	c := &contacts.Contact{
		Book: contacts.Book(req.Book), Name: req.Name, Company: req.Company, Department: req.Department,
		Position: req.Position, Address: req.Address, Memo: req.Memo, Birthday: req.Birthday,
		UID: req.UID, Version: req.Version,
	}
	for _, e := range req.Emails {
		c.Emails = append(c.Emails, contacts.Email(e))
	}
	for _, p := range req.Phones {
		c.Phones = append(c.Phones, contacts.Phone(p))
	}
	if req.Folder != 0 {
		id, ok := s.inID(idContactFolder, req.Folder)
		if !ok {
			s.failContact(w, r, "folder", "not_in_book")
			return nil, false
		}
		c.Folder = id
	}
	if req.Groups != nil {
		ids, ok := s.inIDs(idContactGroup, req.Groups)
		if !ok {
			s.failContact(w, r, "groups", "not_in_book")
			return nil, false
		}
		c.Groups = ids
	}
	return c, true
}

// bookParam reads ?book= (personal when left out).
func bookParam(r *http.Request) contacts.Book {
	if r.URL.Query().Get("book") == string(contacts.Shared) {
		return contacts.Shared
	}
	if b := r.URL.Query().Get("book"); b != "" && b != string(contacts.Personal) {
		return contacts.Book(b) // the service refuses it, naming the field
	}
	return contacts.Personal
}

// queryID reads an API id of kind from the query parameter name: 0 when
// absent, false when it is not one.
func (s *Server) queryID(r *http.Request, kind idKind, name string) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, true
	}
	ext, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false
	}
	return s.inID(kind, ext)
}

func (s *Server) contactList(w http.ResponseWriter, r *http.Request) {
	folder, ok1 := s.queryID(r, idContactFolder, "folder")
	group, ok2 := s.queryID(r, idContactGroup, "group")
	if s.Contacts == nil || !ok1 || !ok2 {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	qv := r.URL.Query()
	page, _ := strconv.Atoi(qv.Get("page"))
	page = max(page, 1)
	size, _ := strconv.Atoi(qv.Get("page_size"))
	if size <= 0 {
		size = contacts.DefaultPageSize
	}
	size = min(size, contacts.MaxPageSize)
	a, book := sessionOf(r).actor, bookParam(r)
	res, err := s.Contacts.List(r.Context(), a, contacts.Query{
		Book: book, Folder: folder, Group: group, Text: qv.Get("q"),
		Trash: qv.Get("trash") == "1", Page: page, PageSize: size,
	})
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	out := make([]contactJSON, 0, len(res.Contacts))
	for i := range res.Contacts {
		out = append(out, s.contactOut(&res.Contacts[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"contacts": out, "total": res.Total, "page": page,
		"page_size": size, "can_edit": s.Contacts.CanWrite(a, book)})
}

func (s *Server) contactGet(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContact, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, err := s.Contacts.Get(r.Context(), sessionOf(r).actor, id)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.contactOut(c))
}

func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, ok := s.contactIn(w, r)
	if !ok {
		return
	}
	if err := s.Contacts.Create(r.Context(), sessionOf(r).actor, c); err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.contactOut(c))
}

func (s *Server) contactUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContact, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	c, ok := s.contactIn(w, r)
	if !ok {
		return
	}
	c.ID = id
	a := sessionOf(r).actor
	if err := s.Contacts.Update(r.Context(), a, c); err != nil {
		s.contactFail(w, r, err)
		return
	}
	saved, err := s.Contacts.Get(r.Context(), a, id)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.contactOut(saved))
}

// contactDelete moves a contact to the trash, or with ?permanent=1
// deletes it.
func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContact, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	del := s.Contacts.Trash
	if r.URL.Query().Get("permanent") == "1" {
		del = s.Contacts.Delete
	}
	if err := del(r.Context(), sessionOf(r).actor, id); err != nil {
		s.contactFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) contactRestore(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(r, idContact, "id")
	if s.Contacts == nil || !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	a := sessionOf(r).actor
	if err := s.Contacts.Restore(r.Context(), a, id); err != nil {
		s.contactFail(w, r, err)
		return
	}
	c, err := s.Contacts.Get(r.Context(), a, id)
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.contactOut(c))
}

// maxContactActionIDs bounds one bulk action: a page of the list at its
// largest.
const maxContactActionIDs = contacts.MaxPageSize

// contactActions applies one action to many contacts: all of them or,
// on an error, none.
func (s *Server) contactActions(w http.ResponseWriter, r *http.Request) {
	if s.Contacts == nil {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	var req struct {
		Action string  `json:"action"`
		IDs    []int64 `json:"ids"`
		Folder int64   `json:"folder"`
	}
	if err := decode(r, &req); err != nil {
		s.failDecode(w, r, err)
		return
	}
	if len(req.IDs) == 0 || len(req.IDs) > maxContactActionIDs {
		s.failContact(w, r, "ids", "count")
		return
	}
	ids, ok := s.inIDs(idContact, req.IDs)
	if !ok {
		s.fail(w, r, http.StatusNotFound, "not_found")
		return
	}
	ctx, a := r.Context(), sessionOf(r).actor
	var err error
	switch req.Action {
	case "trash":
		err = s.Contacts.Trash(ctx, a, ids...)
	case "delete":
		err = s.Contacts.Delete(ctx, a, ids...)
	case "restore":
		err = s.Contacts.Restore(ctx, a, ids...)
	case "move":
		folder := int64(0)
		if req.Folder != 0 {
			if folder, ok = s.inID(idContactFolder, req.Folder); !ok {
				s.failContact(w, r, "folder", "not_in_book")
				return
			}
		}
		err = s.Contacts.Move(ctx, a, folder, ids...)
	default:
		s.fail(w, r, http.StatusBadRequest, "unknown_action")
		return
	}
	if err != nil {
		s.contactFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"done": len(ids)})
}

// contactFail answers an error of the contacts service.
func (s *Server) contactFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *contacts.InvalidError
	switch {
	case errors.As(err, &ie):
		s.failContact(w, r, ie.Field, ie.Reason)
	case errors.Is(err, contacts.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "not_found")
	case errors.Is(err, contacts.ErrForbidden):
		s.fail(w, r, http.StatusForbidden, "forbidden")
	case errors.Is(err, contacts.ErrConflict):
		s.failContactStatus(w, r, http.StatusConflict, "conflict", "")
	case errors.Is(err, contacts.ErrExists):
		s.failContactStatus(w, r, http.StatusConflict, "exists", "")
	case errors.Is(err, contacts.ErrTooLarge):
		s.failTooLarge(w, r, "", contacts.MaxImportSize)
	case errors.Is(err, contacts.ErrEmpty), errors.Is(err, contacts.ErrNotContacts),
		errors.Is(err, contacts.ErrNotVCard), errors.Is(err, contacts.ErrNoNameOrEmailColumn):
		s.failContactStatus(w, r, http.StatusBadRequest, importErrorCode(err), "")
	default:
		s.storeFail(w, r, err)
	}
}

// failContact answers 400 invalid for one field, saying why.
func (s *Server) failContact(w http.ResponseWriter, r *http.Request, field, reason string) {
	msg := contactMessages[language(r)][reason]
	if msg == "" {
		msg = localized(r, "invalid")
	}
	writeJSON(w, http.StatusBadRequest, map[string]fieldError{"error": {Code: "invalid", Reason: reason, Message: msg, Field: field}})
}

func (s *Server) failContactStatus(w http.ResponseWriter, r *http.Request, status int, code, field string) {
	msg := contactMessages[language(r)][code]
	if msg == "" {
		msg = localized(r, code)
	}
	writeJSON(w, status, map[string]fieldError{"error": {Code: code, Message: msg, Field: field}})
}
