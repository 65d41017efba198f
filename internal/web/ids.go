package web

import (
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"net/http"
	"strconv"
)

// The store numbers rows in one sequence for every tenant, so its ids
// tell whoever sees two of them how much mail, how many folders and
// accounts the whole installation took in between (issue 13). The API
// shows other numbers: each kind of id goes through its own keyed
// permutation of the 52-bit integers (a Feistel network with AES as its
// round function), which is one to one, so nothing is stored, and looks
// random without the key. 52 bits keeps every id a safe JavaScript
// integer. An id that does not decode to a row the actor owns is refused
// by the service as not found, like any other.

// idKind separates the permutations: message 5 and mailbox 5 get
// unrelated numbers, and a message's number used as a mailbox finds
// nothing.
type idKind uint8

const (
	idMessage idKind = iota + 1
	idMailbox
	idThread
	idUpload
	idQueue
	idAccount
	idDomain
	idFilter
	idJob
	idContact
	idContactGroup
	idContactFolder
	idDepartment
	idList
	idToken
	idAudit
	idExternal
)

const (
	idHalfBits = 26
	idHalfMask = 1<<idHalfBits - 1
	idLimit    = 1 << (2 * idHalfBits) // ids are 1 .. idLimit-1
	idRounds   = 4
)

// idCodec is the permutation; nil leaves ids as the store numbers them
// (the package's own tests, which build URLs from store ids; the server
// always has a key).
type idCodec struct{ block cipher.Block }

// newIDCodec makes the codec of a 16, 24 or 32-byte key (the store's
// secret "web-ids", the same on every node and after a restart, so that
// links and bookmarks keep working).
func newIDCodec(key []byte) (*idCodec, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &idCodec{block: b}, nil
}

func (c *idCodec) f(kind idKind, round int, half uint64) uint64 {
	var b [aes.BlockSize]byte
	b[0], b[1] = byte(kind), byte(round)
	binary.BigEndian.PutUint64(b[8:], half)
	c.block.Encrypt(b[:], b[:])
	return binary.BigEndian.Uint64(b[:8]) & idHalfMask
}

func (c *idCodec) permute(kind idKind, v uint64) uint64 {
	l, r := v>>idHalfBits, v&idHalfMask
	for i := range idRounds {
		l, r = r, l^c.f(kind, i, r)
	}
	return l<<idHalfBits | r
}

func (c *idCodec) unpermute(kind idKind, v uint64) uint64 {
	l, r := v>>idHalfBits, v&idHalfMask
	for i := idRounds - 1; i >= 0; i-- {
		l, r = r^c.f(kind, i, l), l
	}
	return l<<idHalfBits | r
}

// encode maps 1..idLimit-1 onto itself; 0 ("none") stays 0. The
// permutation is of 0..idLimit-1, so a value that lands on 0 is walked on
// once more (cycle walking), and decode walks back the same way.
func (c *idCodec) encode(kind idKind, id int64) int64 {
	if c == nil || id <= 0 || id >= idLimit {
		return id
	}
	v := c.permute(kind, uint64(id))
	for v == 0 {
		v = c.permute(kind, v)
	}
	return int64(v)
}

func (c *idCodec) decode(kind idKind, ext int64) (int64, bool) {
	if ext <= 0 || ext >= idLimit {
		return 0, false
	}
	if c == nil {
		return ext, true
	}
	v := c.unpermute(kind, uint64(ext))
	for v == 0 {
		v = c.unpermute(kind, v)
	}
	return int64(v), true
}

// outID is the API's number for a store id.
func (s *Server) outID(kind idKind, id int64) int64 { return s.ids.encode(kind, id) }

// inID is the store id of an API number; false when it is none.
func (s *Server) inID(kind idKind, ext int64) (int64, bool) { return s.ids.decode(kind, ext) }

// inIDs is inID of each; false when any is none.
func (s *Server) inIDs(kind idKind, ext []int64) ([]int64, bool) {
	ids := make([]int64, len(ext))
	for i, e := range ext {
		id, ok := s.ids.decode(kind, e)
		if !ok {
			return nil, false
		}
		ids[i] = id
	}
	return ids, true
}

// pathID reads the id in the path segment name; false (answered 404 by
// the caller) when it is not one.
func (s *Server) pathID(r *http.Request, kind idKind, name string) (int64, bool) {
	ext, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, false
	}
	return s.ids.decode(kind, ext)
}
