package sqlite

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

// numberList reads what group_concat makes of ids and UIDs, and refuses
// anything else rather than misread it.
func TestNumberList_readsGroupConcatAndRefusesTheRest(t *testing.T) {
	var long []string
	var want []int64
	for i := range 1000 {
		n := int64(i) * 7919 * 1_000_003
		long, want = append(long, strconv.FormatInt(n, 10)), append(want, n)
	}
	for list, want := range map[string][]int64{
		"":                        nil,
		"0":                       {0},
		"4294967295,1,22":         {4294967295, 1, 22},
		strings.Join(long, ","):   want,
		"999999999999999999,7,07": {999999999999999999, 7, 7},
	} {
		got, err := numberList(list)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("numberList(%.40q) = %v, %v; want %v", list, got[:min(len(got), 5)], err, want[:min(len(want), 5)])
		}
	}
	for _, bad := range []string{",", "1,", ",1", "1,,2", "-1", "1.5", "1 ,2", "x", "1000000000000000000"} {
		if got, err := numberList(bad); err == nil {
			t.Errorf("numberList(%q) = %v, want an error", bad, got)
		}
	}
}
