package storetest

import "bytes"

var secretTests = []test{
	{"secret_madeOnceThenTheSame", testSecret},
}

func testSecret(e *env) {
	a, err := e.s.Secret(e.ctx, "inline", 32)
	e.ok(err, "Secret")
	if len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		e.Fatalf("Secret: %x", a)
	}
	again, err := e.s.Secret(e.ctx, "inline", 32)
	e.ok(err, "Secret(again)")
	other, err := e.s.Secret(e.ctx, "other", 32)
	e.ok(err, "Secret(other)")
	if !bytes.Equal(a, again) || bytes.Equal(a, other) {
		e.Errorf("the same name must give the same key, another name another: %x %x %x", a, again, other)
	}
}
