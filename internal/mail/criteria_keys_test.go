package mail

import (
	"reflect"
	"testing"
	"time"
)

// TestOnlyUIDs_everyOtherFieldIsAKey: SearchMailbox returns the SQL
// answer alone when onlyUIDs holds, so a field added to Criteria must
// make it false, or that key would be ignored.
func TestOnlyUIDs_everyOtherFieldIsAKey(t *testing.T) {
	if !(&Criteria{UIDs: [][]uint32{{1}}}).onlyUIDs() {
		t.Fatal("UID sets alone: onlyUIDs is false")
	}
	typ := reflect.TypeFor[Criteria]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if f.Name == "UIDs" {
			continue
		}
		var c Criteria
		v := reflect.ValueOf(&c).Elem().Field(i)
		switch v.Kind() {
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		case reflect.Int64:
			v.SetInt(1)
		case reflect.Struct:
			if v.Type() != reflect.TypeFor[time.Time]() {
				t.Fatalf("field %s: a kind of key this test does not know", f.Name)
			}
			v.Set(reflect.ValueOf(time.Unix(1, 0)))
		default:
			t.Fatalf("field %s: a kind of key this test does not know (%s)", f.Name, v.Kind())
		}
		if c.onlyUIDs() {
			t.Errorf("Criteria with only %s set: onlyUIDs is true", f.Name)
		}
	}
}
