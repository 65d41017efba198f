package imapd

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// notCommands are the session's methods that need no login check: the
// login itself, the end of the session, and what the library asks
// outside a logged-in command.
var notCommands = map[string]bool{
	"Close": true, "Login": true, "Authenticate": true, "AuthenticateMechanisms": true,
	"Unauthenticate": true, "AppendLimit": true,
}

// Every exported method of session is a command the library may call on
// a logged-in session: loginChecked must check before it (a method added
// to session without its check would answer after the account was
// suspended or its password changed).
func TestLoginChecked_coversEveryCommand(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	methods := map[string]map[string]bool{"session": {}, "loginChecked": {}}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || !fn.Name.IsExported() {
				continue
			}
			typ := fn.Recv.List[0].Type
			if star, ok := typ.(*ast.StarExpr); ok {
				typ = star.X
			}
			if id, ok := typ.(*ast.Ident); ok && methods[id.Name] != nil {
				methods[id.Name][fn.Name.Name] = true
			}
		}
	}
	if len(methods["session"]) < 10 {
		t.Fatalf("found only %d methods of session: %v", len(methods["session"]), methods["session"])
	}
	for m := range methods["session"] {
		if !notCommands[m] && !methods["loginChecked"][m] {
			t.Errorf("session.%s has no login check in loginChecked (login_check.go)", m)
		}
	}
}
