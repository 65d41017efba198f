package smtpd

import (
	"errors"

	"github.com/emersion/go-smtp"

	"postroom/internal/auth"
	"postroom/internal/deliver"
)

var (
	errShuttingDown = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2}, Message: "Server shutting down, try again later"}
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errTLSRequired  = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
	errNeedUTF8     = &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 6, 7}, Message: "Non-ASCII address requires SMTPUTF8"}
	errNoRecipients = &smtp.SMTPError{Code: 503, EnhancedCode: smtp.EnhancedCode{5, 5, 1}, Message: "Need RCPT before DATA"}
)

// reply translates an error from the services into an SMTP reply.
func reply(err error) error {
	if err == nil {
		return nil
	}
	var de *deliver.Error
	if errors.As(err, &de) {
		return &smtp.SMTPError{Code: de.Code, EnhancedCode: smtp.EnhancedCode(de.Enhanced), Message: de.Message}
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se
	}
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials):
		return smtp.ErrAuthFailed // 535 5.7.8
	case errors.Is(err, auth.ErrSuspended):
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Account suspended"}
	case errors.Is(err, auth.ErrClientAccessOff):
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Mail client access is turned off for this account (Settings > Mail server information)"}
	case errors.Is(err, auth.ErrTLSRequired):
		return errTLSRequired
	case errors.Is(err, auth.ErrTooManyFailures):
		// RFC 4954 §6: a temporary authentication failure
		return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many failed logins for this account or from your address; try again later"}
	case errors.Is(err, auth.ErrBusy):
		return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0}, Message: "Too many logins at once; try again in a few seconds"}
	}
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary local problem, please try again later"}
}
