//go:build !linux

package blob

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("files without a name are Linux's")

// openUnnamed: elsewhere, Put writes a named temporary file and renames it.
func openUnnamed(string) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(*os.File, string) error { return errNoUnnamed }
