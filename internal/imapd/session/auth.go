package session

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"postroom/internal/auth"
	"postroom/internal/imapd/wire"
	"postroom/internal/store"
)

// starttls answers STARTTLS (RFC 9051 §6.2.1): the handshake follows the
// tagged OK; octets the client sent behind the command end the session
// (they would be read as if they came through TLS, CVE-2011-0411).
func (s *Session) starttls(*wire.Command) error {
	if s.tls {
		return bad(wire.Code{}, "TLS is already active")
	}
	if s.cfg.TLS == nil {
		return no(wire.CodeCannot, "TLS is not configured on this server")
	}
	return &handled{err: ok(wire.Code{}, "Begin TLS negotiation now"), after: s.startTLS}
}

func (s *Session) startTLS() error {
	if s.br.Buffered() > 0 {
		return errors.New("client sent data behind STARTTLS")
	}
	tc := tls.Server(s.conn, s.cfg.TLS)
	_ = tc.SetDeadline(time.Now().Add(s.commandTimeout()))
	if err := tc.HandshakeContext(s.ctx); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	_ = tc.SetDeadline(time.Time{})
	s.conn, s.tls = tc, true
	s.br = bufio.NewReader(tc)
	s.r.Reset(s.br)
	utf8 := s.w.UTF8
	s.w = wire.NewWriter(s.writeTarget(tc))
	s.w.UTF8 = utf8
	return nil
}

// login answers LOGIN (RFC 9051 §6.2.3).
func (s *Session) login(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Login)
	if a == nil {
		return bad(wire.Code{}, "LOGIN needs a user name and a password")
	}
	return s.logIn(a.User, a.Password)
}

// logIn checks the credentials and admits the session.
func (s *Session) logIn(user, password string) error {
	acct, err := s.cfg.Auth.Login(s.ctx, auth.Request{Address: user, Password: password, Protocol: auth.ProtoIMAP,
		Remote: s.raw.RemoteAddr(), TLS: s.tls})
	if err != nil {
		s.log().Info("imap login refused", "user", user, "remote", s.raw.RemoteAddr().String(), "err", err)
		return loginStatus(err)
	}
	return s.admit(acct)
}

func (s *Session) admit(acct *store.Account) error {
	if s.cfg.Admit != nil {
		release, admitted := s.cfg.Admit(acct.ID)
		if !admitted {
			return no(wire.CodeLimit, "Too many connections for this account; close another mail client")
		}
		s.release = release
	}
	s.acct, s.state = acct, Authenticated
	return ok(wire.CodeCapability(s.capabilities()...), "Logged in")
}

// authenticate answers AUTHENTICATE PLAIN (RFC 9051 §6.2.2, RFC 4616),
// with an initial response (SASL-IR, RFC 4959) or after an empty
// challenge; "*" cancels.
func (s *Session) authenticate(cmd *wire.Command) error {
	a, _ := cmd.Args.(*wire.Authenticate)
	if a == nil {
		return bad(wire.Code{}, "AUTHENTICATE needs a mechanism")
	}
	if a.Mechanism != "PLAIN" {
		return no(wire.Code{}, "Unsupported SASL mechanism; use PLAIN")
	}
	if !s.cfg.Auth.PlaintextAllowed(s.raw.RemoteAddr(), s.tls) {
		// not offered (LOGINDISABLED): refused before the password is sent
		return no(wire.CodePrivacyReq, "Use STARTTLS or port 993 before sending a password")
	}
	resp := a.InitialResponse
	if !a.HasInitial {
		if err := s.w.ContinueBase64(""); err != nil {
			return err
		}
		if err := s.w.Flush(); err != nil {
			return err
		}
		r, cancelled, err := s.r.ReadSASLResponse()
		if err != nil {
			var we *wire.Error
			if errors.As(err, &we) {
				return &Status{"BAD", wire.Code{}, we.Text}
			}
			return errClosed
		}
		if cancelled {
			return bad(wire.Code{}, "Authentication cancelled")
		}
		resp = r
	}
	var raw []byte
	if resp != "=" {
		var err error
		if raw, err = base64.StdEncoding.DecodeString(resp); err != nil {
			return bad(wire.CodeClientBug, "Invalid base64 in the PLAIN response")
		}
	}
	parts := bytes.Split(raw, []byte{0})
	if len(parts) != 3 {
		return bad(wire.CodeClientBug, "Malformed PLAIN response: want authorization identity, user name and password separated by NUL")
	}
	if len(parts[0]) > 0 && !bytes.Equal(parts[0], parts[1]) {
		return no(wire.CodeAuthzFailed, "Logging in as another user is not supported")
	}
	return s.logIn(string(parts[1]), string(parts[2]))
}
