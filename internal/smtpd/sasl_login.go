package smtpd

import "github.com/emersion/go-sasl"

// loginServer is the server side of the obsolete but widespread LOGIN
// mechanism (draft-murchison-sasl-login): Outlook and many phones still
// offer only LOGIN. go-sasl has the client side only.
type loginServer struct {
	auth     func(username, password string) error
	username string
	step     int
}

func newLoginServer(auth func(username, password string) error) sasl.Server {
	return &loginServer{auth: auth}
}

// Next implements sasl.Server. An initial response, if any, is the user name.
func (l *loginServer) Next(response []byte) ([]byte, bool, error) {
	switch l.step {
	case 0:
		l.step = 1
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.username = string(response)
		l.step = 2
		return []byte("Password:"), false, nil
	default:
		return nil, true, l.auth(l.username, string(response))
	}
}
