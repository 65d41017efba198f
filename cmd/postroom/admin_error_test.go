package main

import (
	"strings"
	"testing"

	"postroom/internal/admin"
)

// The command line says why an address is refused when a mailing list
// has it, not a generic "--email is not valid".
func TestAdminError_addressTakenByList(t *testing.T) {
	err := adminError(&admin.InvalidError{Field: "email", Code: "address_taken_by_list", Value: "sales@example.test"})
	if err == nil || !strings.Contains(err.Error(), "sales@example.test") || !strings.Contains(err.Error(), "mailing list") {
		t.Fatalf("%v", err)
	}
}
