// Package architecture checks rules of DESIGN.md that the compiler does
// not: here, that adapters call services, never the store.
package architecture

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// adapters are the packages that translate a wire format into service
// calls (DESIGN.md, "Rules live in services"). In cmd/postroom only the
// files that open the backends and wire them to the services may name
// the store.
var adapters = []string{
	"postroom/internal/web",
	"postroom/internal/imapd",
	"postroom/internal/pop3d",
	"postroom/internal/smtpd",
	"postroom/cmd/postroom",
}

var wiring = map[string]bool{
	"cmd/postroom/data.go":      true,
	"cmd/postroom/cmd_serve.go": true,
	"cmd/postroom/backends.go":  true,
}

// listed is what `go list -json` says of a package.
type listed struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
}

// TestAdapters_callServicesNotTheStore fails for every call, in an adapter
// package's non-test code, of a method of the storage ports (the
// interfaces of packages store and blob, or a backend's type): such a
// call is a rule, or a tenancy check, that the other adapters do not
// share.
func TestAdapters_callServicesNotTheStore(t *testing.T) {
	pkgs := goList(t, adapters)
	exports := map[string]string{}
	for _, p := range pkgs {
		exports[p.ImportPath] = p.Export
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f := exports[path]
		if f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	root := moduleRoot(t)
	var violations []string
	for _, p := range pkgs {
		if !isAdapter(p.ImportPath) {
			continue
		}
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", p.ImportPath, err)
		}
		for expr, sel := range info.Selections {
			if !storeMethod(sel) {
				continue
			}
			pos := fset.Position(expr.Pos())
			rel, _ := filepath.Rel(root, pos.Filename)
			if wiring[filepath.ToSlash(rel)] {
				continue
			}
			violations = append(violations, fmt.Sprintf("%s:%d: %s", filepath.ToSlash(rel), pos.Line, types.ExprString(expr)))
		}
	}
	sort.Strings(violations)
	for _, v := range violations {
		t.Errorf("an adapter calls the store: %s", v)
	}
	if len(violations) > 0 {
		t.Logf("%d calls; give the adapter a service (a small interface declared where it is used) instead", len(violations))
	}
}

func isAdapter(path string) bool {
	for _, a := range adapters {
		if path == a {
			return true
		}
	}
	return false
}

// storeMethod reports whether sel is a method of a storage port: one
// declared on an interface of package store or blob (however it is
// reached: store.Store, an embedding interface, a narrow interface that
// embeds a store interface), or on a backend's type (*sqlite.Store,
// *postgres.Store, *blob.FS, *s3.Store).
func storeMethod(sel *types.Selection) bool {
	if sel.Kind() != types.MethodVal && sel.Kind() != types.MethodExpr {
		return false
	}
	fn, ok := sel.Obj().(*types.Func)
	if !ok || fn.Pkg() == nil {
		return false
	}
	path := fn.Pkg().Path()
	switch path {
	case "postroom/internal/store/storetest", "postroom/internal/store/postgres/pgtest",
		"postroom/internal/blob/blobtest", "postroom/internal/blob/s3/s3test":
		return false // the backends' tests
	}
	if strings.HasPrefix(path, "postroom/internal/store/") || strings.HasPrefix(path, "postroom/internal/blob/") {
		return true // a backend: *sqlite.Store, *s3.Store
	}
	if path != "postroom/internal/store" && path != "postroom/internal/blob" {
		return false
	}
	// the ports' interfaces, and the blob backend (*blob.FS); not the
	// store's data types (store.Account.Address and the like)
	recv := fn.Type().(*types.Signature).Recv()
	if recv == nil {
		return false
	}
	if types.IsInterface(recv.Type()) {
		return true
	}
	named, ok := types.Unalias(derefType(recv.Type())).(*types.Named)
	return ok && path == "postroom/internal/blob" && named.Obj().Name() == "FS"
}

func derefType(t types.Type) types.Type {
	if p, ok := t.(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

func goList(t *testing.T, pkgs []string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles"}, pkgs...)...)
	cmd.Dir = moduleRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var all []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p listed
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		all = append(all, p)
	}
	return all
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
